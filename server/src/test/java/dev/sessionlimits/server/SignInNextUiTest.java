package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The sign-in page's {@code next} in headless Chromium (issue 13): a same-origin absolute path, the
 * page a proxy's sign-in redirect was asked for, is followed after sign-in; anything that could
 * leave the origin, however encoded, ends on the account page of this origin instead.
 */
class SignInNextUiTest extends OneServerInChromium {

  private static final String PASSWORD = "dora-plum-harbor-lantern";

  @BeforeAll
  void dora() {
    if (t == null) {
      return;
    }
    t.createUser("dora", PASSWORD);
  }

  @BeforeEach
  void freshBrowser() {
    assumeTrue(browser != null, Chromium::missing);
    browser.reset(base);
  }

  private void signInWithNext(String next, String username, String password) {
    browser.open(base + "/?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
    browser.await(visibilityOfElementLocated(By.id("login-form")));
    browser.find("#username").sendKeys(username);
    browser.find("#password").sendKeys(password);
    browser.find("#login-submit").click();
  }

  @Test
  void aSameOriginPathOutsideTheUiIsFollowedAfterSignInWithItsQueryAndFragment() {
    signInWithNext("/favicon.svg?from=next#top", "dora", PASSWORD);

    browser.await(urlToBe(base + "/favicon.svg?from=next#top"));
  }

  @Test
  void anAbsolutePathToAPageOfTheUiIsFollowedAfterSignIn() {
    signInWithNext("/admin.html#users", "admin", TestServer.ADMIN_PASSWORD);

    browser.await(urlToBe(base + "/admin.html#users"));
    browser.await(textToBePresentInElementLocated(By.id("signed-in-as"), "admin"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "/%5Cevil.example",
        "%2F%2Fevil.example",
        "/%2F/evil.example",
        "/%252F/evil.example",
        "javascript:alert(1)",
        "reports.html"
      })
  void anUnsafeNextEndsOnTheAccountPageOfThisOrigin(String next) {
    signInWithNext(next, "dora", PASSWORD);

    browser.await(urlToBe(base + "/account.html"));
    browser.await(textToBePresentInElementLocated(By.id("signed-in-as"), "dora"));
  }

  @Test
  void theSignInPageReachedWithANextStillSaysWhyThePreviousSessionEndedAndThenReturnsThere() {
    t.createUser(
        "{\"username\":\"erin\",\"password\":\"erin-plum-harbor-lantern\",\"sessions_limit\":1}");
    signInWithNext("account.html", "erin", "erin-plum-harbor-lantern");
    browser.await(textToBePresentInElementLocated(By.id("signed-in-as"), "erin"));
    assertThat(t.browser().login("erin", "erin-plum-harbor-lantern").status()).isEqualTo(201);

    browser.open(
        base + "/?next=" + URLEncoder.encode("/favicon.svg?deep=link", StandardCharsets.UTF_8));

    WebElement notice = browser.await(visibilityOfElementLocated(By.id("signed-out-notice")));
    assertThat(notice.getAttribute("data-reason")).isEqualTo("session_limit_reached");
    assertThat(browser.find("#signed-out-message").getText()).contains("signed in");
    browser.find("#username").sendKeys("erin");
    browser.find("#password").sendKeys("erin-plum-harbor-lantern");
    browser.find("#login-submit").click();
    // Signing in here would sign out the other session: the page says so first.
    browser.await(visibilityOfElementLocated(By.id("preview-continue"))).click();
    browser.await(urlToBe(base + "/favicon.svg?deep=link"));
  }

  @Test
  void theRuleAcceptsPagesOfTheUiAndSameOriginPathsAndNothingElse() {
    browser.open(base + "/index.html");
    String longPath = "/" + "a".repeat(2047);
    String[][] cases = {
      {"account.html", base + "/account.html"},
      {"admin.html#users", base + "/admin.html#users"},
      {"/reports/q3.html?x=1#top", base + "/reports/q3.html?x=1#top"},
      {"/caf%C3%A9", base + "/caf%C3%A9"},
      {longPath, base + longPath},
      {longPath + "a", null},
      {"", null},
      {"/", base + "/"},
      {"/a b", null},
      {"/files/Q3%20report.pdf", base + "/files/Q3%20report.pdf"},
      {"/100%", null},
      {"/a%E9", null},
      {"/a%2509", null},
      {"/a\tb", null},
      {"/a\u0000", null},
      {"/%00", null},
      {"/%zz", null},
      {"/%2F%2Fevil.example", null},
      {"/%252F%252Fevil.example", null},
      {"/%25252F/fine-after-two-decodings", base + "/%25252F/fine-after-two-decodings"},
      {base + "/account.html", null},
      {"account.html?x=1", null},
      {"ACCOUNT.HTML", null},
    };
    List<String> values = Arrays.stream(cases).map(c -> c[0]).toList();

    @SuppressWarnings("unchecked")
    List<Object> answers =
        (List<Object>)
            browser.script(
                "const values = arguments[0];"
                    + " return import(new URL('js/session.js', location.href).href)"
                    + ".then((m) => values.map((v) => m.safeNext(v)));",
                values);

    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < cases.length; i++) {
      if (!String.valueOf(cases[i][1]).equals(String.valueOf(answers.get(i)))) {
        wrong.add(cases[i][0] + " -> " + answers.get(i) + " (expected " + cases[i][1] + ")");
      }
    }
    assertThat(wrong).isEmpty();
  }
}
