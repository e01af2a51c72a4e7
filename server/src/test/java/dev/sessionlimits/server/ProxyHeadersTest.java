package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A browser's requests as a reverse proxy on the same host hands them on (the nginx recipe: {@code
 * Host $http_host}, {@code X-Forwarded-Proto}, {@code X-Forwarded-For $remote_addr}, {@code
 * X-Forwarded-Prefix}): the CSRF check sees the browser's origin, the cookie is Secure, the client
 * address is the browser's; and a proxy that does not pass the Host is refused, as the issue saw.
 */
class ProxyHeadersTest {

  private static final String ORIGIN = "https://proxy.example:8443";
  private static final String LOGIN =
      "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\"}";

  private TestServer t;

  @BeforeEach
  void start() {
    t = TestServer.start(Map.of("SESSIONLIMITS_TRUSTED_PROXIES", "127.0.0.1/32"));
    t.createUser("alice", "alice-plum-harbor-lantern");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void aPostThroughTheRecipesHeadersPassesTheCsrfCheck() {
    Browser.Response login = post("/api/v1/login", LOGIN, "proxy.example:8443", null, null);
    assertThat(login.status()).as(login.toString()).isEqualTo(201);
    assertThat(login.json().path("session").path("client_ip").asText()).isEqualTo("203.0.113.7");
    String setCookie = login.header("Set-Cookie");
    assertThat(setCookie).startsWith("__Host-sl_session=").contains("; Secure");

    Browser.Response logout =
        post("/api/v1/logout", null, "proxy.example:8443", null, setCookie.split(";", 2)[0]);
    assertThat(logout.status()).as(logout.toString()).isEqualTo(204);
    assertThat(logout.header("Clear-Site-Data")).isEqualTo("\"cache\"");
  }

  @Test
  void aProxyThatPassesOnlyXForwardedHostPassesTooWhenTrusted() {
    String upstream = "127.0.0.1:" + t.server.port();
    assertThat(post("/api/v1/login", LOGIN, upstream, "proxy.example:8443", null).status())
        .isEqualTo(201);
  }

  @Test
  void aProxyThatPassesNeitherTheHostNorXForwardedHostIsRefusedAsCsrf() {
    // nginx's default: Host is the upstream's address, the browser's Host is lost.
    Browser.Response r = post("/api/v1/login", LOGIN, "127.0.0.1:" + t.server.port(), null, null);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.error()).isEqualTo("csrf");
  }

  @Test
  void xForwardedHostFromAnUntrustedPeerIsNotBelieved() {
    try (TestServer untrusting = TestServer.start()) {
      untrusting.createUser("alice", "alice-plum-harbor-lantern");
      String request =
          request(
              "/api/v1/login",
              LOGIN,
              "127.0.0.1:" + untrusting.server.port(),
              "proxy.example:8443",
              null);
      assertThat(RawHttp.sendBytes(untrusting.server.port(), request).error()).isEqualTo("csrf");
    }
  }

  @Test
  void logoutTellsTheBrowserToDropItsCacheEvenWhenThereIsNoSession() {
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");
    Browser.Response out = alice.post("/api/v1/logout", null);
    assertThat(out.status()).isEqualTo(204);
    assertThat(out.header("Clear-Site-Data")).isEqualTo("\"cache\"");
    Browser.Response again = t.browser().post("/api/v1/logout", null);
    assertThat(again.status()).isEqualTo(401);
    assertThat(again.header("Clear-Site-Data")).isEqualTo("\"cache\"");
  }

  private Browser.Response post(
      String path, String json, String host, String forwardedHost, String cookie) {
    return RawHttp.sendBytes(t.server.port(), request(path, json, host, forwardedHost, cookie));
  }

  /** A browser's same-origin POST as the proxy forwards it from 127.0.0.1. */
  private static String request(
      String path, String json, String host, String forwardedHost, String cookie) {
    String body = (json == null) ? "" : json;
    return "POST "
        + path
        + " HTTP/1.1\r\n"
        + "Host: "
        + host
        + "\r\n"
        + (forwardedHost == null ? "" : "X-Forwarded-Host: " + forwardedHost + "\r\n")
        + "X-Forwarded-Proto: https\r\n"
        + "X-Forwarded-For: 203.0.113.7\r\n"
        + "X-Forwarded-Prefix: /sessionlimits\r\n"
        + "Origin: "
        + ORIGIN
        + "\r\n"
        + "Sec-Fetch-Site: same-origin\r\n"
        + "User-Agent: "
        + TestServer.FIREFOX_LINUX
        + "\r\n"
        + (cookie == null ? "" : "Cookie: " + cookie + "\r\n")
        + (json == null ? "" : "Content-Type: application/json\r\n")
        + "Content-Length: "
        + body.length()
        + "\r\n"
        + "Connection: close\r\n\r\n"
        + body;
  }
}
