package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.attributeToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.numberOfElementsToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The admin console at scale in real headless Chromium (issue 17): pages, search as you type,
 * sorting, live updates without a reload, a confirmation before every destructive action, the
 * actions the API offers, a setting back to its default, the phone layout and the dark scheme, each
 * state held at 0 axe-core violations. One server and one browser serve every test.
 */
class AdminConsoleUiTest extends OneServerInChromium {

  private static final String PASSWORD = "plum-harbor-lantern-42";
  private static final String SESSION_ROW = "[data-test=admin-session]";
  private static final String USER_ROW = "[data-test=user-row]";

  private Browser api;

  @BeforeAll
  void adminApi() {
    if (t == null) {
      return;
    }
    api = t.admin();
  }

  @BeforeEach
  void signIn() {
    assumeTrue(browser != null, Chromium::missing);
    scheme("light");
    browser.viewport(1280, 800);
    browser.reset(base);
    browser.open(base + "/");
    browser.await(visibilityOfElementLocated(By.id("login-form")));
    browser.find("#username").sendKeys("admin");
    browser.find("#password").sendKeys(TestServer.ADMIN_PASSWORD);
    browser.find("#login-submit").click();
    browser.await(urlContains("/account.html"));
    if (api.get("/api/v1/me").status() != 200) {
      api = t.admin();
    }
  }

  /** Switches the colour scheme and waits until the colours' transitions have ended. */
  private void scheme(String name) {
    browser.emulateColourScheme(name);
    browser.await(
        d -> Boolean.TRUE.equals(browser.script("return document.getAnimations().length === 0;")));
  }

  private void user(String name) {
    if (api.get("/api/v1/users/" + name).status() == 404) {
      t.createUser("{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}");
    }
  }

