package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.service.CachingUserStore;
import dev.sessionlimits.server.service.SettingsService;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /auth/verify}, as nginx auth_request, Traefik ForwardAuth or Caddy forward_auth call
 * it.
 */
class ForwardAuthTest {

  private TestServer t;
  private Browser alice;
  private String sessionId;

  @BeforeEach
  void start() {
    t = TestServer.start();
    t.createUser("alice", "alice-plum-harbor-lantern");
    alice = t.browser();
    sessionId =
        alice
            .login("alice", "alice-plum-harbor-lantern")
            .json()
            .path("session")
            .path("id")
            .asText();
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void aLiveSessionIs200WithTheUserAndSessionHeaders() {
    Browser.Response r = alice.get("/auth/verify");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("X-Session-User")).isEqualTo("alice");
    assertThat(r.header("X-Session-Id")).isEqualTo(sessionId);
    assertThat(r.header("Session-Timeout")).isEqualTo("1800");
    assertThat(r.header("X-Session-End-Reason")).isNull();
    assertThat(r.text()).as("a proxy reads only the status and headers").isEmpty();
    assertThat(r.header("Content-Security-Policy")).isNull();
    assertThat(r.header("Content-Type")).as("no body, so no type").isNull();
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  void theRouteAnswersTheSameForAnotherSpellingOfThePath() {
    Browser.Response r = alice.get("/auth/verify/");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("X-Session-User")).isEqualTo("alice");
    assertThat(r.header("X-Session-Id")).isEqualTo(sessionId);
    assertThat(r.header("Session-Timeout")).isEqualTo("1800");
  }

  @Test
  void anotherMethodIs405AsJson() {
    Browser.Response r = alice.post("/auth/verify", "{}");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.error()).isEqualTo("method_not_allowed");
  }

  @Test
  void aDisabledUsersSessionIs401() {
    assertThat(t.admin().patch("/api/v1/users/alice", "{\"disabled\": true}").status())
        .isEqualTo(200);
    Browser.Response r = alice.get("/auth/verify");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  void verifyExtendsTheSessionUnlessQuiet() {
    t.clock.advanceSeconds(600);
    assertThat(alice.get("/auth/verify", "X-Session-Quiet", "1").header("Session-Timeout"))
        .isEqualTo("1200");
    assertThat(alice.get("/auth/verify").header("Session-Timeout")).isEqualTo("1800");
    t.clock.advanceSeconds(1700);
    assertThat(alice.get("/auth/verify").status()).isEqualTo(200);
  }

  @Test
  void aVerifyTheNodesCachesCanAnswerNeverWaitsForTheStore() {
    FlakySessionStore sessions = new FlakySessionStore();
    Stores stores =
        new Stores(
            sessions,
            UserStore.inMemory(),
            SettingsStore.inMemory(),
            AuditLog.inMemory(),
            () -> !sessions.down,
            null);
    try (TestServer server = TestServer.start(stores, Map.of(), b -> {})) {
      server.createUser("bob", "bob-plum-harbor-lantern");
      Browser bob = server.browser();
      bob.login("bob", "bob-plum-harbor-lantern");
      assertThat(bob.get("/auth/verify").status()).as("reads bob and his session").isEqualTo(200);
      int before = sessions.waitingLookups.get();
      assertThat(bob.get("/auth/verify").status()).isEqualTo(200);
      assertThat(sessions.waitingLookups.get())
          .as("a store that cannot answer without waiting")
          .isEqualTo(before + 1);

      sessions.answersWithoutWaiting = true;
      for (int i = 0; i < 20; i++) {
        Browser.Response r =
            bob.get("/auth/verify", i % 2 == 0 ? "X-Session-Quiet" : "X-Other", "1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Session-User")).isEqualTo("bob");
      }
      assertThat(sessions.waitingLookups.get()).as("answered from memory").isEqualTo(before + 1);

      server.clock.advance(CachingUserStore.STALENESS.plus(SettingsService.MAX_AGE));
      assertThat(bob.get("/auth/verify").status()).isEqualTo(200);
      assertThat(bob.get("/auth/verify").status()).isEqualTo(200);
      assertThat(sessions.waitingLookups.get())
          .as("stale user and settings are read again once, on a thread that may wait")
          .isEqualTo(before + 2);

      sessions.down = true;
      assertThat(bob.get("/auth/verify").status())
          .as("what cannot be answered waits, and fails")
          .isEqualTo(503);
    }
  }

  @Test
  void noCookieIs401WithoutAReason() {
    Browser.Response r = t.browser().get("/auth/verify");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.error()).isEqualTo("not_authenticated");
    assertThat(r.header("X-Session-End-Reason")).isNull();
  }

  @Test
  void anEndedSessionIs401WithTheEndReasonHeader() {
    assertThat(t.admin().delete("/api/v1/sessions/" + sessionId).status()).isEqualTo(204);
    Browser.Response r = alice.get("/auth/verify");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("X-Session-End-Reason")).isEqualTo("revoked_by_admin");
    assertThat(r.json().path("reason").asText()).isEqualTo("revoked_by_admin");
    assertThat(r.json().path("message").asText())
        .isEqualTo("An administrator signed you out at 14:00 UTC.");
  }

  @Test
  void anExpiredSessionIs401WithIdleTimeout() {
    t.clock.advanceSeconds(1800);
    assertThat(alice.get("/auth/verify").header("X-Session-End-Reason")).isEqualTo("idle_timeout");
  }
}
