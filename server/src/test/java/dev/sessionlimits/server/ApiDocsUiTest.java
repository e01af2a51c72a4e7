package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.numberOfElementsToBeMoreThan;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;

/**
 * Swagger UI at {@code /api/docs} in headless Chromium: it loads from this server alone (the
 * webjar, no CDN), under its Content-Security-Policy without a violation, shows this server's
 * document (not the example petstore) and its operations, and runs one of them against the server.
 */
class ApiDocsUiTest extends OneServerInChromium {

  @Test
  void swaggerUiShowsEveryOperationOfTheDocumentWithoutAPolicyViolation() {
    assumeTrue(browser != null, Chromium::missing);
    browser.open(base + "/api/docs");
    browser.await(
        Duration.ofSeconds(20),
        textToBePresentInElementLocated(By.cssSelector(".info .title"), "Sessionlimits API"));
    browser.await(numberOfElementsToBeMoreThan(By.cssSelector(".opblock"), 40));
    assertThat(browser.driver.getCurrentUrl()).endsWith("/api/docs/");
    assertThat(browser.driver.findElements(By.cssSelector(".opblock-summary-path")))
        .extracting(WebElement::getText)
        .contains("/api/v1/login", "/api/v1/users/{username}", "/auth/verify");
    assertThat(browser.driver.getPageSource()).doesNotContain("petstore", "Swagger Petstore");
    browser.screenshot("api-docs");
    assertThat(browser.policyViolations()).isEmpty();
  }

  @Test
  void anOperationTriedInSwaggerUiIsAnsweredByThisServer() {
    assumeTrue(browser != null, Chromium::missing);
    browser.open(base + "/api/docs/#/monitors/health");
    WebElement health =
        browser.await(
            Duration.ofSeconds(20),
            d -> d.findElement(By.cssSelector("#operations-monitors-health")));
    if (health.findElements(By.cssSelector(".try-out__btn")).isEmpty()) {
      health.findElement(By.cssSelector(".opblock-summary")).click();
    }
    tryItOut();
    clickOnceUncovered(health, ".execute");
    browser.await(
        textToBePresentInElementLocated(
            By.cssSelector(
                "#operations-monitors-health .live-responses-table tbody .response-col_status"),
            "200"));
    assertThat(browser.policyViolations()).isEmpty();
  }

  /**
   * Turns "Try it out" on and waits for its Execute button. A click that lands while Swagger UI is
   * still rendering the operation may be lost, so the button is clicked again until Execute shows;
   * once on, it reads "Cancel" ({@code .cancel}) and is left alone.
   */
  private void tryItOut() {
    By operation = By.cssSelector("#operations-monitors-health");
    browser.await(
        d -> {
          WebElement health = d.findElement(operation);
          if (!health.findElements(By.cssSelector(".execute")).isEmpty()) {
            return true;
          }
          for (WebElement button :
              health.findElements(By.cssSelector(".try-out__btn:not(.cancel)"))) {
            try {
              button.click();
            } catch (ElementClickInterceptedException | StaleElementReferenceException e) {
              return null;
            }
          }
          return null;
        });
  }

  /**
   * Clicks the element once it is no longer covered: Swagger UI animates an operation open, and a
   * click during the animation lands on what is still over the button.
   */
  private void clickOnceUncovered(WebElement within, String css) {
    browser.await(
        d -> {
          try {
            within.findElement(By.cssSelector(css)).click();
            return true;
          } catch (ElementClickInterceptedException e) {
            return null;
          }
        });
  }
}