  /** Signs {@code name} in over HTTP on a device of that label; returns the client. */
  private Browser session(String name, String device) {
    Browser b = t.browser();
    Browser.Response r =
        b.post(
            "/api/v1/login",
            "{\"username\":\""
                + name
                + "\",\"password\":\""
                + PASSWORD
                + "\",\"device\":\""
                + device
                + "\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return b;
  }

  private void tab(String name) {
    browser.open(base + "/admin.html#" + name);
    browser.await(attributeToBe(By.id("tab-" + name), "aria-selected", "true"));
  }

  /** The attribute of every row, read at one instant (a live refresh may replace the rows). */
  @SuppressWarnings("unchecked")
  private List<String> column(String rowCss, String attribute) {
    return (List<String>)
        browser.script(
            "return [...document.querySelectorAll(arguments[0])].map((r) =>"
                + " r.getAttribute(arguments[1]));",
            rowCss,
            attribute);
  }

  private WebElement confirmDialog() {
    return browser.await(visibilityOfElementLocated(By.cssSelector("dialog#confirm-dialog[open]")));
  }

  private void cancelWithEscape() {
    browser.find("#confirm-cancel").sendKeys(Keys.ESCAPE);
    browser.await(invisibilityOfElementLocated(By.cssSelector("dialog#confirm-dialog[open]")));
  }

  private void confirm() {
    browser.find("#confirm-ok").click();
    browser.await(invisibilityOfElementLocated(By.cssSelector("dialog#confirm-dialog[open]")));
  }

  private int liveSessionsOf(String name) {
    return api.get("/api/v1/sessions?limit=1000&user=" + name).json().path("sessions").size();
  }

  @Test
  void sessionsComeInPagesOfTheChosenSizeWithNextAndPrevious() {
    user("pager");
    int missing = 130 - liveSessionsOf("pager");
    for (int i = 0; i < missing; i++) {
      session("pager", "Device " + i);
    }
    tab("sessions");
    browser.await(numberOfElementsToBe(By.cssSelector(SESSION_ROW), 50));
    List<String> first = column(SESSION_ROW, "data-session-id");
    assertThat(browser.find("#sessions-where").getText()).isEqualTo("Showing 1–50");

    browser.screenshot("admin-sessions-paged");
    browser.find("#sessions-next").click();
    browser.await(textToBePresentInElementLocated(By.id("sessions-where"), "Showing 51–100"));
    List<String> second = column(SESSION_ROW, "data-session-id");
    assertThat(second).hasSize(50).doesNotContainAnyElementsOf(first);

    browser.find("#sessions-prev").click();
    browser.await(textToBePresentInElementLocated(By.id("sessions-where"), "Showing 1–50"));
    assertThat(column(SESSION_ROW, "data-session-id")).isEqualTo(first);

    new org.openqa.selenium.support.ui.Select(browser.find("#sessions-size")).selectByValue("25");
    browser.await(numberOfElementsToBe(By.cssSelector(SESSION_ROW), 25));
    Axe.assertNoViolations(browser, "a page of sessions");
  }

  @Test
  void searchAsYouTypeFindsPartsOfNamesAndAddressesWithoutAnError() {
    user("bob");
    user("Bobby");
    user("carol");
    tab("users");
    browser.await(visibilityOfElementLocated(By.cssSelector(USER_ROW)));
    browser.script("window.notReloaded = true;");
    browser.find("#users-search").sendKeys("bo", Keys.ENTER);
    browser.await(
        d ->
            column(USER_ROW, "data-username").equals(List.of("bob", "Bobby"))
                || column(USER_ROW, "data-username").equals(List.of("Bobby", "bob")));
    assertThat(browser.script("return window.notReloaded === true;")).as("Enter").isEqualTo(true);
    Axe.assertNoViolations(browser, "a filtered list of users");
    scheme("dark");
    Axe.assertNoViolations(browser, "a filtered list of users (dark)");
    browser.screenshot("admin-users-dark");
    scheme("light");

    session("carol", "Tablet");
    tab("sessions");
    browser.await(visibilityOfElementLocated(By.cssSelector(SESSION_ROW)));
    browser.find("#filter-ip").sendKeys("127.0.");
    browser.find("#filter-q").sendKeys("tabl");
    browser.await(d -> column(SESSION_ROW, "data-user").equals(List.of("carol")));
    assertThat(browser.find("#admin-sessions-status").getAttribute("data-kind"))
        .isNotEqualTo("error");
  }

  @Test
  void aColumnHeaderSortsTheSessionsAndSaysHow() {
    user("aaron");
    user("zoe");
    session("aaron", "Laptop");
    session("zoe", "Laptop");
    tab("sessions");
    browser.await(visibilityOfElementLocated(By.cssSelector(SESSION_ROW)));
    browser.find("[data-test=sort-user]").click();
    browser.await(attributeToBe(By.cssSelector("th[data-sort=user]"), "aria-sort", "ascending"));
    browser.await(d -> "aaron".equals(column(SESSION_ROW, "data-user").get(0)));
    browser.find("[data-test=sort-user]").click();
    browser.await(attributeToBe(By.cssSelector("th[data-sort=user]"), "aria-sort", "descending"));
    browser.await(d -> "zoe".equals(column(SESSION_ROW, "data-user").get(0)));
  }

  @Test
  void sessionsOpenedAndEndedElsewhereAppearAndDisappearWithoutAReload() {
    user("dora");
    tab("sessions");
    browser.await(visibilityOfElementLocated(By.cssSelector(SESSION_ROW)));
    browser.find("#filter-q").sendKeys("dora");
    browser.await(textToBePresentInElementLocated(By.id("admin-sessions-body"), "No active"));
    browser.script("window.notReloaded = true;");

    Browser dora = session("dora", "Kitchen");
    browser.await(
        Duration.ofSeconds(15),
        visibilityOfElementLocated(By.cssSelector(SESSION_ROW + "[data-user=dora]")));
    assertThat(browser.find("#admin-sessions-live").getText()).isEqualTo("1 session opened.");

    assertThat(dora.post("/api/v1/logout", null).status()).isLessThan(300);
    browser.await(
        Duration.ofSeconds(15),
        invisibilityOfElementLocated(By.cssSelector(SESSION_ROW + "[data-user=dora]")));
    assertThat(browser.script("return window.notReloaded === true;")).isEqualTo(true);
  }

  @Test
  void revokingASessionAsksFirstAndCancelChangesNothing() {
    user("erin");
    session("erin", "Work laptop");
    tab("sessions");
    browser.find("#filter-q").sendKeys("erin");
    browser.await(d -> column(SESSION_ROW, "data-user").equals(List.of("erin")));
    String revoke = SESSION_ROW + "[data-user=erin] [data-test=revoke-session]";
    browser.await(visibilityOfElementLocated(By.cssSelector(revoke))).click();
    confirmDialog();
    assertThat(browser.find("#confirm-message").getText())
        .isEqualTo(
            "Sign out erin’s session on “Work laptop” (Firefox on Linux)? They are told why, at"
                + " once.");
    assertThat(browser.script("return document.activeElement.id;")).isEqualTo("confirm-cancel");
    Axe.assertNoViolations(browser, "the confirmation dialog");
    browser.screenshot("admin-confirm-revoke");
    scheme("dark");
    Axe.assertNoViolations(browser, "the confirmation dialog (dark)");
    scheme("light");
    cancelWithEscape();
    assertThat(liveSessionsOf("erin")).isOne();

    browser.find(revoke).click();
    confirmDialog();
    confirm();
    browser.await(textToBePresentInElementLocated(By.id("admin-sessions-status"), "Revoked"));
    assertThat(liveSessionsOf("erin")).isZero();
  }

  private void userAction(String name, String action) {
    tab("users");
    browser.find("#users-search").sendKeys(name);
    browser.await(d -> column(USER_ROW, "data-username").equals(List.of(name)));
    String css = USER_ROW + "[data-username='" + name + "'] [data-test=" + action + "]";
    browser.await(visibilityOfElementLocated(By.cssSelector(css))).click();
    confirmDialog();
  }

  @Test
  void disablingAUserNamesHerSessionsAndHappensOnlyWhenConfirmed() {
    user("fay");
    session("fay", "Phone");
    session("fay", "Laptop");
    userAction("fay", "user-disable");
    assertThat(browser.find("#confirm-message").getText()).contains("fay").contains("2 sessions");
    browser.find("#confirm-cancel").click();
    assertThat(api.get("/api/v1/users/fay").json().path("disabled").asBoolean()).isFalse();

    browser.find(USER_ROW + "[data-username=fay] [data-test=user-disable]").click();
    confirmDialog();
    confirm();
    browser.await(textToBePresentInElementLocated(By.id("users-status"), "fay is disabled"));
    assertThat(api.get("/api/v1/users/fay").json().path("disabled").asBoolean()).isTrue();
    assertThat(liveSessionsOf("fay")).isZero();
  }

  @Test
  void signingOutAllOfAUsersSessionsAndDeletingHerEachAskFirst() {
    user("gail");
    session("gail", "Phone");
    userAction("gail", "user-sign-out-all");
    cancelWithEscape();
    assertThat(liveSessionsOf("gail")).isOne();
    browser.find(USER_ROW + "[data-username=gail] [data-test=user-sign-out-all]").click();
    confirmDialog();
    confirm();
    browser.await(textToBePresentInElementLocated(By.id("users-status"), "Signed out 1 session"));
    assertThat(liveSessionsOf("gail")).isZero();

    browser.find(USER_ROW + "[data-username=gail] [data-test=user-delete]").click();
    confirmDialog();
    cancelWithEscape();
    assertThat(api.get("/api/v1/users/gail").status()).isEqualTo(200);
    browser.find(USER_ROW + "[data-username=gail] [data-test=user-delete]").click();
    confirmDialog();
    confirm();
    browser.await(textToBePresentInElementLocated(By.id("users-status"), "Deleted gail."));
    assertThat(api.get("/api/v1/users/gail").status()).isEqualTo(404);
  }

  @Test
  void anAdministratorPromotesAndAfterConfirmingDemotesAnother() {
    user("hank");
    tab("users");
    browser.find("#users-search").sendKeys("hank");
    browser.await(d -> column(USER_ROW, "data-username").equals(List.of("hank")));
    String row = USER_ROW + "[data-username=hank] ";
    browser
        .await(visibilityOfElementLocated(By.cssSelector(row + "[data-test=user-promote]")))
        .click();
    confirmDialog();
    confirm();
    browser.await(visibilityOfElementLocated(By.cssSelector(row + "[data-test=user-demote]")));
    assertThat(api.get("/api/v1/users/hank").json().path("admin").asBoolean()).isTrue();

    browser.find(row + "[data-test=user-demote]").click();
    confirmDialog();
    cancelWithEscape();
    assertThat(api.get("/api/v1/users/hank").json().path("admin").asBoolean()).isTrue();
    browser.find(row + "[data-test=user-demote]").click();
    confirmDialog();
    confirm();
    browser.await(visibilityOfElementLocated(By.cssSelector(row + "[data-test=user-promote]")));
    assertThat(api.get("/api/v1/users/hank").json().path("admin").asBoolean()).isFalse();
  }

  @Test
  void resettingAPasswordEndsHerSessionsAndTheNewOneSignsIn() {
    user("ivy");
    Browser old = session("ivy", "Phone");
    userAction("ivy", "user-reset-password");
    browser.find("#confirm-ok").click();
    browser.await(visibilityOfElementLocated(By.id("reset-password-error")));
    assertThat(browser.script("return document.activeElement.id;"))
        .isEqualTo("reset-password-input");
    String fresh = "violet-canyon-marmalade-7";
    browser.find("#reset-password-input").sendKeys(fresh);
    confirm();
    browser.await(textToBePresentInElementLocated(By.id("users-status"), "password of ivy"));
    assertThat(old.get("/api/v1/me").status()).isEqualTo(401);
    assertThat(t.browser().login("ivy", fresh).status()).isEqualTo(201);
  }

  @Test
  void aSettingGoesBackToItsDefaultAndNoLongerHoldsAStoredValue() {
    api.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 7}");
    JsonNode schema = api.get("/api/v1/settings/schema").json();
    String defaultValue = null;
    for (JsonNode s : schema.path("settings")) {
      if (s.path("name").asText().equals("SESSIONS_PER_USER")) {
        defaultValue = s.path("default").asText();
      }
    }
    assertThat(defaultValue).isNotNull().isNotEqualTo("7");
    tab("settings");
    WebElement field =
        browser.await(visibilityOfElementLocated(By.id("setting-SESSIONS_PER_USER")));
    assertThat(field.getAttribute("value")).isEqualTo("7");
    browser.find("#field-SESSIONS_PER_USER [data-test=setting-default]").click();
    assertThat(field.getAttribute("value")).isEqualTo(defaultValue);
    browser.find("#settings-save").click();
    browser.await(textToBePresentInElementLocated(By.id("settings-status"), "Saved 1 change"));
    assertThat(api.get("/api/v1/settings").json().path("SESSIONS_PER_USER").asText())
        .isEqualTo(defaultValue);
    for (JsonNode s : api.get("/api/v1/settings/schema").json().path("settings")) {
      if (s.path("name").asText().equals("SESSIONS_PER_USER")) {
        assertThat(s.path("source").asText())
            .as("nothing is stored any more: the setting follows the built-in default")
            .isEqualTo("default");
      }
    }
    browser.await(
        textToBePresentInElementLocated(
            By.cssSelector("#field-SESSIONS_PER_USER [data-test=setting-source]"), "default"));
  }

