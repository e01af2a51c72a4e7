package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.core.UserStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class AuditApiTest {

  @Test
  void recordsLoginsRefusalsEvictionsLogoutsAndRevocationsNewestFirst() {
    try (TestServer t = TestServer.start()) {
      Browser admin = t.admin();
      t.createUser("alice", "alice-plum-harbor-lantern");
      admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXEMPT_ADMINS\": true}");
      Browser first = t.browser();
      first.login("alice", "alice-plum-harbor-lantern");
      Browser second = t.browser(TestServer.CHROME_WINDOWS);
      String secondId =
          second
              .login("alice", "alice-plum-harbor-lantern")
              .json()
              .path("session")
              .path("id")
              .asText();
      admin.patch("/api/v1/settings", "{\"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
      t.browser().login("alice", "alice-plum-harbor-lantern");
      t.browser().login("alice", "wrong-password");
      second.post("/api/v1/logout", null);
      Browser third = t.browser();
      String thirdId =
          third
              .login("alice", "alice-plum-harbor-lantern")
              .json()
              .path("session")
              .path("id")
              .asText();
      admin.delete("/api/v1/sessions/" + thirdId);

      JsonNode events = admin.get("/api/v1/audit").json().path("events");
      List<String> types = new ArrayList<>();
      events.forEach(e -> types.add(e.path("type").asText()));
      assertThat(types)
          .startsWith(
              "session_revoked",
              "login",
              "logout",
              "login_failed",
              "login_refused",
              "settings_changed",
              "login",
              "session_evicted",
              "login");

      JsonNode eviction = events.get(7);
      assertThat(eviction.path("subject").asText()).isEqualTo("alice");
      assertThat(eviction.path("details").path("caused_by_session").asText()).isEqualTo(secondId);
      assertThat(eviction.path("details").path("login_user_agent").asText()).contains("Chrome");
      assertThat(eviction.path("details").path("login_browser").asText())
          .as("the server describes the user agent; the web UI shows that")
          .isEqualTo("Chrome on Windows");
      assertThat(events.get(6).path("details").path("browser").asText())
          .isEqualTo("Chrome on Windows");
      assertThat(eviction.path("details").path("scope").asText()).isEqualTo("user");
      JsonNode refusal = events.get(4);
      assertThat(refusal.path("details").path("limit").asInt()).isEqualTo(1);
      assertThat(refusal.path("client_ip").asText()).isEqualTo("127.0.0.1");
      assertThat(events.get(0).path("actor").asText()).isEqualTo("admin");
      assertThat(events.get(0).path("session_id").asText()).isEqualTo(thirdId);
    }
  }

  @Test
  void pagesWithLimitAndBefore() {
    try (TestServer t = TestServer.start()) {
      Browser admin = t.admin();
      for (int i = 0; i < 5; i++) {
        admin.post(
            "/api/v1/users",
            "{\"username\":\"user" + i + "\",\"password\":\"plum-harbor-lantern-" + i + "\"}");
      }
      JsonNode page = admin.get("/api/v1/audit?limit=2").json();
      assertThat(page.path("events")).hasSize(2);
      assertThat(page.path("events").get(0).path("subject").asText()).isEqualTo("user4");
      long next = page.path("next_before").asLong();
      JsonNode older = admin.get("/api/v1/audit?limit=2&before=" + next).json().path("events");
      assertThat(older.get(0).path("subject").asText()).isEqualTo("user2");
      assertThat(older.get(0).path("id").asLong()).isLessThan(next);
    }
  }

  @Test
  void aLoginWritesTheSessionsItEvictedAndThenItselfInOneAuditWrite() {
    WriteCountingAuditLog audit = new WriteCountingAuditLog();
    try (TestServer t = TestServer.start(stores(audit), Map.of(), b -> {})) {
      t.createUser("alice", "alice-plum-harbor-lantern");
      t.settings(
          "{\"SESSIONS_PER_USER\": 3, \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLD_SESSIONS\","
              + " \"QUOTA_EXEMPT_ADMINS\": true}");
      String first =
          t.browser()
              .login("alice", "alice-plum-harbor-lantern")
              .json()
              .path("session")
              .path("id")
              .asText();
      String second =
          t.browser()
              .login("alice", "alice-plum-harbor-lantern")
              .json()
              .path("session")
              .path("id")
              .asText();
      t.settings("{\"SESSIONS_PER_USER\": 1}");
      audit.writes.clear();

      Browser.Response login =
          t.browser(TestServer.CHROME_WINDOWS).login("alice", "alice-plum-harbor-lantern");

      String third = login.json().path("session").path("id").asText();
      List<String> ended = new ArrayList<>();
      login.json().path("ended_sessions").forEach(s -> ended.add(s.path("id").asText()));
      assertThat(ended).containsExactlyInAnyOrder(first, second);
      assertThat(audit.writes)
          .singleElement()
          .satisfies(
              write -> {
                assertThat(write)
                    .extracting(AuditEvent::type)
                    .containsExactly("session_evicted", "session_evicted", "login");
                assertThat(write)
                    .extracting(AuditEvent::sessionId)
                    .containsExactly(ended.get(0), ended.get(1), third);
              });
      JsonNode events = t.admin().get("/api/v1/audit?limit=4").json().path("events");
      assertThat(events.get(1).path("type").asText()).isEqualTo("login");
      assertThat(events.get(1).path("details").path("ended_sessions").toString())
          .isEqualTo("[\"" + ended.get(0) + "\",\"" + ended.get(1) + "\"]");
      assertThat(events.get(2).path("session_id").asText()).isEqualTo(ended.get(1));
      assertThat(events.get(2).path("details").path("caused_by_session").asText()).isEqualTo(third);
      assertThat(events.get(3).path("session_id").asText()).isEqualTo(ended.get(0));
    }
  }

  @Test
  void aLoginSucceedsWhenItsAuditEventsCannotBeWritten() {
    WriteCountingAuditLog audit = new WriteCountingAuditLog();
    try (TestServer t = TestServer.start(stores(audit), Map.of(), b -> {})) {
      t.createUser("alice", "alice-plum-harbor-lantern");
      t.settings("{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXEMPT_ADMINS\": true}");
      Browser first = t.browser();
      first.login("alice", "alice-plum-harbor-lantern");
      audit.failing = true;

      Browser.Response second = t.browser().login("alice", "alice-plum-harbor-lantern");

      assertThat(second.status()).isEqualTo(201);
      assertThat(second.json().path("ended_sessions")).hasSize(1);
      assertThat(first.get("/api/v1/me").error()).isEqualTo("session_ended");
      audit.failing = false;
      String secondId = second.json().path("session").path("id").asText();
      List<String> written = new ArrayList<>();
      t.admin()
          .get("/api/v1/audit")
          .json()
          .path("events")
          .forEach(e -> written.add(e.path("type").asText() + " " + e.path("session_id").asText()));
      assertThat(written).noneMatch(e -> e.startsWith("session_evicted") || e.endsWith(secondId));
    }
  }

  private static Stores stores(AuditLog audit) {
    return new Stores(
        SessionStore.inMemory(),
        UserStore.inMemory(),
        SettingsStore.inMemory(),
        audit,
        () -> true,
        null);
  }

  /** The in-memory log, remembering the events of each write; it can be made to fail. */
  private static final class WriteCountingAuditLog implements AuditLog {
    final AuditLog log = AuditLog.inMemory();
    final List<List<AuditEvent>> writes = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    @Override
    public AuditEvent record(AuditEvent event) {
      return recordAll(List.of(event)).get(0);
    }

    @Override
    public List<AuditEvent> recordAll(List<AuditEvent> events) {
      if (failing) {
        throw new StoreUnavailableException("the audit log is down", null);
      }
      writes.add(List.copyOf(events));
      return log.recordAll(events);
    }

    @Override
    public List<AuditEvent> recent(int limit, long beforeId) {
      return log.recent(limit, beforeId);
    }
  }
}
