package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-address limit and trusted proxies, with requests really coming from 127.0.0.2 and
 * 127.0.0.3.
 */
class ClientAddressHttpTest {

  @Test
  void theAddressLimitCountsEveryoneFromOneAddressUnderDenyAccess() {
    try (TestServer t = TestServer.start()) {
      t.createUser("alice", "alice-plum-harbor-lantern");
      t.createUser("bob", "bob-plum-harbor-lantern");
      t.settings("{\"SESSIONS_PER_IP\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");

      Browser alice = t.browserFrom("127.0.0.2", TestServer.FIREFOX_LINUX);
      Browser.Response first = alice.login("alice", "alice-plum-harbor-lantern");
      assertThat(first.status()).isEqualTo(201);
      assertThat(first.json().path("session").path("client_ip").asText()).isEqualTo("127.0.0.2");

      Browser.Response bobSameAddress =
          t.browserFrom("127.0.0.2", TestServer.CHROME_WINDOWS)
              .login("bob", "bob-plum-harbor-lantern");
      assertThat(bobSameAddress.status()).isEqualTo(403);
      assertThat(bobSameAddress.json().path("scope").asText()).isEqualTo("ip");
      assertThat(bobSameAddress.json().path("limit").asInt()).isEqualTo(1);
      assertThat(bobSameAddress.json().path("message").asText())
          .isEqualTo(
              "Your address 127.0.0.2"
                  + " already has 1 active session, and the limit for one address is 1 session.");

      assertThat(
              t.browserFrom("127.0.0.3", TestServer.CHROME_WINDOWS)
                  .login("bob", "bob-plum-harbor-lantern")
                  .status())
          .isEqualTo(201);
      assertThat(alice.get("/api/v1/me").status()).isEqualTo(200);
    }
  }

  @Test
  void anAddressLimitCanEndAnotherUsersSessionAndTellsThemWhy() {
    try (TestServer t = TestServer.start()) {
      t.createUser("alice", "alice-plum-harbor-lantern");
      t.createUser("bob", "bob-plum-harbor-lantern");
      t.settings(
          "{\"SESSIONS_PER_IP\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
      Browser alice = t.browserFrom("127.0.0.2", TestServer.FIREFOX_LINUX);
      alice.login("alice", "alice-plum-harbor-lantern");
      t.clock.advanceSeconds(120);

      assertThat(
              t.browserFrom("127.0.0.2", TestServer.CHROME_WINDOWS)
                  .login("bob", "bob-plum-harbor-lantern")
                  .status())
          .isEqualTo(201);

      JsonNode ended = alice.get("/api/v1/me").json();
      assertThat(ended.path("reason").asText()).isEqualTo("session_limit_reached");
      assertThat(ended.path("scope").asText()).isEqualTo("ip");
      assertThat(ended.path("message").asText())
          .isEqualTo(
              "You were signed out because someone signed in on Chrome on Windows from your address"
                  + " 127.0.0.2 at 14:02 UTC, and the limit for one address is 1 session.");
    }
  }

  @Test
  void theForwardedForHopOfATrustedProxyIsTheClient() {
    try (TestServer t =
        TestServer.start(Map.of("SESSIONLIMITS_TRUSTED_PROXIES", "127.0.0.2/32, ::1"))) {
      Browser viaProxy = t.browserFrom("127.0.0.2", TestServer.FIREFOX_LINUX);
      Browser.Response r =
          viaProxy.post(
              "/api/v1/login",
              "{\"username\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}",
              "X-Forwarded-For",
              "198.51.100.1, 203.0.113.7, 127.0.0.2");
      assertThat(r.json().path("session").path("client_ip").asText()).isEqualTo("203.0.113.7");
    }
  }

  @Test
  void theForwardedForHeaderOfAnUntrustedPeerIsIgnored() {
    try (TestServer t = TestServer.start(Map.of("SESSIONLIMITS_TRUSTED_PROXIES", "127.0.0.2/32"))) {
      Browser direct = t.browserFrom("127.0.0.3", TestServer.FIREFOX_LINUX);
      Browser.Response r =
          direct.post(
              "/api/v1/login",
              "{\"username\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}",
              "X-Forwarded-For",
              "203.0.113.7");
      assertThat(r.json().path("session").path("client_ip").asText()).isEqualTo("127.0.0.3");
    }
  }

  @Test
  void withoutTrustedProxiesNoForwardedHeaderIsBelieved() {
    try (TestServer t = TestServer.start()) {
      Browser.Response r =
          t.browser()
              .post(
                  "/api/v1/login",
                  "{\"username\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}",
                  "X-Forwarded-For",
                  "203.0.113.7");
      assertThat(r.json().path("session").path("client_ip").asText()).isEqualTo("127.0.0.1");
    }
  }
}
