package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.server.service.DeviceCookies;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session cookie's name and Strict-Transport-Security, over TLS (a trusted proxy) and not. */
class SecureCookieTest {

  private static final String ADMIN_LOGIN =
      "{\"username\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}";
  private static final String[] HTTPS = {"X-Forwarded-Proto", "https"};

  private TestServer t;

  @BeforeEach
  void start() {
    t = TestServer.start(Map.of("SESSIONLIMITS_TRUSTED_PROXIES", "127.0.0.1/32"));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void overTlsTheCookieIsAHostPrefixedSecureCookieForTheWholeHost() {
    Browser browser = t.browser();
    Browser.Response login = browser.post("/api/v1/login", ADMIN_LOGIN, HTTPS);

    assertThat(login.status()).isEqualTo(201);
    assertThat(login.header("Set-Cookie"))
        .startsWith("__Host-sl_session=")
        .contains("; Path=/;", "; Secure", "; HttpOnly", "; SameSite=Lax")
        .doesNotContain("Domain");
    assertThat(browser.cookieName()).isEqualTo("__Host-sl_session");
    assertThat(browser.get("/api/v1/me", HTTPS).status()).isEqualTo(200);
    assertThat(browser.get("/auth/verify").status()).isEqualTo(200);
    assertThat(browser.post("/api/v1/logout", null, HTTPS).headers().allValues("Set-Cookie"))
        .anySatisfy(c -> assertThat(c).startsWith("__Host-sl_session=;").contains("Max-Age=0"));
    assertThat(browser.cookie()).isNull();
  }

  @Test
  void whenConfiguredSecureTheCookieIsHostPrefixedEvenOverPlainHttp() {
    try (TestServer secure = TestServer.start(Map.of("SESSIONLIMITS_COOKIE_SECURE", "true"))) {
      Browser browser = secure.browser();
      assertThat(browser.login("admin", TestServer.ADMIN_PASSWORD).header("Set-Cookie"))
          .startsWith("__Host-sl_session=")
          .contains("; Secure");
      assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
    }
  }

  @Test
  void overPlainHttpTheCookieKeepsItsPlainNameAndNoHstsIsSent() {
    Browser browser = t.browser();
    Browser.Response login = browser.post("/api/v1/login", ADMIN_LOGIN);

    assertThat(login.header("Set-Cookie")).startsWith("sl_session=").doesNotContain("Secure");
    assertThat(login.header("Strict-Transport-Security")).isNull();
    assertThat(browser.get("/").header("Strict-Transport-Security")).isNull();
  }

  @Test
  void aPlainCookieSetBeforeTheServerWasBehindTlsIsStillReadAndReplacedAtTheNextLogin() {
    Browser before = t.browser();
    before.post("/api/v1/login", ADMIN_LOGIN);
    String token = before.cookie();
    Browser plainCookie = t.browser();

    Browser.Response me =
        plainCookie.get("/api/v1/me", "Cookie", "sl_session=" + token, HTTPS[0], HTTPS[1]);
    Browser.Response verify = plainCookie.get("/auth/verify", "Cookie", "sl_session=" + token);
    Browser.Response again =
        plainCookie.post(
            "/api/v1/login", ADMIN_LOGIN, "Cookie", "sl_session=" + token, HTTPS[0], HTTPS[1]);

    assertThat(me.status()).isEqualTo(200);
    assertThat(verify.status()).isEqualTo(200);
    assertThat(again.headers().allValues("Set-Cookie"))
        .filteredOn(c -> !c.startsWith(DeviceCookies.COOKIE + "="))
        .hasSize(2)
        .anySatisfy(c -> assertThat(c).startsWith("__Host-sl_session=").doesNotContain("Max-Age"))
        .anySatisfy(c -> assertThat(c).startsWith("sl_session=;").contains("Max-Age=0"));
  }

  @Test
  void theHostPrefixedCookieWinsOverAPlainOneOfTheSameRequest() {
    Browser browser = t.browser();
    browser.post("/api/v1/login", ADMIN_LOGIN, HTTPS);
    String cookies = "sl_session=not-a-session; __Host-sl_session=" + browser.cookie();

    assertThat(t.browser().get("/api/v1/me", "Cookie", cookies).status()).isEqualTo(200);
    assertThat(t.browser().get("/auth/verify", "Cookie", cookies).status()).isEqualTo(200);
  }

  @Test
  void everyAnswerOverTlsCarriesStrictTransportSecurity() {
    Browser browser = t.browser();

    assertThat(browser.get("/api/v1/me", HTTPS).header("Strict-Transport-Security"))
        .isEqualTo("max-age=31536000; includeSubDomains");
    assertThat(browser.get("/", HTTPS).header("Strict-Transport-Security"))
        .isEqualTo("max-age=31536000; includeSubDomains");
    assertThat(
            browser.post("/api/v1/login", ADMIN_LOGIN, HTTPS).header("Strict-Transport-Security"))
        .isEqualTo("max-age=31536000; includeSubDomains");
  }

  @Test
  void anUntrustedPeerCannotClaimTls() {
    try (TestServer direct = TestServer.start()) {
      Browser.Response login = direct.browser().post("/api/v1/login", ADMIN_LOGIN, HTTPS);
      assertThat(login.header("Set-Cookie")).startsWith("sl_session=");
      assertThat(login.header("Strict-Transport-Security")).isNull();
    }
  }
}
