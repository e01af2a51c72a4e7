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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Nobody stuck at a refusal, in two real Chromium browsers: the one that signs in is refused and
 * signs the other's session out to go on, and the other is told at once; the address's refusal
 * explains itself without showing anyone's sessions; an evicting sign-in says first which session
 * it will end. axe-core checks every new state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginResolveUiTest {

  /** Ten times the two seconds a pushed notice is meant to take (as in {@link WebUiTest}). */
  private static final Duration PUSHED = Duration.ofSeconds(20);

  private TestServer t;
  private String base;
  private Chromium first;
  private Chromium second;

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
    first = Chromium.launch();
    second = other.get();
  }

  @AfterAll
  void stop() {
    Chromium.closeAll(first, second, t);
  }

  @BeforeEach
  void freshBrowsers() {
    assumeTrue(first != null, Chromium::missing);
    first.reset(base);
    second.reset(base);
    t.settings(
        "{\"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\", \"SESSIONS_PER_IP\": -1,"
            + " \"QUOTA_EXEMPT_ADMINS\": true}");
  }

  @AfterEach
  void noContentSecurityPolicyViolations() {
    if (first == null) {
      return;
    }
    for (Chromium browser : List.of(first, second)) {
      assertThat(browser.policyViolations()).isEmpty();
    }
  }

  private void createUser(String username, int sessionsLimit) {
    t.createUser(
        "{\"username\":\""
            + username
            + "\",\"password\":\""
            + username
            + "-plum-harbor-lantern\",\"sessions_limit\":"
            + sessionsLimit
            + "}");
  }

  private void submit(Chromium browser, String username, String device) {
    browser.open(base + "/");
    browser.await(visibilityOfElementLocated(By.id("login-form")));
    browser.find("#username").sendKeys(username);
    browser.find("#password").sendKeys(username + "-plum-harbor-lantern");
    browser.find("#device").clear();
    browser.find("#device").sendKeys(device);
    browser.find("#login-submit").click();
  }

  /** Signs in and waits for the account page; returns the session's id once its stream is on. */
  private String signIn(Chromium browser, String username, String device) {
    submit(browser, username, device);
    browser.await(urlContains("/account.html"));
    browser.await(textToBePresentInElementLocated(By.id("signed-in-as"), username));
    String id =
        browser
            .await(
                visibilityOfElementLocated(
                    By.cssSelector("tr[data-test='my-session'][data-current='true']")))
            .getAttribute("data-session-id");
    Await.untilAsserted(
        "the stream of " + device + " is attached",
        () -> assertThat(t.server.push().streams(id)).isOne());
    return id;
  }

  @Test
  void aRefusedUserSignsHerOtherSessionOutFromTheListAndThatBrowserIsToldAtOnce() {
    createUser("alice", 1);
    String laptopSession = signIn(first, "alice", "Work laptop");
    first.script("window.notReloaded = true;");

    submit(second, "alice", "Phone");

    WebElement choice = second.await(visibilityOfElementLocated(By.id("resolve-choice")));
    List<WebElement> rows =
        second.driver.findElements(By.cssSelector("[data-test='resolve-session']"));
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getAttribute("data-session-id")).isEqualTo(laptopSession);
    assertThat(rows.get(0).getText()).contains("Work laptop").contains("127.0.0.1");
    WebElement button = rows.get(0).findElement(By.cssSelector("button"));
    assertThat(button.getText()).isEqualTo("Sign out this one and continue");
    assertThat(button.getAttribute("aria-label")).startsWith("Sign out Work laptop");
    assertThat(second.find("#login-error").getText()).contains("your limit is 1 session");
    assertThat(second.find("#password").getAttribute("value"))
        .as("the password stays")
        .isNotEmpty();
    assertThat(choice.getText()).contains("Choose a session to sign out");
    for (String scheme : new String[] {"light", "dark"}) {
      second.emulateColourScheme(scheme);
      Axe.assertNoViolations(second, "the refusal with her sessions (" + scheme + ")");
    }
    second.emulateColourScheme("light");
    second.screenshot("login-refused-choose-session");

    button.click();

    second.await(urlContains("/account.html"));
    second.await(textToBePresentInElementLocated(By.id("signed-in-as"), "alice"));
    first.await(PUSHED, visibilityOfElementLocated(By.cssSelector("dialog#session-ended[open]")));
    assertThat(first.find("#session-ended-message").getText())
        .contains("because you chose to end this session when signing in on \"Phone\"");
    assertThat(first.script("return window.notReloaded === true;")).as("no reload").isEqualTo(true);
    first.screenshot("signed-out-at-sign-in-live");
    first.driver.navigate().refresh();
    WebElement notice = first.await(visibilityOfElementLocated(By.id("signed-out-notice")));
    assertThat(notice.getAttribute("data-reason")).isEqualTo("signed_out_at_sign_in");
    Axe.assertNoViolations(first, "the sign-in page after being signed out at sign-in");
  }

  @Test
  void aRefusalByTheAddressLimitExplainsThatOthersOnTheNetworkHoldTheSessionsAndListsNone() {
    createUser("dora", -1);
    // The administrator's session, opened to change the settings, holds the address's one place.
    t.settings("{\"SESSIONS_PER_IP\": 1}");

    submit(second, "dora", "Phone");

    WebElement error = second.await(visibilityOfElementLocated(By.id("login-error")));
    second.await(
        textToBePresentInElementLocated(By.id("login-error"), "Other people on your network"));
    assertThat(error.getText())
        .contains("127.0.0.1")
        .contains("the limit for one address is 1 session");
    assertThat(error.getAttribute("data-scope")).isEqualTo("ip");
    assertThat(second.find("#resolve-choice").isDisplayed()).isFalse();
    assertThat(second.driver.findElements(By.cssSelector("[data-test='resolve-session']")))
        .isEmpty();
    assertThat(second.find("#password").getAttribute("value")).isNotEmpty();
    Axe.assertNoViolations(second, "the refusal by the address's limit");
    second.screenshot("login-refused-address");
  }

  @Test
  void anEvictingSignInFirstSaysWhichSessionItWillEndAndTheOtherBrowserIsToldWhenItDoes() {
    createUser("erin", 1);
    t.settings("{\"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
    String laptopSession = signIn(first, "erin", "Work laptop");

    submit(second, "erin", "Phone");

    second.await(visibilityOfElementLocated(By.id("resolve-preview")));
    List<WebElement> rows =
        second.driver.findElements(By.cssSelector("[data-test='preview-session']"));
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getAttribute("data-session-id")).isEqualTo(laptopSession);
    assertThat(rows.get(0).getText()).contains("Work laptop");
    assertThat(first.find("#signed-in-as").getText()).contains("erin");
    assertThat(t.admin().get("/api/v1/sessions?user=erin").json().path("sessions")).hasSize(1);
    Axe.assertNoViolations(second, "the confirmation of an evicting sign-in");
    second.screenshot("login-preview-eviction");

    second.find("#preview-continue").click();

    second.await(urlContains("/account.html"));
    first.await(PUSHED, visibilityOfElementLocated(By.cssSelector("dialog#session-ended[open]")));
    assertThat(first.find("#session-ended-message").getText()).contains("\"Phone\"");
  }

  @Test
  void aGermanBrowserIsOfferedTheChoiceInGerman() {
    createUser("gus", 1);
    signIn(first, "gus", "Work laptop");
    String agent = (String) second.script("return navigator.userAgent;");
    second.driver.executeCdpCommand(
        "Emulation.setUserAgentOverride", Map.of("userAgent", agent, "acceptLanguage", "de-DE"));
    try {
      submit(second, "gus", "Telefon");

      WebElement choice = second.await(visibilityOfElementLocated(By.id("resolve-choice")));
      assertThat(second.find("html").getAttribute("lang")).isEqualTo("de");
      assertThat(second.find("h1").getText()).isEqualTo("Anmelden");
      assertThat(choice.getText()).contains("Wählen Sie eine Sitzung zum Abmelden");
      assertThat(second.find("#login-error").getText())
          .isEqualTo("Sie haben bereits 1 aktive Sitzung, und Ihr Limit ist 1 Sitzung.");
      WebElement button = second.find("[data-test='resolve-session-end']");
      assertThat(button.getText()).isEqualTo("Diese abmelden und fortfahren");
      assertThat(button.getAttribute("aria-label")).startsWith("Work laptop");
      Axe.assertNoViolations(second, "the refusal with her sessions, in German");
      second.screenshot("login-refused-choose-session-de");

      button.click();

      second.await(urlContains("/account.html"));
    } finally {
      second.driver.executeCdpCommand(
          "Emulation.setUserAgentOverride", Map.of("userAgent", agent, "acceptLanguage", "en-US"));
    }
  }

  @Test
  void cancellingAnEvictingSignInChangesNothing() {
    createUser("fay", 1);
    t.settings("{\"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
    signIn(first, "fay", "Work laptop");

    submit(second, "fay", "Phone");
    second.await(visibilityOfElementLocated(By.id("preview-cancel"))).click();

    second.await(textToBePresentInElementLocated(By.id("login-error"), "Nothing was changed"));
    assertThat(second.find("#resolve-preview").isDisplayed()).isFalse();
    assertThat(t.admin().get("/api/v1/sessions?user=fay").json().path("sessions")).hasSize(1);
  }
}
