package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import dev.sessionlimits.store.jdbc.Await;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * A German Chromium and an English one against one server: each shows the account page and the live
 * "you were signed out" notice in its own language, with times in its own zone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LanguagesUiTest {

  /** As in WebUiTest: well below the page's 30 s poll, so only the push can show it in time. */
  private static final Duration PUSHED = Duration.ofSeconds(20);

  private TestServer t;
  private String base;
  private Chromium german;
  private Chromium english;

  @BeforeAll
  void start() throws Exception {
    if (!Chromium.installedOrSkipping()) {
      return;
    }
    t =
        TestServer.startAt(
            Instant.now().truncatedTo(ChronoUnit.SECONDS),
            Map.of(),
            b -> b.heartbeat(Duration.ofMillis(500)));
    base = t.base.toString();
    CompletableFuture<Chromium> other = CompletableFuture.supplyAsync(Chromium::launch);
    german = Chromium.launch(Locale.GERMANY);
    english = other.get();
  }

  @AfterAll
  void stop() {
    if (german != null) {
      german.close();
    }
    if (english != null) {
      english.close();
    }
    if (t != null) {
      t.close();
    }
  }

  private void signIn(Chromium browser, String username, String device) {
    browser.open(base + "/");
    browser.await(visibilityOfElementLocated(By.id("login-form")));
    browser.find("#username").sendKeys(username);
    browser.find("#password").sendKeys(username + "-plum-harbor-lantern");
    browser.find("#device").clear();
    browser.find("#device").sendKeys(device);
    browser.find("#login-submit").click();
    // A sign-in that signs another device out asks first (the preview): go on.
    browser.await(
        ExpectedConditions.or(
            urlContains("/account.html"), visibilityOfElementLocated(By.id("preview-continue"))));
    if (!browser.driver.getCurrentUrl().contains("/account.html")) {
      browser.find("#preview-continue").click();
    }
    browser.await(urlContains("/account.html"));
    browser.await(textToBePresentInElementLocated(By.id("signed-in-as"), username));
    browser.await(
        visibilityOfElementLocated(
            By.cssSelector("tr[data-test='my-session'][data-current='true']")));
  }

  private String currentSessionId(Chromium browser) {
    String id =
        browser
            .find("tr[data-test='my-session'][data-current='true']")
            .getAttribute("data-session-id");
    Await.untilAsserted(
        "the stream of " + id + " is attached",
        () -> assertThat(t.server.push().streams(id)).isOne());
    return id;
  }

  @Test
  void eachBrowserReadsTheAccountPageAndTheEvictionNoticeInItsOwnLanguageAndZone() {
    assumeTrue(german != null, Chromium::missing);
    t.createUser(
        "{\"username\":\"anna\",\"password\":\"anna-plum-harbor-lantern\",\"sessions_limit\":1}");
    german.open(base + "/");
    german.emulateTimeZone("Europe/Berlin");

    signIn(german, "anna", "Laptop");

    assertThat(german.script("return document.documentElement.lang;")).isEqualTo("de");
    assertThat(german.find("h1").getText()).isEqualTo("Mein Konto");
    assertThat(german.find("#signed-in-as").getText()).isEqualTo("Angemeldet als anna");
    assertThat(german.find("#sessions-summary").getText())
        .isEqualTo("Sie haben 1 aktive Sitzung. Ihr eigenes Limit: 1 Sitzung.");
    assertThat(german.find("[data-test=this-device]").getText()).isEqualTo("Dieses Gerät");
    assertThat(german.find("#password-submit").getText()).isEqualTo("Passwort ändern");
    Axe.assertNoViolations(german, "account page in German");
    currentSessionId(german);

    signIn(english, "anna", "Phone");

    german.await(PUSHED, visibilityOfElementLocated(By.cssSelector("dialog#session-ended[open]")));
    assertThat(german.find("#session-ended-title").getText()).isEqualTo("Sie wurden abgemeldet");
    assertThat(german.find("#session-ended-message").getText())
        .startsWith("Sie wurden abgemeldet, weil sich Ihr Konto um ")
        .contains(" MEZ mit „Phone“ (")
        .endsWith(" von 127.0.0.1 aus angemeldet hat und Ihr Limit 1 Sitzung beträgt.")
        .doesNotContain("UTC");
    assertThat(german.find("#session-ended-signin").getText()).isEqualTo("Erneut anmelden");
    german.screenshot("session-ended-live-de");
    Axe.assertNoViolations(german, "eviction notice in German");

    assertThat(english.script("return document.documentElement.lang;")).isEqualTo("en");
    assertThat(english.find("h1").getText()).isEqualTo("My account");
    assertThat(english.find("#sessions-summary").getText())
        .isEqualTo("You have 1 active session. Your own limit is 1 session.");
    currentSessionId(english);

    signIn(german, "anna", "Laptop");

    english.await(PUSHED, visibilityOfElementLocated(By.cssSelector("dialog#session-ended[open]")));
    assertThat(english.find("#session-ended-message").getText())
        .startsWith("You were signed out because your account signed in on \"Laptop\" (")
        .contains(" from 127.0.0.1 at ")
        .endsWith(", and your limit is 1 session.");
    Axe.assertNoViolations(english, "eviction notice in English");
  }
}
