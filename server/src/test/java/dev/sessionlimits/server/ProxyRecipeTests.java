package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.attributeToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.store.jdbc.Await;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Issue 13, through a real proxy started from the shipped example file: Sessionlimits under {@code
 * /sessionlimits/} and a protected app everywhere else, on one host and port. The same sentences
 * hold for every recipe; {@link NginxRecipeTest} and {@link CaddyRecipeTest} name the proxy. Plain
 * HTTP checks each answer exactly; headless Chromium signs in, follows a deep link back, and is
 * told why it was signed out, as a person would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProxyRecipeTests {

  static final String PREFIX = "/sessionlimits";
  static final String[] NAVIGATE = {
    "Accept",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Sec-Fetch-Mode",
    "navigate",
    "Sec-Fetch-Dest",
    "document"
  };
  static final String[] FETCH = {"Accept", "application/json", "Sec-Fetch-Mode", "cors"};

  private final ProxyProcess.Kind kind;
  private TestServer t;
  private UpstreamApp app;
  private ProxyProcess proxy;
  private Chromium browser;

  /** The proxy's origin, as a browser names it: {@code http://127.0.0.1:<port>}. */
  private String origin;

  ProxyRecipeTests(ProxyProcess.Kind kind) {
    this.kind = kind;
  }

  @BeforeAll
  void start() {
    assumeTrue(ProxyProcess.installedOrSkipping(kind), kind + " is not installed");
    t =
        TestServer.startAt(
            Instant.now().truncatedTo(ChronoUnit.SECONDS),
            Map.of("SESSIONLIMITS_TRUSTED_PROXIES", "127.0.0.1/32"),
            b -> b.heartbeat(Duration.ofMillis(500)));
    app = UpstreamApp.start();
    proxy = ProxyProcess.start(kind, "127.0.0.1:" + t.server.port(), app.address);
    origin = proxy.base.toString();
    if (Chromium.installedOrSkipping()) {
      browser = Chromium.launch();
    }
  }

  @AfterAll
  void stop() {
    Chromium.closeAll(browser, proxy, app, t);
  }

  // ---------------------------------------------------------------- helpers

  private static String password(String user) {
    return user + "-plum-harbor-lantern";
  }

  private void createUser(String user, int sessionsLimit) {
    t.createUser(
        "{\"username\":\""
            + user
            + "\",\"password\":\""
            + password(user)
            + "\","
            + "\"sessions_limit\":"
            + sessionsLimit
            + "}");
  }

  /** A client of the proxy, as a browser's requests would be (java.net.http, from 127.0.0.1). */
  private Browser client() {
    return new Browser(proxy.base, TestServer.FIREFOX_LINUX);
  }

  /** Signs {@code client} in through the proxy; answers the new session. */
  private JsonNode signIn(Browser client, String user, String... headers) {
    List<String> all = new ArrayList<>(List.of("Origin", origin));
    all.addAll(List.of(headers));
    Browser.Response r =
        client.post(
            PREFIX + "/api/v1/login",
            "{\"username\":\""
                + user
                + "\",\"password\":\""
                + password(user)
                + "\",\"device\":\"Phone\"}",
            all.toArray(String[]::new));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().path("session");
  }

  private Browser signedIn(String user) {
    Browser client = client();
    signIn(client, user);
    return client;
  }

  private static String[] with(String[] headers, String... more) {
    List<String> all = new ArrayList<>(List.of(headers));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  /** The page {@code Location} returns to after sign-in, or null without {@code next}. */
  private static String next(String location) {
    assertThat(location).startsWith(PREFIX + "/");
    URI uri = URI.create(location);
    assertThat(uri.getRawPath()).isEqualTo(PREFIX + "/");
    String query = uri.getRawQuery();
    if (query == null) {
      return null;
    }
    assertThat(query).startsWith("next=");
    return URLDecoder.decode(query.substring("next=".length()), StandardCharsets.UTF_8);
  }

  private static void assertSignedOutAnswer(Browser.Response r, String reason) {
    assertThat(r.status()).as(r.toString()).isEqualTo(401);
    assertThat(r.header("Location")).isNull();
    assertThat(r.json().path("error").asText()).isEqualTo("session_ended");
    assertThat(r.json().path("reason").asText()).isEqualTo(reason);
    assertThat(r.json().path("message").asText()).isNotBlank();
    assertThat(r.header("X-Session-End-Reason")).isEqualTo(reason);
  }

  // ---------------------------------------------------------------- plain HTTP

  @Test
  void theSignInPageTheAccountPageAndTheApiLiveUnderSessionlimits() {
    int before = app.requests();
    Browser anonymous = client();

    assertThat(anonymous.get(PREFIX, NAVIGATE).header("Location")).isEqualTo(PREFIX + "/");
    Browser.Response page = anonymous.get(PREFIX + "/", NAVIGATE);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.text()).contains("id=\"login-form\"");
    for (String file :
        List.of(
            "/js/login.js",
            "/js/api.js",
            "/css/app.css",
            "/favicon.svg",
            "/account.html",
            "/admin.html")) {
      assertThat(anonymous.get(PREFIX + file).status()).as(file).isEqualTo(200);
    }
    assertThat(anonymous.get(PREFIX + "/api/v1/me", FETCH).status()).isEqualTo(401);

    Browser ann = client();
    createUser("ann", -1);
    signIn(ann, "ann");
    assertThat(ann.get(PREFIX + "/account.html", NAVIGATE).status()).isEqualTo(200);
    assertThat(ann.get(PREFIX + "/api/v1/me", FETCH).json().path("user").path("username").asText())
        .isEqualTo("ann");
    assertThat(app.requests()).as("none of this reached the app").isEqualTo(before);
  }

  @Test
  void aNavigationWithoutASessionIsRedirectedToTheSignInPageCarryingThePageAskedFor() {
    int before = app.requests();
    String asked = "/reports/q3.html?quarter=3&view=full";

    for (String method : List.of("GET", "HEAD")) {
      Browser.Response r = client().send(method, asked, null, null, NAVIGATE);

      assertThat(r.status()).as(method + " " + r).isEqualTo(302);
      assertThat(next(r.header("Location"))).as(method).isEqualTo(asked);
      assertThat(r.header("Cache-Control")).contains("no-store");
    }
    assertThat(
            client()
                .get(
                    PREFIX + "/?next=" + URLEncoder.encode(asked, StandardCharsets.UTF_8), NAVIGATE)
                .status())
        .as("the sign-in page it points to")
        .isEqualTo(200);
    assertThat(app.requests()).isEqualTo(before);
  }

  @Test
  void aPageAskedForWithAnEncodedSpaceIsCarriedToTheSignInPageToo() {
    for (String asked : List.of("/reports/q3.html?title=a%20b", "/reports/Q3%20report.html")) {
      Browser.Response r = client().get(asked, NAVIGATE);

      assertThat(r.status()).as(asked + " " + r).isEqualTo(302);
      assertThat(next(r.header("Location"))).as(asked).isEqualTo(asked);
    }
  }

  @Test
  void aPageAskedForThatLeadsToAnotherSiteIsNotCarriedToTheSignInPage() {
    int before = app.requests();
    for (String target :
        List.of(
            "//evil.example/",
            "//evil.example/%2F..",
            "/\\evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%5C%5Cevil.example",
            "/%252F%252Fevil.example")) {
      Browser.Response r =
          RawHttp.send("127.0.0.1", proxy.port, "GET", target, null, List.of(NAVIGATE));

      assertThat(r.status()).as(target + ": " + r).isEqualTo(302);
      assertThat(r.header("Location")).as(target).isEqualTo(PREFIX + "/");
    }
    Browser.Response absolute =
        RawHttp.send(
            "127.0.0.1", proxy.port, "GET", "https://evil.example/x", null, List.of(NAVIGATE));
    assertThat(absolute.status()).as(absolute.toString()).isEqualTo(302);
    assertThat(next(absolute.header("Location")))
        .as("at most a path of this site")
        .isIn(null, "/x");
    assertThat(app.requests()).isEqualTo(before);
  }

  @Test
  void theAppGetsTheUserAndTheSessionIdAndAClientCannotInjectEither() {
    createUser("bea", -1);
    Browser bea = client();
    String sessionId = signIn(bea, "bea").path("id").asText();
    int before = app.requests();

    JsonNode echo =
        bea.get(
                "/echo",
                with(
                    FETCH,
                    "X-Session-User",
                    "admin",
                    "X-Session-Id",
                    "forged",
                    "X-Session_User",
                    "admin",
                    "X-Session_Id",
                    "forged"))
            .json();

    JsonNode headers = echo.path("headers");
    assertThat(headers.path("x-session-user").toString()).isEqualTo("[\"bea\"]");
    assertThat(headers.path("x-session-id").toString()).isEqualTo("[\"" + sessionId + "\"]");
    assertThat(headers.has("x-session_user")).as(headers.toString()).isFalse();
    assertThat(headers.has("x-session_id")).as(headers.toString()).isFalse();

    Browser.Response forged =
        client().get("/echo", with(FETCH, "X-Session-User", "admin", "X-Session-Id", sessionId));
    assertThat(forged.status()).isEqualTo(401);
    assertThat(app.requests()).as("only bea's own request reached the app").isEqualTo(before + 1);
  }

  @Test
  void aSignedOutFetchGets401JsonWithTheReasonAndANavigationGetsTheSignInPage() {
    createUser("cleo", 1);
    Browser laptop = signedIn("cleo");
    signedIn("cleo");
    int before = app.requests();

    assertSignedOutAnswer(laptop.get("/echo", FETCH), "session_limit_reached");
    assertSignedOutAnswer(
        laptop.get("/echo", with(NAVIGATE, "X-Requested-With", "XMLHttpRequest")),
        "session_limit_reached");
    assertSignedOutAnswer(laptop.post("/echo", "{}", NAVIGATE), "session_limit_reached");

    Browser.Response navigation = laptop.get("/reports/q3.html", NAVIGATE);
    assertThat(navigation.status()).isEqualTo(302);
    assertThat(next(navigation.header("Location"))).isEqualTo("/reports/q3.html");
    assertThat(navigation.header("X-Session-End-Reason")).isEqualTo("session_limit_reached");
    assertSignedOutAnswer(
        laptop.get(PREFIX + "/api/v1/me", with(FETCH, "X-Session-Quiet", "1")),
        "session_limit_reached");
    assertThat(app.requests()).isEqualTo(before);
  }

  @Test
  void theClientAddressIsTheOneTheProxySawAndNotOneTheClientWrote() {
    createUser("dana", -1);
    Browser fromTwo = new Browser(proxy.base, TestServer.FIREFOX_LINUX, "127.0.0.2");
    Browser fromThree = new Browser(proxy.base, TestServer.FIREFOX_LINUX, "127.0.0.3");

    signIn(fromTwo, "dana", "X-Forwarded-For", "203.0.113.9");
    signIn(fromThree, "dana", "X-Forwarded-For", "127.0.0.2", "X-Real-IP", "127.0.0.2");

    assertThat(
            fromTwo
                .get(PREFIX + "/api/v1/me", FETCH)
                .json()
                .path("session")
                .path("client_ip")
                .asText())
        .isEqualTo("127.0.0.2");
    assertThat(
            fromThree
                .get(PREFIX + "/api/v1/me", FETCH)
                .json()
                .path("session")
                .path("client_ip")
                .asText())
        .isEqualTo("127.0.0.3");
    JsonNode echo = fromTwo.get("/echo", with(FETCH, "X-Forwarded-For", "203.0.113.9")).json();
    assertThat(echo.path("headers").path("x-forwarded-for").toString())
        .isEqualTo("[\"127.0.0.2\"]");
  }

  @Test
  void protectedPagesAreNotKeptInTheBrowsersCacheAndSigningOutClearsIt() {
    createUser("edda", -1);
    Browser edda = signedIn("edda");

    Browser.Response page = edda.get("/reports/q3.html", NAVIGATE);

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.text()).contains(UpstreamApp.REPORT_TITLE);
    assertThat(page.headers().allValues("Cache-Control"))
        .as("the app asked for an hour")
        .containsExactly("no-store");
    assertThat(page.header("Expires")).isNull();
    assertThat(edda.get("/echo", FETCH).headers().allValues("Cache-Control"))
        .containsExactly("no-store");
    Browser.Response logout = edda.post(PREFIX + "/api/v1/logout", null, "Origin", origin);
    assertThat(logout.status()).as(logout.toString()).isBetween(200, 204);
    assertThat(logout.header("Clear-Site-Data")).contains("\"cache\"");
  }

  @Test
  void aChangeThroughTheProxyPassesTheCsrfCheckAndOneFromAnotherSiteDoesNot() {
    createUser("fay", -1);
    Browser fay = signedIn("fay");

    Browser.Response foreign =
        fay.post(
            PREFIX + "/api/v1/logout",
            null,
            "Origin",
            "http://evil.example",
            "Sec-Fetch-Site",
            "cross-site");
    assertThat(foreign.status()).as(foreign.toString()).isEqualTo(403);
    assertThat(foreign.error()).isEqualTo("csrf");

    JsonNode posted = fay.post("/echo", "{\"a\":1}", "Origin", origin).json();
    assertThat(posted.path("method").asText()).isEqualTo("POST");
    Browser.Response own =
        fay.post(
            PREFIX + "/api/v1/logout", null, "Origin", origin, "Sec-Fetch-Site", "same-origin");
    assertThat(own.status()).as(own.toString()).isBetween(200, 204);
    assertThat(fay.get(PREFIX + "/api/v1/me", FETCH).status()).isEqualTo(401);
  }

  // ---------------------------------------------------------------- headless Chromium

  private Chromium browser() {
    assumeTrue(browser != null, Chromium::missing);
    browser.reset(origin + PREFIX);
    return browser;
  }

  private void fillInSignIn(Chromium page, String user) {
    page.await(visibilityOfElementLocated(By.id("login-form")));
    page.find("#username").sendKeys(user);
    page.find("#password").sendKeys(password(user));
    page.find("#login-submit").click();
  }

  /** Signs in on the sign-in page under the prefix, which goes on to the account page. */
  private void signInAtTheSignInPage(Chromium page, String user) {
    page.open(origin + PREFIX + "/");
    fillInSignIn(page, user);
    page.await(urlContains(PREFIX + "/account.html"));
  }

  @Test
  void signingInFromADeepLinkReturnsToThePageAsked() {
    Chromium page = browser();
    createUser("gwen", -1);

    page.open(origin + "/reports/q3.html?quarter=3");
    page.await(visibilityOfElementLocated(By.id("login-form")));
    assertThat(page.driver.getCurrentUrl()).startsWith(origin + PREFIX + "/?next=");
    fillInSignIn(page, "gwen");

    page.await(urlContains("/reports/q3.html?quarter=3"));
    assertThat(page.driver.getCurrentUrl()).startsWith(origin + "/reports/q3.html?quarter=3");
    assertThat(page.await(visibilityOfElementLocated(By.id("report"))).getText())
        .isEqualTo(UpstreamApp.REPORT_TITLE);
  }

  @Test
  void theSignInPageSendsNobodyToAnotherSite() {
    Chromium page = browser();
    createUser("hana", -1);
    for (String next :
        List.of(
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "/%2F%2Fevil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%252F%252Fevil.example",
            "javascript:alert(1)",
            "http:evil.example")) {
      page.reset(origin + PREFIX);
      page.open(origin + PREFIX + "/?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
      fillInSignIn(page, "hana");

      page.await(urlContains(PREFIX + "/account.html"));
      assertThat(page.driver.getCurrentUrl())
          .as(next)
          .startsWith(origin + PREFIX + "/account.html");
    }
  }

  @Test
  void anEvictedBrowsersFetchGets401AndItsNextPageIsTheSignInPageSayingWhyThenItReturns() {
    Chromium page = browser();
    createUser("iris", 1);
    signInAtTheSignInPage(page, "iris");
    page.open(origin + "/app.html");
    page.find("#load").click();
    page.await(attributeToBe(By.id("result"), "data-done", "1"));
    JsonNode before = result(page);
    assertThat(before.path("status").asInt()).isEqualTo(200);
    assertThat(before.path("body").asText()).contains("\"x-session-user\":[\"iris\"]");

    signIn(new Browser(proxy.base, TestServer.CHROME_WINDOWS, "127.0.0.2"), "iris");
    page.find("#load").click();
    page.await(attributeToBe(By.id("result"), "data-done", "2"));

    JsonNode fetched = result(page);
    assertThat(fetched.path("status").asInt()).isEqualTo(401);
    assertThat(fetched.path("redirected").asBoolean()).isFalse();
    assertThat(fetched.path("reason").asText()).isEqualTo("session_limit_reached");
    assertThat(fetched.path("body").asText()).contains("\"reason\":\"session_limit_reached\"");

    page.open(origin + "/reports/q3.html");
    WebElement notice = page.await(visibilityOfElementLocated(By.id("signed-out-notice")));
    assertThat(notice.getAttribute("data-reason")).isEqualTo("session_limit_reached");
    assertThat(page.find("#signed-out-message").getText()).contains("127.0.0.2");
    fillInSignIn(page, "iris");
    // Signing in here would sign out the other session: the page says so first.
    page.await(visibilityOfElementLocated(By.id("preview-continue"))).click();
    page.await(urlContains("/reports/q3.html"));
    assertThat(page.await(visibilityOfElementLocated(By.id("report"))).getText())
        .isEqualTo(UpstreamApp.REPORT_TITLE);
  }

  private static JsonNode result(Chromium page) {
    return new Browser.Response(200, null, page.find("#result").getText()).json();
  }

  @Test
  void theLiveSignedOutNoticeArrivesThroughTheProxy() {
    Chromium page = browser();
    createUser("jo", 1);
    signInAtTheSignInPage(page, "jo");
    String sessionId =
        page.await(
                visibilityOfElementLocated(
                    By.cssSelector("tr[data-test='my-session'][data-current='true']")))
            .getAttribute("data-session-id");
    Await.untilAsserted(
        "the account page's event stream is attached",
        () -> assertThat(t.server.push().streams(sessionId)).isOne());

    signIn(new Browser(proxy.base, TestServer.CHROME_WINDOWS, "127.0.0.2"), "jo");

    page.await(visibilityOfElementLocated(By.cssSelector("dialog#session-ended[open]")));
    page.await(textToBePresentInElementLocated(By.id("session-ended-message"), "from 127.0.0.2"));
    assertThat(page.find("#session-ended-message").getText())
        .startsWith("You were signed out because");
  }
}
