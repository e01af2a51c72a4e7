package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.core.Burst;
import dev.sessionlimits.core.User;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UsersApiTest {

  private TestServer t;
  private Browser admin;

  @BeforeEach
  void start() {
    t = TestServer.start();
    admin = t.admin();
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void createsListsReadsUpdatesAndDeletesUsers() {
    Browser.Response created =
        admin.post(
            "/api/v1/users",
            "{\"username\":\"bob\",\"password\":\"bob-plum-harbor-lantern\",\"sessions_limit\":2}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo("/api/v1/users/bob");
    JsonNode bob = created.json();
    assertThat(bob.path("username").asText()).isEqualTo("bob");
    assertThat(bob.path("admin").asBoolean()).isFalse();
    assertThat(bob.path("disabled").asBoolean()).isFalse();
    assertThat(bob.path("sessions_limit").asInt()).isEqualTo(2);
    assertThat(bob.has("password")).isFalse();
    assertThat(created.text()).doesNotContain("argon2", "bob-plum-harbor-lantern");

    assertThat(admin.get("/api/v1/users").json().path("users")).hasSize(2);
    assertThat(admin.get("/api/v1/users/bob").json().path("sessions_limit").asInt()).isEqualTo(2);

    Browser.Response patched =
        admin.patch("/api/v1/users/bob", "{\"sessions_limit\": null, \"admin\": true}");
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.json().path("sessions_limit").isNull()).isTrue();
    assertThat(patched.json().path("admin").asBoolean()).isTrue();

    assertThat(admin.delete("/api/v1/users/bob").status()).isEqualTo(204);
    assertThat(admin.get("/api/v1/users/bob").status()).isEqualTo(404);
    assertThat(admin.get("/api/v1/users/bob").error()).isEqualTo("user_not_found");
  }

  @Test
  void aTakenNameIs409AndBadFieldsAre400() {
    assertThat(
            admin
                .post(
                    "/api/v1/users",
                    "{\"username\":\"admin\",\"password\":\"whatever-plum-harbor\"}")
                .error())
        .isEqualTo("user_exists");
    Browser.Response bad =
        admin.post(
            "/api/v1/users",
            "{\"username\":\"no spaces\",\"password\":\"short\",\"sessions_limit\":0}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("fields").path("username").asText()).contains("letters, digits");
    assertThat(bad.json().path("fields").path("password").asText())
        .contains("at least 8 characters");
    assertThat(bad.json().path("fields").path("sessions_limit").asText())
        .contains("0 would sign out");
    assertThat(
            admin
                .post("/api/v1/users", "{\"username\":\"bob\"}")
                .json()
                .path("fields")
                .path("password")
                .asText())
        .isEqualTo("password is required.");
    assertThat(admin.patch("/api/v1/users/admin", "{\"username\":\"root\"}").status())
        .isEqualTo(400);
    assertThat(admin.patch("/api/v1/users/nobody", "{\"admin\":true}").status()).isEqualTo(404);
    assertThat(admin.delete("/api/v1/users/nobody").status()).isEqualTo(404);
  }

  @Test
  void onlyAdministratorsManageUsers() {
    t.createUser("alice", "alice-plum-harbor-lantern");
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");
    assertThat(alice.get("/api/v1/users").status()).isEqualTo(403);
    assertThat(
            alice.post("/api/v1/users", "{\"username\":\"x\",\"password\":\"xxxxxxxx\"}").status())
        .isEqualTo(403);
    assertThat(alice.patch("/api/v1/users/alice", "{\"admin\":true}").status()).isEqualTo(403);
    assertThat(alice.delete("/api/v1/users/admin").status()).isEqualTo(403);
  }

  @Test
  void aUsersOwnLimitOverridesTheGlobalOne() {
    t.settings("{\"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\", \"SESSIONS_PER_USER\": 5}");
    t.createUser(
        "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\",\"sessions_limit\":1}");
    assertThat(t.browser().login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
    Browser.Response second = t.browser().login("alice", "alice-plum-harbor-lantern");
    assertThat(second.status()).isEqualTo(403);
    assertThat(second.json().path("limit").asInt()).isEqualTo(1);

    admin.patch("/api/v1/users/alice", "{\"sessions_limit\": -1}");
    assertThat(t.browser().login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
    admin.patch("/api/v1/users/alice", "{\"sessions_limit\": null}");
    t.settings("{\"SESSIONS_PER_USER\": 2}");
    assertThat(t.browser().login("alice", "alice-plum-harbor-lantern").json().path("limit").asInt())
        .isEqualTo(2);
  }

  @Test
  void disablingAUserEndsTheirSessionsWithUserDisabled() {
    t.createUser("alice", "alice-plum-harbor-lantern");
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");

    assertThat(admin.patch("/api/v1/users/alice", "{\"disabled\": true}").status()).isEqualTo(200);

    Browser.Response r = alice.get("/api/v1/me");
    assertThat(r.json().path("reason").asText()).isEqualTo("user_disabled");
    assertThat(r.json().path("message").asText())
        .isEqualTo("You were signed out at 14:00 UTC because your account was disabled.");
  }

  @Test
  void changingAPasswordEndsTheUsersSessionsWithPasswordChanged() {
    t.createUser("alice", "alice-plum-harbor-lantern");
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");

    admin.patch("/api/v1/users/alice", "{\"password\": \"new-alice-plum-harbor-lantern\"}");

    assertThat(alice.get("/api/v1/me").json().path("reason").asText())
        .isEqualTo("password_changed");
    assertThat(t.browser().login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(401);
    assertThat(t.browser().login("alice", "new-alice-plum-harbor-lantern").status()).isEqualTo(201);
  }

  @Test
  void whoeverChangesTheirOwnPasswordStaysSignedInThereButNowhereElse() {
    Browser elsewhere = t.admin();
    assertThat(
            admin
                .patch(
                    "/api/v1/users/admin", "{\"password\": \"another-admin-plum-harbor-lantern\"}")
                .status())
        .isEqualTo(200);
    assertThat(admin.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(elsewhere.get("/api/v1/me").json().path("reason").asText())
        .isEqualTo("password_changed");
  }

  @Test
  void theLastEnabledAdministratorCannotBeDemotedDisabledOrDeleted() {
    assertThat(admin.patch("/api/v1/users/admin", "{\"admin\": false}").error())
        .isEqualTo("last_admin");
    assertThat(admin.patch("/api/v1/users/admin", "{\"disabled\": true}").status()).isEqualTo(409);
    assertThat(admin.delete("/api/v1/users/admin").status()).isEqualTo(409);

    t.createUser(
        "{\"username\":\"root\",\"password\":\"root-plum-harbor-lantern\",\"admin\":true}");
    assertThat(admin.patch("/api/v1/users/admin", "{\"admin\": false}").status()).isEqualTo(200);
  }

  @Test
  void twoAdministratorsRemovingEachOtherAtOnceLeaveOneOfThem() throws Exception {
    t.createUser(
        "{\"username\":\"root\",\"password\":\"root-plum-harbor-lantern\",\"admin\":true}");
    Browser root = t.browser();
    String[] changes = {"{\"admin\": false}", "{\"disabled\": true}"};
    for (int round = 0; round < 20; round++) {
      assertThat(root.login("root", "root-plum-harbor-lantern").status()).isEqualTo(201);
      assertThat(admin.login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);
      String change = changes[round % 2];
      List<Integer> statuses =
          Burst.run(
              2,
              i ->
                  (i == 0)
                      ? admin.patch("/api/v1/users/root", change).status()
                      : root.patch("/api/v1/users/admin", change).status());
      List<String> enabledAdmins =
          t.stores.users().list().stream()
              .filter(User::enabledAdministrator)
              .map(User::username)
              .toList();
      assertThat(enabledAdmins).as("round %d: %s", round, statuses).hasSize(1);
      // The other was refused: 409 last_admin, or 403 once no longer an administrator.
      assertThat(statuses).as("round %d", round).containsOnlyOnce(200);
      String winner = enabledAdmins.get(0);
      Browser restorer = winner.equals("admin") ? admin : root;
      String loser = winner.equals("admin") ? "root" : "admin";
      assertThat(
              restorer
                  .patch("/api/v1/users/" + loser, "{\"admin\": true, \"disabled\": false}")
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void deletingAUserEndsTheirSessions() {
    t.createUser("alice", "alice-plum-harbor-lantern");
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");
    admin.delete("/api/v1/users/alice");
    assertThat(alice.get("/api/v1/me").json().path("reason").asText())
        .isEqualTo("revoked_by_admin");
  }

  @Test
  void administratorsCanBeExemptFromTheLimits() {
    t.settings("{\"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\", \"SESSIONS_PER_USER\": 1}");
    Browser.Response refused = t.browser().login("admin", TestServer.ADMIN_PASSWORD);
    assertThat(refused.status()).isEqualTo(403);

    admin.patch("/api/v1/settings", "{\"QUOTA_EXEMPT_ADMINS\": true}");
    assertThat(t.browser().login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);
    assertThat(t.browser().login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);
  }

  @Test
  void userChangesAreAudited() {
    t.createUser("alice", "alice-plum-harbor-lantern");
    admin.patch(
        "/api/v1/users/alice", "{\"disabled\": true, \"password\": \"another-plum-harbor\"}");
    admin.delete("/api/v1/users/alice");
    JsonNode events = admin.get("/api/v1/audit?limit=3").json().path("events");
    assertThat(events.get(0).path("type").asText()).isEqualTo("user_deleted");
    assertThat(events.get(1).path("type").asText()).isEqualTo("user_updated");
    JsonNode changes = events.get(1).path("details").path("changes");
    assertThat(changes.path("disabled").path("old").asBoolean()).isFalse();
    assertThat(changes.path("disabled").path("new").asBoolean()).isTrue();
    assertThat(changes.path("password").asText()).isEqualTo("changed");
    assertThat(events.get(1).toString()).doesNotContain("another-plum-harbor");
    assertThat(events.get(2).path("type").asText()).isEqualTo("user_created");
    assertThat(events.get(2).path("actor").asText()).isEqualTo("admin");
  }
}
