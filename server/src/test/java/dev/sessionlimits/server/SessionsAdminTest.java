package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionsAdminTest {

  private TestServer t;
  private Browser admin;

  @BeforeEach
  void start() {
    t = TestServer.start();
    admin = t.admin();
    t.createUser("alice", "alice-plum-harbor-lantern");
    t.createUser("bob", "bob-plum-harbor-lantern");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private Browser login(String user) {
    Browser b = t.browser();
    assertThat(b.login(user, user + "-plum-harbor-lantern").status()).isEqualTo(201);
    t.clock.advanceSeconds(1);
    return b;
  }

  @Test
  void listsActiveSessionsByUserAndByAddress() {
    login("alice");
    login("alice");
    login("bob");
    assertThat(admin.get("/api/v1/sessions?user=alice").json().path("sessions")).hasSize(2);
    assertThat(admin.get("/api/v1/sessions?user=bob").json().path("sessions")).hasSize(1);
    assertThat(admin.get("/api/v1/sessions?ip=127.0.0.1").json().path("sessions").size())
        .isGreaterThanOrEqualTo(3);
    assertThat(admin.get("/api/v1/sessions?ip=::ffff:127.0.0.1").json().path("sessions").size())
        .isGreaterThanOrEqualTo(3);
    assertThat(admin.get("/api/v1/sessions?user=alice&ip=10.0.0.1").json().path("sessions"))
        .isEmpty();
    assertThat(admin.get("/api/v1/sessions").json().path("sessions").size())
        .isGreaterThanOrEqualTo(4);
  }

  @Test
  void theListMarksTheAdministratorsOwnSessionSoThePageCanAskBeforeRevokingIt() {
    login("alice");
    String own = admin.get("/api/v1/me").json().path("session").path("id").asText();

    JsonNode sessions = admin.get("/api/v1/sessions").json().path("sessions");

    List<String> current = new ArrayList<>();
    sessions.forEach(
        s -> {
          assertThat(s.has("current")).isTrue();
          if (s.path("current").asBoolean()) {
            current.add(s.path("id").asText());
          }
        });
    assertThat(current).containsExactly(own);
  }

  @Test
  void revokesOneSession() {
    Browser alice = login("alice");
    String id = alice.get("/api/v1/me").json().path("session").path("id").asText();

    assertThat(admin.delete("/api/v1/sessions/" + id).status()).isEqualTo(204);

    Browser.Response r = alice.get("/api/v1/me");
    assertThat(r.json().path("reason").asText()).isEqualTo("revoked_by_admin");
    assertThat(r.json().path("ended_by").asText()).isEqualTo("admin");
    assertThat(admin.delete("/api/v1/sessions/" + id).error()).isEqualTo("session_not_found");
  }

  @Test
  void revokesAllOfAUsersSessions() {
    Browser a1 = login("alice");
    Browser a2 = login("alice");
    Browser bob = login("bob");

    Browser.Response r = admin.delete("/api/v1/users/alice/sessions");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("ended_sessions")).hasSize(2);
    assertThat(a1.get("/api/v1/me").json().path("reason").asText()).isEqualTo("revoked_by_admin");
    assertThat(a2.get("/api/v1/me").json().path("reason").asText()).isEqualTo("revoked_by_admin");
    assertThat(bob.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(admin.delete("/api/v1/users/nobody/sessions").status()).isEqualTo(404);
  }

  @Test
  void enforcePreviewsThenAppliesALoweredLimit() {
    List<Browser> alice = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      alice.add(login("alice"));
    }
    Browser bob = login("bob");
    admin.patch(
        "/api/v1/settings",
        "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\","
            + " \"QUOTA_EXEMPT_ADMINS\": true}");

    Browser.Response preview = admin.post("/api/v1/sessions/enforce", "{\"dry_run\": true}");
    assertThat(preview.status()).isEqualTo(200);
    assertThat(preview.json().path("dry_run").asBoolean()).isTrue();
    JsonNode wouldEnd = preview.json().path("ended_sessions");
    assertThat(wouldEnd).hasSize(2);
    assertThat(wouldEnd.get(0).path("user").asText()).isEqualTo("alice");
    assertThat(wouldEnd.get(0).path("scope").asText()).isEqualTo("user");
    assertThat(wouldEnd.get(0).path("limit").asInt()).isEqualTo(1);
    for (Browser b : alice) {
      assertThat(b.get("/api/v1/me").status()).isEqualTo(200);
    }

    Browser.Response applied = admin.post("/api/v1/sessions/enforce", null);
    assertThat(applied.json().path("dry_run").asBoolean()).isFalse();
    assertThat(applied.json().path("ended_sessions")).hasSize(2);
    Browser.Response first = alice.get(0).get("/api/v1/me");
    assertThat(first.json().path("reason").asText()).isEqualTo("session_limit_reached");
    assertThat(first.json().path("message").asText())
        .isEqualTo(
            "You were signed out because an"
                + " administrator applied the session limits, and your limit is 1 session.");
    assertThat(alice.get(2).get("/api/v1/me").status()).isEqualTo(200);
    assertThat(bob.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(admin.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void aPreviewIsAuditedAsEnforcementPreviewedAndOnlyARealRunAsSessionsEnforced() {
    admin.post("/api/v1/sessions/enforce", "{\"dry_run\": true}");
    assertThat(
            admin.get("/api/v1/audit?limit=1").json().path("events").get(0).path("type").asText())
        .isEqualTo("enforcement_previewed");

    admin.post("/api/v1/sessions/enforce", null);
    assertThat(
            admin.get("/api/v1/audit?limit=1").json().path("events").get(0).path("type").asText())
        .isEqualTo("sessions_enforced");
  }

  @Test
  void enforcingTheAddressLimitSkipsExemptAdministratorsEvenWhenOneHoldsTheOldestSession() {
    // The administrator's session (made in start()) is the oldest at 127.0.0.1.
    List<Browser> others = List.of(login("alice"), login("bob"), login("alice"));
    admin.patch(
        "/api/v1/settings",
        "{\"SESSIONS_PER_IP\": 1, \"QUOTA_EXEMPT_ADMINS\": true,"
            + " \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");

    Browser.Response applied = admin.post("/api/v1/sessions/enforce", null);

    assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
    assertThat(applied.json().path("ended_sessions")).hasSize(2);
    assertThat(others.get(0).get("/api/v1/me").json().path("reason").asText())
        .isEqualTo("session_limit_reached");
    assertThat(others.get(1).get("/api/v1/me").status()).isEqualTo(401);
    assertThat(others.get(2).get("/api/v1/me").status()).isEqualTo(200);
    assertThat(admin.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void anAdministratorEndsEverySessionButTheirOwnAfterEnteringThePasswordRecently() {
    Browser alice = login("alice");
    Browser bob = login("bob");
    t.clock.advanceSeconds(301);

    Browser.Response stale = admin.delete("/api/v1/sessions");
    assertThat(stale.status()).as(stale.toString()).isEqualTo(403);
    assertThat(stale.error()).isEqualTo("reauthentication_required");
    assertThat(alice.get("/api/v1/me").status()).as("nothing ended").isEqualTo(200);

    assertThat(
            admin
                .post(
                    "/api/v1/me/reauthenticate",
                    "{\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}")
                .status())
        .isEqualTo(200);
    Browser.Response all = admin.delete("/api/v1/sessions");

    assertThat(all.status()).as(all.toString()).isEqualTo(200);
    assertThat(all.json().path("ended").asInt()).isGreaterThanOrEqualTo(2);
    for (Browser b : List.of(alice, bob)) {
      Browser.Response r = b.get("/api/v1/me");
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.json().path("reason").asText()).isEqualTo("revoked_by_admin");
    }
    assertThat(admin.get("/api/v1/me").status()).as("the administrator's own stays").isEqualTo(200);
    assertThat(admin.get("/api/v1/sessions").json().path("sessions")).hasSize(1);
    assertThat(admin.get("/api/v1/audit?limit=5").text()).contains("all_sessions_revoked");
  }

  @Test
  void onlyAdministratorsSeeOrEndOthersSessions() {
    Browser alice = login("alice");
    assertThat(alice.get("/api/v1/sessions").status()).isEqualTo(403);
    assertThat(alice.delete("/api/v1/sessions/x").status()).isEqualTo(403);
    assertThat(alice.delete("/api/v1/users/bob/sessions").status()).isEqualTo(403);
    assertThat(alice.post("/api/v1/sessions/enforce", null).status()).isEqualTo(403);
    assertThat(alice.get("/api/v1/audit").status()).isEqualTo(403);
  }
}