  @Test
  void signingOutEveryoneAsksFirstThenEndsEverySessionButMine() {
    user("jill");
    Browser jill = session("jill", "Phone");
    tab("sessions");
    browser.await(visibilityOfElementLocated(By.cssSelector(SESSION_ROW)));
    browser.find("#sessions-everyone").click();
    confirmDialog();
    assertThat(browser.find("#confirm-message").getText()).contains("everyone but you");
    cancelWithEscape();
    assertThat(jill.get("/api/v1/me").status()).isEqualTo(200);

    browser.find("#sessions-everyone").click();
    confirmDialog();
    confirm();
    browser.await(
        textToBePresentInElementLocated(
            By.id("admin-sessions-status"), "Signed out everyone else"));
    assertThat(jill.get("/api/v1/me").status()).isEqualTo(401);
    browser.await(d -> column(SESSION_ROW, "data-user").equals(List.of("admin")));
  }

  @Test
  void onAPhoneLongNamesWrapAndEveryButtonStaysOnScreenInBothSchemes() {
    String longName = "maximiliana.alexandrovna-konstantinopolous@example.org";
    user(longName);
    session(longName, "Maximiliana's extraordinarily long-named work laptop for travelling");
    browser.viewport(390, 844);
    tab("sessions");
    browser.find("#filter-q").sendKeys("maximiliana");
    browser.await(d -> column(SESSION_ROW, "data-user").equals(List.of(longName)));
    assertEverythingOnScreenInBothSchemes("live sessions on a phone");
    browser.screenshot("admin-sessions-phone-dark");
    assertThat(browser.find(SESSION_ROW + " time").getText())
        .as("the viewer's time with its zone")
        .containsPattern("[A-Z]{2,}|GMT");

    scheme("light");
    tab("users");
    browser.find("#users-search").sendKeys("maximiliana");
    browser.await(d -> column(USER_ROW, "data-username").equals(List.of(longName)));
    assertEverythingOnScreenInBothSchemes("users on a phone");
  }

