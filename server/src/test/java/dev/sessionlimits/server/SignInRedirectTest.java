package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forward-auth's answer to a refused browser navigation: 302 to the sign-in page with the page
 * asked for as {@code next}, under the proxy's prefix; the 401 JSON for scripts and everything
 * else.
 */
class SignInRedirectTest {

  private static final String HTML = "text/html,application/xhtml+xml,*/*;q=0.8";

  /** What Caddy's forward_auth (and Traefik's forwardAuth) send along. */
  private static final String[] CADDY_NAVIGATION = {
    "Accept",
    HTML,
    "Sec-Fetch-Mode",
    "navigate",
    "X-Forwarded-Method",
    "GET",
    "X-Forwarded-Uri",
    "/reports/q3.html?x=1",
    "X-Forwarded-Prefix",
    "/sessionlimits"
  };

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
  void aNavigationWithoutASessionIsSentToTheSignInPageWithThePageAsNext() {
    Browser.Response r = t.browser().get("/auth/verify", CADDY_NAVIGATION);
    assertThat(r.status()).as(r.toString()).isEqualTo(302);
    assertThat(r.header("Location")).isEqualTo("/sessionlimits/?next=%2Freports%2Fq3.html%3Fx%3D1");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    assertThat(r.error()).as("the same body as the 401").isEqualTo("not_authenticated");
    assertThat(r.header("X-Session-End-Reason")).isNull();
  }

