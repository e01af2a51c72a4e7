package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.attributeToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.numberOfElementsToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import dev.sessionlimits.server.service.PasswordPolicy;
import dev.sessionlimits.store.jdbc.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openqa.selenium.InvalidElementStateException;
import org.openqa.selenium.WebElement;

/**
 * The web UI in real headless Chromium against a real server: the live "you were signed out"
 * notice, the login page's reason, my sessions, and the settings form. Two browsers (two profiles,
 * two cookie jars) serve every test. Screenshots go to {@link Chromium#SCREENSHOTS}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiTest {

  /**
   * How long a pushed notice may take to show: ten times the two seconds it is meant to take
   * (docs/benchmarks.md), and less than the page's 30 s poll, so only the push can show it in time.
   */
  private static final Duration PUSHED = Duration.ofSeconds(20);

  private Path configDir;
  private TestServer t;
  private String base;
  private Chromium first;
  private Chromium second;

  @BeforeAll
  void start() throws Exception {
    if (!Chromium.installedOrSkipping()) {
      return;
    }
    configDir = Files.createTempDirectory("sessionlimits-config-");
    Files.writeString(configDir.resolve("lifetime.properties"), "SESSION_MAX_LIFETIME=43200\n");
    t =
        TestServer.startAt(
            Instant.now().truncatedTo(ChronoUnit.SECONDS),
            Map.of("SESSIONLIMITS_CONFIG_DIR", configDir.toString()),
            b -> b.heartbeat(Duration.ofMillis(500)));
    base = t.base.toString();
    CompletableFuture<Chromium> other = CompletableFuture.supplyAsync(Chromium::launch);
    first = Chromium.launch();
    second = other.get();
  }

  @AfterAll
  void stop() throws IOException {
    Chromium.closeAll(first, second, t);
    if (configDir != null) {
      try (var files = Files.list(configDir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(configDir);
    }
  }

  @BeforeEach
  void freshBrowsers() {
    assumeTrue(first != null, Chromium::missing);
    first.reset(base);
    second.reset(base);
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

  private void signIn(Chromium browser, String username, String password, String device) {
    browser.open(base + "/");
    browser.await(visibilityOfElementLocated(By.id("login-form")));
    browser.find("#username").sendKeys(username);
    browser.find("#password").sendKeys(password);
    if (device != null) {
      browser.find("#device").clear();
      browser.find("#device").sendKeys(device);
    }
    browser.find("#login-submit").click();
    browser.await(urlContains("/account.html"));
    browser.await(textToBePresentInElementLocated(By.id("signed-in-as"), username));
  }

  private void createUser(String username, Integer sessionsLimit) {
    t.createUser(
        "{\"username\":\""
            + username
            + "\",\"password\":\""
            + username
            + "-plum-harbor-lantern\","
            + "\"sessions_limit\":"
            + sessionsLimit
            + "}");
  }

  @Test
  void everyPagesFooterNamesTheReleaseTheServerRuns() {
    String release = "version " + Version.CURRENT;
    first.open(base + "/");
    first.await(textToBePresentInElementLocated(By.id("app-version"), release));
    signIn(first, "admin", TestServer.ADMIN_PASSWORD, null);
    first.await(textToBePresentInElementLocated(By.id("app-version"), release));
    first.open(base + "/admin.html");
    first.await(textToBePresentInElementLocated(By.id("app-version"), release));
    assertThat(first.find("footer.site-footer").getText()).isEqualTo("Sessionlimits " + release);
  }

  @Test
  void aSecondLoginSignsTheFirstBrowserOutLiveAndItsLoginPageThenSaysWhy() {
    createUser("alice", 1);
    signIn(first, "alice", "alice-plum-harbor-lantern", "Work laptop");
    String sessionId =
        first
            .await(
                visibilityOfElementLocated(
                    By.cssSelector("tr[data-test='my-session'][data-current='true']")))
            .getAttribute("data-session-id");
    Await.untilAsserted(
        "the first browser's stream is attached",
        () -> assertThat(t.server.push().streams(sessionId)).isOne());
    first.script("window.notReloaded = true;");

    // The second browser is told first which session signing in will end ("Work laptop").
    second.open(base + "/");
    second.await(visibilityOfElementLocated(By.id("login-form")));
    second.find("#username").sendKeys("alice");
    second.find("#password").sendKeys("alice-plum-harbor-lantern");
    second.find("#device").clear();
    second.find("#device").sendKeys("Phone");
    second.find("#login-submit").click();
    assertThat(
            second
                .await(visibilityOfElementLocated(By.cssSelector("[data-test='preview-session']")))
                .getText())
        .contains("Work laptop");
    second.find("#preview-continue").click();
    second.await(urlContains("/account.html"));

    WebElement dialog =
        first.await(
            PUSHED, visibilityOfElementLocated(By.cssSelector("dialog#session-ended[open]")));
    assertThat(dialog.getAttribute("data-test")).isEqualTo("session-ended-notice");
    String sentence = first.find("#session-ended-message").getText();
    assertThat(sentence)
        .startsWith("You were signed out because your account signed in on \"Phone\"")
        .contains("from 127.0.0.1")
        .endsWith("and your limit is 1 session.");
    assertThat(first.script("return window.notReloaded === true;")).as("no reload").isEqualTo(true);
    first.screenshot("session-ended-live");

    first.driver.navigate().refresh();

    WebElement notice = first.await(visibilityOfElementLocated(By.id("signed-out-notice")));
    assertThat(first.driver.getCurrentUrl()).contains("/index.html");
    assertThat(notice.getAttribute("data-reason")).isEqualTo("session_limit_reached");
    assertThat(first.find("#signed-out-message").getText()).contains("Phone").contains("127.0.0.1");
    first.screenshot("login-signed-out-notice");
  }

  @Test
  void changingThePasswordOnTheAccountPageShowsTheServersReasonAndSignsOutTheOtherBrowser() {
    createUser("carol", -1);
    signIn(second, "carol", "carol-plum-harbor-lantern", "Phone");
    String phoneId =
        second
            .await(
                visibilityOfElementLocated(
                    By.cssSelector("tr[data-test='my-session'][data-current='true']")))
            .getAttribute("data-session-id");
    Await.untilAsserted(
        "the phone's stream is attached",
        () -> assertThat(t.server.push().streams(phoneId)).isOne());
    signIn(first, "carol", "carol-plum-harbor-lantern", "Work laptop");

    first.find("#current-password").sendKeys("carol-plum-harbor-lantern");
    first.find("#new-password").sendKeys("password");
    first.find("#confirm-password").sendKeys("password");
    first.find("#password-submit").click();

    WebElement error = first.await(visibilityOfElementLocated(By.id("new-password-error")));
    String reason = PasswordPolicy.weakness("password", List.of("carol")).orElseThrow();
    assertThat(error.getText()).isEqualTo(reason);
    assertThat(first.find("#new-password").getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(first.find("#password-status").getText()).contains(reason);
    first.screenshot("change-password-refused");

    for (String field : new String[] {"#new-password", "#confirm-password"}) {
      first.find(field).clear();
      first.find(field).sendKeys("violet-canyon-marmalade");
    }
    first.find("#password-submit").click();

    first.await(
        textToBePresentInElementLocated(
            By.id("password-status"), "Your password is changed. 1 other session was signed out."));
    assertThat(first.find("#new-password-error").isDisplayed()).isFalse();
    second.await(PUSHED, visibilityOfElementLocated(By.cssSelector("dialog#session-ended[open]")));
    assertThat(second.find("#session-ended-message").getText())
        .contains("because your password was changed");
    second.driver.navigate().refresh();
    WebElement notice = second.await(visibilityOfElementLocated(By.id("signed-out-notice")));
    assertThat(notice.getAttribute("data-reason")).isEqualTo("password_changed");
    first.driver.navigate().refresh();
    first.await(numberOfElementsToBe(By.cssSelector("tr[data-test='my-session']"), 1));
    assertThat(t.browser().login("carol", "violet-canyon-marmalade").status()).isEqualTo(201);
  }

  @Test
  void mySessionsMarksThisDeviceAndSigningOutAnotherSessionEndsIt() {
    createUser("bob", -1);
    Browser phone = t.browser(TestServer.FIREFOX_LINUX);
    assertThat(
            phone
                .post(
                    "/api/v1/login",
                    "{\"username\":\"bob\",\"password\":\"bob-plum-harbor-lantern\","
                        + "\"device\":\"Phone\"}")
                .status())
        .isEqualTo(201);
    String phoneId = phone.get("/api/v1/me").json().path("session").path("id").asText();
    assertThat(
            t.browser(TestServer.CHROME_WINDOWS).login("bob", "bob-plum-harbor-lantern").status())
        .isEqualTo(201);

    signIn(first, "bob", "bob-plum-harbor-lantern", "Work laptop");

    List<WebElement> rows =
        first.await(
            numberOfElementsToBe(
                By.cssSelector("table#my-sessions tr[data-test='my-session']"), 3));
    List<WebElement> current =
        rows.stream().filter(r -> "true".equals(r.getAttribute("data-current"))).toList();
    assertThat(current)
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.getText()).contains("Work laptop").contains("This device");
              assertThat(row.findElements(By.cssSelector("[data-test='this-device']"))).hasSize(1);
            });
    assertThat(rows.stream().filter(r -> r.getText().contains("This device"))).hasSize(1);
    first.screenshot("my-sessions");

    first.find("tr[data-session-id='" + phoneId + "'] [data-test='sign-out-session']").click();

    first.await(numberOfElementsToBe(By.cssSelector("tr[data-test='my-session']"), 2));
    first.await(textToBePresentInElementLocated(By.id("sessions-status"), "Signed out “Phone”"));
    Browser.Response answer = phone.get("/api/v1/me");
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.json().path("reason").asText()).isEqualTo("ended_by_user");
    assertThat(first.driver.findElements(By.cssSelector("dialog#session-ended[open]"))).isEmpty();
  }

  @Test
  void theAdministratorChangesASettingSeesTheFieldsSentenceForABadValueAndCannotEditAReadOnlyOne() {
    Browser api = t.admin();
    signIn(second, "admin", TestServer.ADMIN_PASSWORD, null);
    second.open(base + "/admin.html#settings");
    WebElement perUser =
        second.await(visibilityOfElementLocated(By.id("setting-SESSIONS_PER_USER")));
    try {
      WebElement readOnly = second.find("#field-SESSION_MAX_LIFETIME");
      assertThat(readOnly.getAttribute("data-read-only")).isEqualTo("true");
      WebElement lifetime = second.find("#setting-SESSION_MAX_LIFETIME");
      assertThat(lifetime.isEnabled()).isFalse();
      assertThat(second.find("#setting-SESSION_MAX_LIFETIME-readonly").getText())
          .contains("configuration file")
          .contains("lifetime.properties");
      assertThatThrownBy(() -> lifetime.sendKeys("0"))
          .isInstanceOf(InvalidElementStateException.class);
      assertThat(lifetime.getAttribute("value")).isEqualTo("43200");

      WebElement idle = second.find("#setting-SESSION_COOKIE_AGE");
      idle.clear();
      idle.sendKeys("30");
      second.find("#settings-save").click();

      WebElement error =
          second.await(visibilityOfElementLocated(By.id("setting-SESSION_COOKIE_AGE-error")));
      String expected =
          api.patch("/api/v1/settings", "{\"SESSION_COOKIE_AGE\":30}")
              .json()
              .path("fields")
              .path("SESSION_COOKIE_AGE")
              .asText();
      assertThat(error.getText()).isEqualTo(expected).contains("60");
      assertThat(second.find("#settings-errors").isDisplayed()).isTrue();
      assertThat(api.get("/api/v1/settings").json().path("SESSION_COOKIE_AGE").asInt())
          .isEqualTo(1800);
      second.script(
          "arguments[0].scrollIntoView({block: 'center'});",
          second.find("#field-SESSION_COOKIE_AGE"));
      second.screenshot("admin-settings");

      idle.clear();
      idle.sendKeys("1800");
      perUser.clear();
      perUser.sendKeys("5");
      second.find("#settings-save").click();

      second.await(textToBePresentInElementLocated(By.id("settings-status"), "Saved 1 change"));
      assertThat(second.find("#setting-SESSION_COOKIE_AGE-error").isDisplayed()).isFalse();
      assertThat(api.get("/api/v1/settings").json().path("SESSIONS_PER_USER").asInt()).isEqualTo(5);
      second.await(attributeToBe(By.id("settings-reset"), "disabled", "true"));
    } finally {
      assertThat(api.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\":-1}").status())
          .isEqualTo(200);
    }
  }

  @Test
  void theAdministratorCreatesAGroupSeesItListedAndAUserItIsAssignedToGetsItsLimit() {
    Browser api = t.admin();
    createUser("gina", null);
    signIn(second, "admin", TestServer.ADMIN_PASSWORD, null);
    try {
      second.open(base + "/admin.html#groups");
      second.await(visibilityOfElementLocated(By.id("groups-table")));
      second.find("#group-create summary").click();
      second.await(visibilityOfElementLocated(By.id("new-group-name"))).sendKeys("support team");
      second.find("#new-group-limit").sendKeys("2");
      second.find("#group-create-submit").click();

      second.await(
          textToBePresentInElementLocated(
              By.id("groups-status"), "Created the group support team"));
      WebElement row =
          second.await(
              visibilityOfElementLocated(
                  By.cssSelector("[data-test=group-row][data-group='support team']")));
      assertThat(row.findElement(By.cssSelector("[data-test=group-limit]")).getAttribute("value"))
          .isEqualTo("2");
      assertThat(row.findElement(By.cssSelector("[data-test=group-members]")).getText())
          .isEqualTo("0 members");
      assertThat(api.get("/api/v1/groups/support%20team").json().path("sessions_limit").asInt())
          .isEqualTo(2);
      second.screenshot("admin-groups");

      second.find("#tab-users").click();
      String gina = "[data-test=user-row][data-username=gina] ";
      second.await(visibilityOfElementLocated(By.cssSelector(gina + "[data-test=user-groups]")));
      second.find(gina + "[data-test=user-groups]").sendKeys("support team");
      second.find(gina + "[data-test=user-groups-save]").click();

      second.await(
          textToBePresentInElementLocated(By.id("users-status"), "gina is now in support team"));
      second.await(
          textToBePresentInElementLocated(
              By.cssSelector(gina + "[data-test=user-effective-limit]"),
              "2 sessions, from the group support team"));
      assertThat(
              api.get("/api/v1/users/gina").json().path("effective_limit").path("group").asText())
          .isEqualTo("support team");
    } finally {
      api.delete("/api/v1/users/gina");
      api.delete("/api/v1/groups/support%20team");
    }
  }
}
