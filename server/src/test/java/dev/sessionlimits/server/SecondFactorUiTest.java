package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import dev.sessionlimits.server.service.Totp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;

/**
 * The second factor in headless Chromium (issue 15): a user sets up her authenticator app on the
 * account page (QR code, key, first code, recovery codes), and then signs in with her password and
 * a code; an administrator who must have one sets it up on the sign-in page.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecondFactorUiTest extends OneServerInChromium {

  private static final String PASSWORD = "alice-plum-harbor-lantern";

  @AfterEach
  void noContentSecurityPolicyViolations() {
    if (browser == null) {
      return;
    }
    assertThat(browser.policyViolations()).isEmpty();
  }

  @Test
  @Order(1)
  void aUserSetsUpHerAppOnTheAccountPageAndThenSignsInWithPasswordAndCode() {
    assumeTrue(browser != null, Chromium::missing);
    t.createUser("alice", PASSWORD);
    browser.reset(base);
    signIn("alice", PASSWORD);
    browser.await(urlContains("/account.html"));

    browser.await(visibilityOfElementLocated(By.cssSelector("[data-test=mfa-set-up]"))).click();
    String secret =
        browser
            .await(visibilityOfElementLocated(By.cssSelector("[data-test=mfa-secret]")))
            .getText();
    assertThat(browser.find("[data-test=mfa-enrolment] svg.qr path").getAttribute("d"))
        .startsWith("M");
    browser.screenshot("mfa-enrolment");
    browser.find("[data-test=mfa-confirm-code]").sendKeys(code(secret));
    browser.find("[data-test=mfa-confirm]").click();
    browser.await(visibilityOfElementLocated(By.cssSelector("[data-test=recovery-codes]")));
    assertThat(browser.driver.findElements(By.cssSelector("[data-test=recovery-codes] li")))
        .hasSize(10);
    browser.await(textToBePresentInElementLocated(By.cssSelector("[data-test=mfa-state]"), "On"));

    browser.reset(base);
    signIn("alice", PASSWORD);
    browser.await(visibilityOfElementLocated(By.cssSelector("[data-test=mfa-form]")));
    assertThat(browser.script("return document.activeElement.id;")).isEqualTo("mfa-code");
    browser.find("#mfa-code").sendKeys("000000");
    browser.find("#mfa-submit").click();
    browser.await(textToBePresentInElementLocated(By.id("login-error"), "wrong"));
    t.clock.advanceSeconds(30);
    browser.find("#mfa-code").sendKeys(code(secret));
    browser.find("#mfa-submit").click();

    browser.await(urlContains("/account.html"));
    assertThat(
            t.admin()
                .get("/api/v1/sessions?user=alice")
                .json()
                .path("sessions")
                .findValuesAsText("auth_method"))
        .contains("password+totp");
  }

  @Test
  @Order(2)
  void anAdministratorWhoMustHaveAnAppSetsItUpOnTheSignInPage() {
    assumeTrue(browser != null, Chromium::missing);
    // Runs last: from here on the administrator needs her app to sign in.
    t.settings("{\"MFA_REQUIRED_FOR_ADMINS\": true}");
    browser.reset(base);
    signIn("admin", TestServer.ADMIN_PASSWORD);
    String secret =
        browser
            .await(visibilityOfElementLocated(By.cssSelector("[data-test=mfa-secret]")))
            .getText();
    browser.find("#mfa-code").sendKeys(code(secret));
    browser.find("#mfa-submit").click();

    browser.await(visibilityOfElementLocated(By.cssSelector("[data-test=recovery-codes]")));
    browser.find("#mfa-continue").click();
    browser.await(urlContains("/account.html"));

    browser.open(base + "/admin.html#sessions");
    // The administrator's earlier sessions (opened by the test through the API) used a password.
    browser.await(
        driver ->
            driver
                .findElements(By.cssSelector("[data-user=admin] [data-test=auth-method]"))
                .stream()
                .anyMatch(cell -> cell.getText().equals("Password and app code")));
  }

  private void signIn(String user, String password) {
    browser.open(base + "/");
    browser.await(visibilityOfElementLocated(By.id("login-form")));
    browser.find("#username").sendKeys(user);
    browser.find("#password").sendKeys(password);
    browser.find("#login-submit").click();
  }

  private String code(String secret) {
    return Totp.code(secret, Totp.stepOf(t.clock.instant()));
  }
}