  @Test
  void anEndedSessionsNavigationIsRedirectedWithTheEndReason() {
    Browser alice = t.browser();
    String id =
        alice
            .login("alice", "alice-plum-harbor-lantern")
            .json()
            .path("session")
            .path("id")
            .asText();
    assertThat(t.admin().delete("/api/v1/sessions/" + id).status()).isEqualTo(204);

    Browser.Response r = alice.get("/auth/verify", CADDY_NAVIGATION);
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("X-Session-End-Reason")).isEqualTo("revoked_by_admin");
    assertThat(r.json().path("reason").asText()).isEqualTo("revoked_by_admin");
    assertThat(r.header("Location")).startsWith("/sessionlimits/?next=");
  }

  @Test
  void aLiveSessionIsAnswered200WhateverTheRequestAccepts() {
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");
    Browser.Response r = alice.get("/auth/verify", CADDY_NAVIGATION);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("X-Session-User")).isEqualTo("alice");
    assertThat(r.header("Location")).isNull();
  }

  @Test
  void aScriptsRequestGetsThe401JsonNeverARedirect() {
    Browser nobody = t.browser();
    String[][] scripts = {
      {"Accept", "application/json, text/html", "X-Forwarded-Uri", "/api/data"},
      {"Accept", HTML, "X-Requested-With", "XMLHttpRequest", "X-Forwarded-Uri", "/api/data"},
      {"Accept", "*/*", "X-Forwarded-Uri", "/api/data"},
      {"Accept", "*/*", "Sec-Fetch-Mode", "cors", "X-Forwarded-Uri", "/api/data"}
    };
    for (String[] headers : scripts) {
      Browser.Response r = nobody.get("/auth/verify", headers);
      assertThat(r.status()).as(String.join(" ", headers)).isEqualTo(401);
      assertThat(r.header("Location")).isNull();
      assertThat(r.error()).isEqualTo("not_authenticated");
    }
  }

  @Test
  void aNavigationWhoseOriginalRequestIsUnknownOrNotAGetIsAnswered401() {
    Browser nobody = t.browser();
    assertThat(nobody.get("/auth/verify", "Accept", HTML).status())
        .as("no original URI")
        .isEqualTo(401);
    Browser.Response post =
        nobody.get(
            "/auth/verify",
            "Accept",
            HTML,
            "Sec-Fetch-Mode",
            "navigate",
            "X-Forwarded-Method",
            "POST",
            "X-Forwarded-Uri",
            "/form");
    assertThat(post.status()).as("a form's POST would lose its body").isEqualTo(401);
    assertThat(
            nobody
                .get(
                    "/auth/verify",
                    "Accept",
                    HTML,
                    "X-Forwarded-Method",
                    "HEAD",
                    "X-Forwarded-Uri",
                    "/page")
                .status())
        .isEqualTo(302);
  }

  @Test
  void nginxsOriginalUriHeadersAreReadToo() {
    Browser.Response r =
        t.browser()
            .get(
                "/auth/verify",
                "Accept",
                HTML,
                "X-Original-URI",
                "/reports/q3.html",
                "X-Original-Method",
                "GET");
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("Location"))
        .as("no prefix sent: the server's root")
        .isEqualTo("/?next=%2Freports%2Fq3.html");
  }

  @Test
  void anUnsafeOriginalUriGoesToTheSignInPageWithoutNext() {
    for (String unsafe :
        new String[] {
          "//evil.example",
          "https://evil.example",
          "/\\evil.example",
          "/%5Cevil.example",
          "/%2F/evil",
          "%2F%2Fevil",
          "javascript:alert(1)"
        }) {
      Browser.Response r =
          t.browser()
              .get(
                  "/auth/verify",
                  "Accept",
                  HTML,
                  "X-Forwarded-Uri",
                  unsafe,
                  "X-Forwarded-Prefix",
                  "/sessionlimits/");
      assertThat(r.status()).as(unsafe).isEqualTo(302);
      assertThat(r.header("Location")).as(unsafe).isEqualTo("/sessionlimits/");
    }
  }

  @Test
  void thePrefixIsBelievedOnlyFromATrustedProxyAndOnlyAsAPlainPath() {
    Browser untrusted = t.browserFrom("127.0.0.2", TestServer.FIREFOX_LINUX);
    assertThat(untrusted.get("/auth/verify", CADDY_NAVIGATION).header("Location"))
        .isEqualTo("/?next=%2Freports%2Fq3.html%3Fx%3D1");
    for (String prefix :
        new String[] {"//evil.example", "/a/../b", "/a\\b", "evil", "/a?b", "/a#b"}) {
      Browser.Response r =
          t.browser()
              .get(
                  "/auth/verify",
                  "Accept",
                  HTML,
                  "X-Forwarded-Uri",
                  "/page",
                  "X-Forwarded-Prefix",
                  prefix);
      assertThat(r.header("Location")).as(prefix).isEqualTo("/?next=%2Fpage");
    }
  }

  @Test
  void underAPathVerifyAnswersAnyMethodAsAGetWould() {
    Browser alice = t.browser();
    String id =
        alice
            .login("alice", "alice-plum-harbor-lantern")
            .json()
            .path("session")
            .path("id")
            .asText();
    for (String method :
        new String[] {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"}) {
      Browser.Response r =
          alice.send(
              method,
              "/auth/verify/reports/q3.html?x=1",
              "<xml/>",
              "text/xml",
              "Origin",
              "https://other.example");
      assertThat(r.status()).as(method + " " + r).isEqualTo(200);
      assertThat(r.header("X-Session-User")).as(method).isEqualTo("alice");
      assertThat(r.header("X-Session-Id")).as(method).isEqualTo(id);
      assertThat(r.header("Session-Timeout")).as(method).isEqualTo("1800");
    }
    assertThat(t.browser().send("DELETE", "/auth/verify/api/things/1", null, null).status())
        .isEqualTo(401);
  }

  @Test
  void underAPathTheRefusedNavigationReturnsToThatPathAndQuery() {
    Browser.Response r = t.browser().get("/auth/verify/reports/q3.html?x=1", "Accept", HTML);
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.header("Location")).isEqualTo("/?next=%2Freports%2Fq3.html%3Fx%3D1");
    Browser.Response post =
        t.browser().send("POST", "/auth/verify/reports", null, null, "Accept", HTML);
    assertThat(post.status()).isEqualTo(401);
    assertThat(t.browser().get("/auth/verify//evil.example", "Accept", HTML).header("Location"))
        .isEqualTo("/");
  }
}
