package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** SESSIONLIMITS_COOKIE_DOMAIN: one session cookie for a domain and its subdomains. */
class CookieDomainTest {

  private static final String[] HTTPS = {"X-Forwarded-Proto", "https"};

  @Test
  void theSessionCookieCarriesTheDomainAndIsNamedSlSession() {
    try (TestServer t =
        TestServer.start(
            Map.of(
                "SESSIONLIMITS_COOKIE_DOMAIN",
                ".Example.COM",
                "SESSIONLIMITS_TRUSTED_PROXIES",
                "127.0.0.1/32"))) {
      Browser plain = t.browser();
      assertThat(plain.login("admin", TestServer.ADMIN_PASSWORD).header("Set-Cookie"))
          .startsWith("sl_session=")
          .contains("; Path=/; Domain=example.com;", "; HttpOnly", "; SameSite=Lax")
          .doesNotContain("Secure");

      Browser secure = t.browser();
      Browser.Response login =
          secure.post(
              "/api/v1/login",
              "{\"username\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}",
              HTTPS);
      assertThat(login.headers().allValues("Set-Cookie"))
          .as("a __Host- cookie cannot have a Domain: the plain name, Secure")
          .anySatisfy(
              c ->
                  assertThat(c)
                      .startsWith("sl_session=")
                      .doesNotStartWith("sl_session=;")
                      .contains("; Domain=example.com", "; Secure"))
          .noneSatisfy(c -> assertThat(c).startsWith("__Host-"));
      assertThat(secure.cookieName()).isEqualTo("sl_session");
      assertThat(secure.get("/auth/verify").header("X-Session-User")).isEqualTo("admin");
      assertThat(secure.get("/api/v1/me", HTTPS).status()).isEqualTo(200);

      assertThat(secure.post("/api/v1/logout", null, HTTPS).headers().allValues("Set-Cookie"))
          .anySatisfy(
              c ->
                  assertThat(c)
                      .startsWith("sl_session=; Path=/; Domain=example.com;")
                      .contains("Max-Age=0", "; Secure"));
    }
  }

  @Test
  void withADomainALeftoverHostCookieIsNotReadAndIsClearedAtLogin() {
    try (TestServer t = TestServer.start(Map.of("SESSIONLIMITS_COOKIE_DOMAIN", "example.com"))) {
      Browser admin = t.browser();
      admin.login("admin", TestServer.ADMIN_PASSWORD);
      String token = admin.cookie();
      Browser leftover = t.browser();
      assertThat(leftover.get("/auth/verify", "Cookie", "__Host-sl_session=" + token).status())
          .isEqualTo(401);
      Browser.Response login =
          leftover.send(
              "POST",
              "/api/v1/login",
              "{\"username\":\"admin\"," + "\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}",
              "application/json",
              "Cookie",
              "__Host-sl_session=stale");
      assertThat(login.headers().allValues("Set-Cookie"))
          .anySatisfy(c -> assertThat(c).startsWith("__Host-sl_session=;").contains("Max-Age=0"));
    }
  }

  @Test
  void aDomainThatCannotBeSharedIsRefusedAtStartNamingTheVariable() {
    for (String bad :
        new String[] {
          "localhost",
          "127.0.0.1",
          "[::1]",
          "::1",
          "exa mple.com",
          "example..com",
          "-example.com",
          "example.com.",
          "ex_ample.com",
          "example.123",
          "a.b/c"
        }) {
      assertThatThrownBy(
              () -> ServerConfig.fromEnvironment(Map.of("SESSIONLIMITS_COOKIE_DOMAIN", bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("SESSIONLIMITS_COOKIE_DOMAIN must be a domain name")
          .hasMessageContaining("\"" + bad + "\"");
    }
    assertThat(
            ServerConfig.fromEnvironment(Map.of("SESSIONLIMITS_COOKIE_DOMAIN", "a-b.example.org"))
                .cookieDomain())
        .isEqualTo("a-b.example.org");
    assertThat(ServerConfig.defaults().cookieDomain()).isNull();
  }
}