  private void assertEverythingOnScreenInBothSchemes(String state) {
    for (String scheme : new String[] {"light", "dark"}) {
      scheme(scheme);
      Object overflow =
          browser.script(
              "const w = document.documentElement.clientWidth;"
                  + " const out = [...document.querySelectorAll('button, a, input, select')]"
                  + "   .filter((e) => e.offsetParent !== null)"
                  + "   .filter((e) => e.getBoundingClientRect().right > w + 1)"
                  + "   .map((e) => e.id || e.dataset.test || e.textContent);"
                  + " return [document.documentElement.scrollWidth - w, out];");
      assertThat(overflow.toString()).as(state).isEqualTo("[0, []]");
      Axe.assertNoViolations(browser, state + " (" + scheme + ")");
    }
  }

  @Test
  void inGermanEveryTabSpeaksGermanAndNoMessageKeyShows() {
    String agent = (String) browser.script("return navigator.userAgent;");
    browser.driver.executeCdpCommand(
        "Emulation.setUserAgentOverride", Map.of("userAgent", agent, "acceptLanguage", "de"));
    try {
      for (String name : new String[] {"settings", "users", "groups", "sessions", "audit"}) {
        tab(name);
        // The audit log's rows hold what the server recorded (codes among them), not sentences.
        String css = name.equals("audit") ? "#audit-filter, #audit-table thead" : "#panel-" + name;
        browser.await(
            d ->
                !browser.find("#panel-" + name).getText().contains("Wird geladen")
                    && !browser.find("#panel-" + name).getText().contains("Loading"));
        String text =
            browser.driver.findElements(By.cssSelector(css)).stream()
                .map(WebElement::getText)
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(text).as(name).doesNotContainPattern("\\b[a-z]+_[a-z_]+\\b");
      }
      assertThat(browser.find("#tab-users").getText()).isEqualTo("Benutzer");
      assertThat(browser.find("#sessions-everyone").getAttribute("textContent"))
          .isEqualTo("Alle abmelden");
      assertThat(browser.script("return document.documentElement.lang;")).isEqualTo("de");
    } finally {
      browser.driver.executeCdpCommand(
          "Emulation.setUserAgentOverride", Map.of("userAgent", agent, "acceptLanguage", "en"));
    }
  }

  @Test
  void theAuditLogFiltersByTypeTitlesAPreviewAsOneAndExportsWithTheFilters() {
    api.post("/api/v1/sessions/enforce", "{\"dry_run\": true}");
    tab("audit");
    browser.await(visibilityOfElementLocated(By.cssSelector("[data-test=audit-event]")));
    new org.openqa.selenium.support.ui.Select(browser.find("#audit-type"))
        .selectByValue("enforcement_previewed");
    browser.await(
        d ->
            !column("[data-test=audit-event]", "data-type").isEmpty()
                && column("[data-test=audit-event]", "data-type").stream()
                    .allMatch("enforcement_previewed"::equals));
    assertThat(browser.find("[data-test=audit-title]").getText())
        .isEqualTo("Enforcement previewed (nothing ended)");
    assertThat(browser.find("#audit-export-csv").getAttribute("href"))
        .contains("format=csv")
        .contains("type=enforcement_previewed");
    Axe.assertNoViolations(browser, "a filtered audit log");
  }
}
