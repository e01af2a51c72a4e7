package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.attributeToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

/**
 * axe-core on every page of the web UI and every tab of the admin console, in the light and the
 * dark colour scheme: 0 violations. Other browser tests check the states they reach the same way
 * ({@link Axe}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessibilityTest {

  private static final String[] TABS = {
    "settings", "users", "groups", "sessions", "enforce", "audit", "api-keys"
  };

  private TestServer t;
  private Chromium browser;

  @BeforeAll
  void start() {
    if (!Chromium.installedOrSkipping()) {
      return;
    }
    t = TestServer.start();
    browser = Chromium.launch();
  }

  @AfterAll
  void stop() {
    Chromium.closeAll(browser, t);
  }

  @Test
  void everyPageAndEveryAdminTabHasNoAccessibilityViolationInEitherColourScheme() {
    assumeTrue(browser != null, Chromium::missing);
    for (String scheme : new String[] {"light", "dark"}) {
      browser.emulateColourScheme(scheme);
      browser.reset(t.base.toString());
      browser.open(t.base + "/");
      browser.await(visibilityOfElementLocated(By.id("login-form")));
      Axe.assertNoViolations(browser, "the sign-in page (" + scheme + ")");
      browser.find("#username").sendKeys("admin");
      browser.find("#password").sendKeys(TestServer.ADMIN_PASSWORD);
      browser.find("#login-submit").click();
      browser.await(urlContains("/account.html"));
      browser.await(textToBePresentInElementLocated(By.id("signed-in-as"), "admin"));
      Axe.assertNoViolations(browser, "the account page (" + scheme + ")");
      browser.open(t.base + "/admin.html");
      for (String tab : TABS) {
        browser.await(visibilityOfElementLocated(By.id("tab-" + tab))).click();
        browser.await(attributeToBe(By.id("tab-" + tab), "aria-selected", "true"));
        browser.await(visibilityOfElementLocated(By.id("panel-" + tab)));
        Axe.assertNoViolations(browser, "the admin console's " + tab + " tab (" + scheme + ")");
      }
    }
  }

  @Test
  void theCheckFailsOnAPageThatBreaksARule() {
    assumeTrue(browser != null, Chromium::missing);
    browser.reset(t.base.toString());
    browser.open(t.base + "/");
    browser.await(visibilityOfElementLocated(By.id("login-form")));
    browser.script(
        "const b = document.createElement('button'); b.id = 'nameless'; document.body.append(b);");
    assertThatThrownBy(() -> Axe.assertNoViolations(browser, "a page with a nameless button"))
        .hasMessageContaining("button-name");
  }
}
