package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.attributeToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.numberOfElementsToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import dev.sessionlimits.core.ApiKey;
import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.core.TokenHash;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The API keys tab of the admin console in real headless Chromium: a key created with a name,
 * scopes and the default lifetime (90 days) is shown once with a copy button, is gone from the page
 * once hidden and after a reload, is listed without it, and is revoked after a confirmation; each
 * state at 0 axe-core violations.
 */
class ApiKeysUiTest extends OneServerInChromium {

  private static final String ROW = "[data-test=api-key-row]";

  @Test
  void anAdministratorCreatesAKeySeesItOnceAndRevokesIt() {
    assumeTrue(browser != null, Chromium::missing);
    browser.reset(base);
    browser.open(base + "/");
    browser.await(visibilityOfElementLocated(By.id("login-form")));
    browser.find("#username").sendKeys("admin");
    browser.find("#password").sendKeys(TestServer.ADMIN_PASSWORD);
    browser.find("#login-submit").click();
    browser.await(urlContains("/account.html"));
    browser.open(base + "/admin.html#api-keys");
    browser.await(attributeToBe(By.id("tab-api-keys"), "aria-selected", "true"));
    browser.await(textToBePresentInElementLocated(By.id("api-keys-body"), "No API keys yet."));
    Axe.assertNoViolations(browser, "the API keys tab without keys");

    browser.find("#api-key-create summary").click();
    browser.find("[data-test=api-key-create-submit]").click();
    browser.await(visibilityOfElementLocated(By.id("new-api-key-name-error")));
    assertThat(browser.find("#new-api-key-name").getAttribute("aria-invalid")).isEqualTo("true");
    Axe.assertNoViolations(browser, "the form with a missing name");

    browser.find("#new-api-key-name").sendKeys("billing (Node)");
    browser.find("[data-test=api-key-scope-end]").click();
    browser.find("[data-test=api-key-create-submit]").click();
    browser.await(visibilityOfElementLocated(By.id("api-key-created")));
    String key = browser.find("[data-test=api-key-value]").getAttribute("value");
    assertThat(key).matches("slk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
    ApiKey stored = t.stores.apiKeys().find(key.substring(4, 20)).orElseThrow();
    assertThat(stored.hash()).as("the key shown is the one kept").isEqualTo(TokenHash.of(key));
    assertThat(stored.scopes())
        .containsExactlyInAnyOrder(ApiKeyScope.SESSIONS_OPEN, ApiKeyScope.SESSIONS_READ);
    assertThat(stored.expiresAt())
        .as("the console's default lifetime")
        .contains(stored.createdAt().plus(java.time.Duration.ofDays(90)));
    assertThat(browser.find("#api-key-value-label").getText()).isEqualTo("The key billing (Node)");
    browser.await(numberOfElementsToBe(By.cssSelector(ROW), 1));
    assertThat(browser.find(ROW).getText())
        .contains(
            "billing (Node)", key.substring(4, 20), "Open sessions, Check sessions", "Live until")
        .doesNotContain(key.substring(21));
    Axe.assertNoViolations(browser, "the key shown once");
    browser.screenshot("admin-api-key-created");

    browser.find("[data-test=api-key-copy]").click();
    browser.await(d -> !browser.find("[data-test=api-key-copy-status]").getText().isEmpty());
    assertThat(browser.find("[data-test=api-key-copy-status]").getText())
        .isIn(
            "Copied.", "This page may not copy: the key is selected, press Ctrl+C (⌘C on a Mac).");

    browser.find("[data-test=api-key-hide]").click();
    browser.await(invisibilityOfElementLocated(By.id("api-key-created")));
    assertThat(pageHtml()).doesNotContain(key.substring(21));
    browser.open(base + "/admin.html#api-keys");
    browser.await(numberOfElementsToBe(By.cssSelector(ROW), 1));
    assertThat(pageHtml()).as("after a reload").doesNotContain(key.substring(21));

    browser.find("[data-test=api-key-revoke]").click();
    browser.await(visibilityOfElementLocated(By.id("confirm-dialog")));
    assertThat(browser.find("#confirm-message").getText())
        .contains("billing (Node)", key.substring(4, 20));
    Axe.assertNoViolations(browser, "the revocation's confirmation");
    browser.find("#confirm-ok").click();
    browser.await(
        textToBePresentInElementLocated(By.cssSelector("[data-test=api-key-status]"), "Revoked"));
    assertThat(browser.find("[data-test=api-keys-status]").getText())
        .isEqualTo("Revoked the key billing (Node).");
    assertThat(t.stores.apiKeys().find(key.substring(4, 20)).orElseThrow().live()).isFalse();
    assertThat(browser.find(ROW).findElements(By.cssSelector("[data-test=api-key-revoke]")))
        .isEmpty();
    List<String> violations = browser.policyViolations();
    assertThat(violations).as("Content-Security-Policy violations").isEmpty();
    Axe.assertNoViolations(browser, "a revoked key");
  }

  private String pageHtml() {
    return (String) browser.script("return document.documentElement.outerHTML;");
  }
}
