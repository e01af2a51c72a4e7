package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditApiTest {

  @Test
  void recordsLoginsRefusalsEvictionsLogoutsAndRevocationsNewestFirst() {
    try (TestServer t = TestServer.start()) {
      Browser admin = t.admin();
      t.createUser("alice", "alice-password");
      admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXEMPT_ADMINS\": true}");
      Browser first = t.browser();
      first.login("alice", "alice-password");
      Browser second = t.browser(TestServer.CHROME_WINDOWS);
      String secondId = second.login("alice", "alice-password").json().path("session").path("id").asText();
      admin.patch("/api/v1/settings", "{\"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
      t.browser().login("alice", "alice-password");
      t.browser().login("alice", "wrong-password");
      second.post("/api/v1/logout", null);
      Browser third = t.browser();
      String thirdId = third.login("alice", "alice-password").json().path("session").path("id").asText();
      admin.delete("/api/v1/sessions/" + thirdId);

      JsonNode events = admin.get("/api/v1/audit").json().path("events");
      List<String> types = new ArrayList<>();
      events.forEach(e -> types.add(e.path("type").asText()));
      assertThat(types).startsWith("session_revoked", "login", "logout", "login_failed",
          "login_refused", "settings_changed", "login", "session_evicted", "login");

      JsonNode eviction = events.get(7);
      assertThat(eviction.path("subject").asText()).isEqualTo("alice");
      assertThat(eviction.path("details").path("caused_by_session").asText()).isEqualTo(secondId);
      assertThat(eviction.path("details").path("login_user_agent").asText()).contains("Chrome");
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
        admin.post("/api/v1/users", "{\"username\":\"user" + i + "\",\"password\":\"password-" + i + "\"}");
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
}
