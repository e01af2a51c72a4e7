package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.numberOfElementsToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The re-authentication dialog in headless Chromium (issue 12.2): an administrator whose password
 * entry is older than the window creates another administrator, and a user signs out her other
 * sessions; the page asks for the password in a dialog and then makes the change, or, cancelled,
 * changes nothing.
 */
class ReauthenticationUiTest extends OneServerInChromium {

  private static final String DIALOG = "dialog#reauth-dialog[open]";

  @BeforeEach
  void freshBrowser() {
    assumeTrue(browser != null, Chromium::missing);
    browser.reset(base);
  }

  @AfterEach
  void noContentSecurityPolicyViolations() {
    if (browser == null) {
      return;
    }
    assertThat(browser.policyViolations()).isEmpty();
  }

  /**
   * Signs the administrator in, lets the window pass, and submits "create dave, an administrator".
   */
  private void createAdministratorAfterTheWindow(String username) {
    browser.open(base + "/");
    browser.await(visibilityOfElementLocated(By.id("login-form")));
    browser.find("#username").sendKeys("admin");
    browser.find("#password").sendKeys(TestServer.ADMIN_PASSWORD);
    browser.find("#login-submit").click();
    browser.await(urlContains("/account.html"));
    t.clock.advanceSeconds(301);
    browser.open(base + "/admin.html#users");
    browser.await(visibilityOfElementLocated(By.cssSelector("#user-create summary"))).click();
    browser.await(visibilityOfElementLocated(By.id("new-username"))).sendKeys(username);
    browser.find("#new-password").sendKeys("violet-canyon-marmalade");
    browser.find("#new-admin").click();
    browser.find("#user-create-submit").click();
    browser.await(visibilityOfElementLocated(By.cssSelector(DIALOG)));
  }

  private boolean exists(String username) {
    return t.admin().get("/api/v1/users/" + username).status() == 200;
  }

  @Test
  void theDialogAsksForThePasswordAndThenTheAdministratorIsCreated() {
    createAdministratorAfterTheWindow("dave");

    assertThat(browser.find("#reauth-dialog").getAttribute("aria-labelledby"))
        .isEqualTo("reauth-title");
    assertThat(browser.find("#reauth-message").getText()).contains("Enter your password again");
    assertThat(browser.script("return document.activeElement.id;")).isEqualTo("reauth-password");
    assertThat(exists("dave")).as("not before the password").isFalse();
    browser.find("#reauth-password").sendKeys("not-the-password");
    browser.find("#reauth-submit").click();
    browser.await(textToBePresentInElementLocated(By.id("reauth-error"), "The password is wrong."));
    assertThat(browser.find("#reauth-password").getAttribute("aria-invalid")).isEqualTo("true");
    browser.screenshot("reauthentication-dialog");

    browser.find("#reauth-password").sendKeys(TestServer.ADMIN_PASSWORD);
    browser.find("#reauth-submit").click();

    browser.await(invisibilityOfElementLocated(By.cssSelector(DIALOG)));
    browser.await(textToBePresentInElementLocated(By.id("users-status"), "Created the user dave."));
    assertThat(t.admin().get("/api/v1/users/dave").json().path("admin").asBoolean()).isTrue();
  }

  @Test
  void escapeOrCancelClosesTheDialogAndNothingIsCreated() {
    createAdministratorAfterTheWindow("erin");

    browser.find("#reauth-password").sendKeys(Keys.ESCAPE);

    browser.await(invisibilityOfElementLocated(By.cssSelector(DIALOG)));
    browser.await(textToBePresentInElementLocated(By.id("users-status"), "not created"));
    assertThat(browser.script("return document.activeElement.id;"))
        .as("focus goes back where it was")
        .isEqualTo("user-create-submit");
    assertThat(exists("erin")).isFalse();

    browser.find("#user-create-submit").click();
    browser.await(visibilityOfElementLocated(By.cssSelector(DIALOG)));
    browser.find("#reauth-cancel").click();

    browser.await(invisibilityOfElementLocated(By.cssSelector(DIALOG)));
    assertThat(exists("erin")).isFalse();
  }

  @Test
  void signingOutAllOtherSessionsAsksForThePasswordOnceTheWindowHasPassed() {
    t.createUser("bob", "bob-plum-harbor-lantern");
    Browser phone = t.browser(TestServer.FIREFOX_LINUX);
    assertThat(phone.login("bob", "bob-plum-harbor-lantern").status()).isEqualTo(201);
    browser.open(base + "/");
    browser.await(visibilityOfElementLocated(By.id("login-form")));
    browser.find("#username").sendKeys("bob");
    browser.find("#password").sendKeys("bob-plum-harbor-lantern");
    browser.find("#login-submit").click();
    browser.await(urlContains("/account.html"));
    browser.await(numberOfElementsToBe(By.cssSelector("tr[data-test='my-session']"), 2));
    t.clock.advanceSeconds(301);

    browser.find("#sign-out-others").click();
    browser.await(visibilityOfElementLocated(By.cssSelector(DIALOG)));
    assertThat(phone.get("/api/v1/me").status()).as("not before the password").isEqualTo(200);
    browser.find("#reauth-password").sendKeys("bob-plum-harbor-lantern");
    browser.find("#reauth-submit").click();

    browser.await(
        textToBePresentInElementLocated(
            By.id("sessions-status"),
            "Signed out 1 other session. Only this device is signed in now."));
    browser.await(numberOfElementsToBe(By.cssSelector("tr[data-test='my-session']"), 1));
    Browser.Response ended = phone.get("/api/v1/me");
    assertThat(ended.status()).isEqualTo(401);
    assertThat(ended.json().path("reason").asText()).isEqualTo("ended_by_user");
  }
}
