package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import dev.sessionlimits.store.jdbc.Await;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web UI in headless Chromium through a real nginx that serves it under {@code /sessionlimits/}
 * and strips the prefix (issue 13): sign-in, the account page, its live notice, signing out and
 * signing in again all work, and not one request leaves the prefix (nginx answers 404 outside it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiUnderPrefixTest {

  private static final String PREFIX = "/sessionlimits";
  private static final String SERVER =
      """
      server {
        listen 127.0.0.1:LISTEN_PORT;
        absolute_redirect off;
        location = /sessionlimits { return 301 /sessionlimits/; }
        location /sessionlimits/ {
          proxy_pass http://SESSIONLIMITS_ADDR/;
          proxy_http_version 1.1;
          proxy_set_header Connection "";
          proxy_set_header Host $http_host;
          proxy_set_header X-Forwarded-Host $http_host;
          proxy_set_header X-Forwarded-Proto $scheme;
          proxy_set_header X-Forwarded-Prefix /sessionlimits;
          proxy_set_header X-Forwarded-For $remote_addr;
          proxy_buffering off;
          proxy_read_timeout 1h;
        }
        location / { return 404; }
      }
      """;

  private TestServer t;
  private NginxProcess nginx;
  private Chromium browser;
  private String ui;

  @BeforeAll
  void start() {
    if (!Chromium.installedOrSkipping() || !NginxProcess.installedOrSkipping()) {
      return;
    }
    t =
        TestServer.startAt(
            Instant.now().truncatedTo(ChronoUnit.SECONDS),
            Map.of("SESSIONLIMITS_TRUSTED_PROXIES", "127.0.0.1/32"),
            b -> b.heartbeat(Duration.ofMillis(500)));
    nginx =
        NginxProcess.start(
            NginxProcess.httpFile(
                SERVER.replace("SESSIONLIMITS_ADDR", "127.0.0.1:" + t.server.port())));
    ui = nginx.base() + PREFIX;
    browser = Chromium.launch();
  }

  @AfterAll
  void stop() {
    Chromium.closeAll(browser, nginx, t);
  }

  @BeforeEach
  void freshBrowser() {
    assumeTrue(browser != null && nginx != null, () -> String.valueOf(Chromium.missing()));
    browser.reset(ui);
  }

  @AfterEach
  void everyRequestStayedUnderThePrefixAndFoundItsAnswer() {
    if (browser == null || nginx == null) {
      return;
    }
    assertThat(browser.policyViolations()).isEmpty();
    // Chromium asks for /favicon.ico by itself for the SVG document Chromium.reset opens (the UI's
    // pages name their icon); any other request outside the prefix is the UI's.
    List<String> log =
        nginx.accessLog().stream().filter(l -> !l.contains(" GET /favicon.ico ")).toList();
    assertThat(log).isNotEmpty();
    assertThat(log)
        .allSatisfy(
            line -> {
              String[] fields = line.split(" ");
              assertThat(fields[2]).as(line).startsWith(PREFIX + "/");
              assertThat(fields[0]).as(line).isNotEqualTo("404");
              assertThat(fields[3]).as(line).isNotEqualTo("404");
            });
  }

  /**
   * Every resource the current page loaded, with its status: all under the prefix, none missing or
   * failed (a 401 of the sign-in page's quiet check is an answer).
   */
  private void pageLoadedOnlyUnderThePrefix() {
    @SuppressWarnings("unchecked")
    List<List<Object>> entries =
        (List<List<Object>>)
            browser.script(
                "return performance.getEntriesByType('navigation')"
                    + ".concat(performance.getEntriesByType('resource'))"
                    + ".map((e) => [e.name, e.responseStatus]);");
    assertThat(entries)
        .isNotEmpty()
        .allSatisfy(
            entry -> {
              assertThat(String.valueOf(entry.get(0))).startsWith(ui + "/");
              assertThat(((Number) entry.get(1)).intValue())
                  .as(entry.toString())
                  .isBetween(200, 499)
                  .isNotEqualTo(404);
            });
  }

  private void signIn(String username, String password) {
    browser.await(visibilityOfElementLocated(By.id("login-form")));
    pageLoadedOnlyUnderThePrefix();
    browser.find("#username").sendKeys(username);
    browser.find("#password").sendKeys(password);
    browser.find("#login-submit").click();
  }

  private String currentSessionId() {
    return browser
        .await(
            visibilityOfElementLocated(
                By.cssSelector("tr[data-test='my-session'][data-current='true']")))
        .getAttribute("data-session-id");
  }

  @Test
  void anAccountPageWithoutSessionSigningInAndSigningOutAllStayUnderThePrefix() {
    t.createUser("frank", "frank-plum-harbor-lantern");
    browser.open(ui + "/account.html");
    browser.await(urlToBe(ui + "/index.html?next=account.html"));
    browser.await(
        d -> Boolean.TRUE.equals(browser.script("return document.readyState === 'complete';")));
    assertThat(
            browser.script(
                "const sheet = document.styleSheets[0];"
                    + " return sheet.href + ' ' + sheet.cssRules.length;"))
        .as("the stylesheet is loaded")
        .asString()
        .startsWith(ui + "/css/app.css ")
        .doesNotEndWith(" 0");

    signIn("frank", "frank-plum-harbor-lantern");

    browser.await(urlToBe(ui + "/account.html"));
    browser.await(textToBePresentInElementLocated(By.id("signed-in-as"), "frank"));
    String sessionId = currentSessionId();
    Await.untilAsserted(
        "the stream is attached", () -> assertThat(t.server.push().streams(sessionId)).isOne());
    pageLoadedOnlyUnderThePrefix();

    browser.find("#sign-out").click();

    browser.await(urlToBe(ui + "/index.html"));
    browser.await(visibilityOfElementLocated(By.id("login-form")));
    assertThat(t.admin().get("/api/v1/sessions?user=frank").json().path("sessions")).isEmpty();
    pageLoadedOnlyUnderThePrefix();
  }

  @Test
  void aSessionEndedElsewhereIsShownLiveAndSigningInAgainReturnsUnderThePrefix() {
    t.createUser(
        "{\"username\":\"gina\",\"password\":\"gina-plum-harbor-lantern\",\"sessions_limit\":1}");
    browser.open(
        ui
            + "/?next="
            + URLEncoder.encode(PREFIX + "/account.html?from=next", StandardCharsets.UTF_8));
    signIn("gina", "gina-plum-harbor-lantern");
    browser.await(urlToBe(ui + "/account.html?from=next"));
    String sessionId = currentSessionId();
    Await.untilAsserted(
        "the stream is attached", () -> assertThat(t.server.push().streams(sessionId)).isOne());

    assertThat(t.browser().login("gina", "gina-plum-harbor-lantern").status()).isEqualTo(201);

    browser.await(visibilityOfElementLocated(By.cssSelector("dialog#session-ended[open]")));
    browser.find("#session-ended-signin").click();
    browser.await(urlToBe(ui + "/index.html?next=account.html"));
    WebElement notice = browser.await(visibilityOfElementLocated(By.id("signed-out-notice")));
    assertThat(notice.getAttribute("data-reason")).isEqualTo("session_limit_reached");
    signIn("gina", "gina-plum-harbor-lantern");
    // Signing in here would sign out the other session: the page says so first.
    browser.await(visibilityOfElementLocated(By.id("preview-continue"))).click();
    browser.await(urlToBe(ui + "/account.html"));
    browser.await(textToBePresentInElementLocated(By.id("signed-in-as"), "gina"));
    pageLoadedOnlyUnderThePrefix();
  }
}
