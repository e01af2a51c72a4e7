package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.core.Burst;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/groups} and a user's groups over HTTP, on a real server: the administrators' CRUD
 * and its errors, and a group's limit applied to the next login of a member and by enforcement.
 * {@link GroupsApiPostgresTest} runs the same on PostgreSQL.
 */
class GroupsApiTest {

  private static final String ALICE_PASSWORD = "alice-plum-harbor-lantern";
  private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

  TestServer t;
  private Browser admin;

  /** The stores of each test's server: fresh, in this JVM's memory. */
  Stores stores() throws Exception {
    return Stores.inMemory();
  }

  @BeforeEach
  void start() throws Exception {
    t = TestServer.start(stores(), java.util.Map.of(), b -> {});
    admin = t.admin();
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private Browser.Response put(Browser browser, String path, String json) {
    return browser.send("PUT", path, json, "application/json");
  }

  private void group(String name, Integer limit) {
    Browser.Response r =
        admin.post(
            "/api/v1/groups", "{\"name\":\"" + name + "\",\"sessions_limit\":" + limit + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  private void assign(String user, String... groups) {
    StringBuilder list = new StringBuilder();
    for (String g : groups) {
      list.append(list.isEmpty() ? "" : ",").append('"').append(g).append('"');
    }
    Browser.Response r =
        put(admin, "/api/v1/users/" + user + "/groups", "{\"groups\":[" + list + "]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  private Browser alice() {
    Browser b = t.browser();
    assertThat(b.login("alice", ALICE_PASSWORD).status()).isEqualTo(201);
    return b;
  }

  @Test
  void administratorsCreateListReadChangeAndDeleteGroups() {
    Browser.Response created =
        admin.post("/api/v1/groups", "{\"name\":\"Équipe Ops\",\"sessions_limit\":3}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo("/api/v1/groups/%C3%89quipe%20Ops");
    assertThat(admin.get(created.header("Location")).json().path("name").asText())
        .isEqualTo("Équipe Ops");
    group("a+b", 4);
    assertThat(admin.get("/api/v1/groups/a%2Bb").json().path("sessions_limit").asInt())
        .isEqualTo(4);
    assertThat(admin.delete("/api/v1/groups/a%2Bb").status()).isEqualTo(204);
    assertThat(created.json().path("name").asText()).isEqualTo("Équipe Ops");
    assertThat(created.json().path("sessions_limit").asInt()).isEqualTo(3);
    assertThat(created.json().path("members").asInt()).isZero();
    group("staff", null);
    t.createUser("alice", ALICE_PASSWORD);
    assign("alice", "staff");

    JsonNode list = admin.get("/api/v1/groups").json().path("groups");
    assertThat(list).hasSize(2);
    assertThat(list.get(0).path("name").asText()).isEqualTo("staff");
    assertThat(list.get(0).path("sessions_limit").isNull()).isTrue();
    assertThat(list.get(0).path("members").asInt()).isEqualTo(1);
    assertThat(list.get(1).path("name").asText()).isEqualTo("Équipe Ops");
    assertThat(admin.get("/api/v1/groups/staff").json().path("members").asInt()).isEqualTo(1);

    Browser.Response patched = admin.patch("/api/v1/groups/staff", "{\"sessions_limit\": -1}");
    assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    assertThat(patched.json().path("sessions_limit").asInt()).isEqualTo(-1);
    assertThat(patched.json().path("sessions_over_limit").asInt()).isZero();
    assertThat(admin.get("/api/v1/groups/staff").json().path("sessions_limit").asInt())
        .isEqualTo(-1);

    assertThat(admin.delete("/api/v1/groups/staff").status()).isEqualTo(204);
    assertThat(admin.get("/api/v1/groups/staff").error()).isEqualTo("group_not_found");
    assertThat(admin.get("/api/v1/users/alice").json().path("groups")).isEmpty();
    JsonNode audit = admin.get("/api/v1/audit").json().path("events");
    List<String> types = new ArrayList<>();
    audit.forEach(e -> types.add(e.path("type").asText()));
    assertThat(types)
        .contains("group_created", "group_updated", "group_deleted", "user_groups_changed");
  }

  @Test
  void aTakenNameIs409AMissingGroup404UnknownGroups400AndBadFields400() {
    group("staff", 2);
    Browser.Response taken = admin.post("/api/v1/groups", "{\"name\":\"staff\"}");
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.error()).isEqualTo("group_exists");
    assertThat(taken.json().path("message").asText())
        .isEqualTo("A group named staff exists already.");
    for (Browser.Response missing :
        List.of(
            admin.get("/api/v1/groups/nobody"),
            admin.patch("/api/v1/groups/nobody", "{\"sessions_limit\": 1}"),
            admin.delete("/api/v1/groups/nobody"))) {
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.error()).isEqualTo("group_not_found");
    }
    t.createUser("alice", ALICE_PASSWORD);
    Browser.Response unknown =
        put(admin, "/api/v1/users/alice/groups", "{\"groups\":[\"staff\",\"ghosts\"]}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.error()).isEqualTo("unknown_groups");
    assertThat(unknown.json().path("groups").get(0).asText()).isEqualTo("ghosts");
    assertThat(admin.get("/api/v1/users/alice").json().path("groups")).isEmpty();
    assertThat(put(admin, "/api/v1/users/nobody/groups", "{\"groups\":[]}").error())
        .isEqualTo("user_not_found");

    Browser.Response bad =
        admin.post("/api/v1/groups", "{\"name\":\" padded\",\"sessions_limit\":0,\"x\":1}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).isEqualTo("invalid_request");
    assertThat(bad.json().path("fields").path("name").asText()).contains("whitespace");
    assertThat(bad.json().path("fields").path("sessions_limit").asText())
        .contains("null (no limit of its own), -1 (unlimited) or 1..100000");
    assertThat(bad.json().path("fields").has("x")).isTrue();
    assertThat(admin.post("/api/v1/groups", "{}").json().path("fields").path("name").asText())
        .isEqualTo("name is required.");
    assertThat(
            admin.patch("/api/v1/groups/staff", "{}").json().path("fields").has("sessions_limit"))
        .isTrue();
    assertThat(admin.patch("/api/v1/groups/staff", "{\"sessions_limit\":\"2\"}").status())
        .isEqualTo(400);
    Browser.Response badList = put(admin, "/api/v1/users/alice/groups", "{\"groups\":\"staff\"}");
    assertThat(badList.json().path("fields").path("groups").asText())
        .contains("must be a list of strings");
    assertThat(
            put(admin, "/api/v1/users/alice/groups", "{\"groups\":[\"ok\", 7]}")
                .json()
                .path("fields")
                .path("groups")
                .asText())
        .contains("groups[1] must be a string");
    assertThat(admin.get("/api/v1/groups/staff").json().path("sessions_limit").asInt())
        .isEqualTo(2);
  }

  @Test
  void onlyAdministratorsManageGroups() {
    group("staff", 2);
    t.createUser("alice", ALICE_PASSWORD);
    Browser alice = alice();
    List<Browser.Response> answers =
        List.of(
            alice.get("/api/v1/groups"),
            alice.post("/api/v1/groups", "{\"name\":\"mine\"}"),
            alice.get("/api/v1/groups/staff"),
            alice.patch("/api/v1/groups/staff", "{\"sessions_limit\": -1}"),
            alice.delete("/api/v1/groups/staff"),
            put(alice, "/api/v1/users/alice/groups", "{\"groups\":[\"staff\"]}"));
    for (Browser.Response r : answers) {
      assertThat(r.status()).as(r.toString()).isEqualTo(403);
      assertThat(r.error()).isEqualTo("forbidden");
    }
    assertThat(admin.get("/api/v1/groups/staff").json().path("sessions_limit").asInt())
        .isEqualTo(2);
    assertThat(admin.get("/api/v1/users/alice").json().path("groups")).isEmpty();
  }

  @Test
  void aGroupLimitOfOneAdmitsExactlyOneOfTwentySimultaneousLoginsOfAMemberUnderDenyAccess()
      throws Exception {
    t.settings(
        "{\"SESSIONS_PER_USER\": 5, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\","
            + " \"QUOTA_EXEMPT_ADMINS\": true}");
    group("interns", 1);
    t.createUser("alice", ALICE_PASSWORD);
    assign("alice", "interns");
    List<Browser> browsers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      browsers.add(t.browser());
    }

    List<Integer> statuses =
        Burst.run(browsers.size(), i -> browsers.get(i).login("alice", ALICE_PASSWORD).status());

    assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 403).hasSize(19);
    assertThat(admin.get("/api/v1/sessions?user=alice").json().path("sessions")).hasSize(1);
    Browser.Response refused = t.browser().login("alice", ALICE_PASSWORD);
    assertThat(refused.json().path("limit").asInt()).isEqualTo(1);
  }

  @Test
  void loweringAGroupLimitThenEnforcingEndsTheExtraSessionsAndTellsTheirBrowsers() {
    t.settings("{\"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
    group("staff", 3);
    t.createUser("alice", ALICE_PASSWORD);
    assign("alice", "staff");
    List<Browser> browsers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      browsers.add(alice());
      t.clock.advanceSeconds(1);
    }

    try (EventStream oldest = EventStream.open(t.base, browsers.get(0).cookie())) {
      assertThat(oldest.status).isEqualTo(200);
      Browser.Response lowered = admin.patch("/api/v1/groups/staff", "{\"sessions_limit\": 1}");
      assertThat(lowered.json().path("sessions_over_limit").asInt()).isEqualTo(2);
      assertThat(browsers.get(0).get("/api/v1/me").status())
          .as("a new limit ends nothing by itself")
          .isEqualTo(200);
      JsonNode user = admin.get("/api/v1/users/alice").json();
      assertThat(user.path("effective_limit").path("limit").asInt()).isEqualTo(1);
      assertThat(user.path("effective_limit").path("source").asText()).isEqualTo("group");
      assertThat(user.path("effective_limit").path("group").asText()).isEqualTo("staff");

      Browser.Response enforced = admin.post("/api/v1/sessions/enforce", null);

      assertThat(enforced.json().path("ended_sessions")).hasSize(2);
      EventStream.Event event = oldest.next(TWO_SECONDS);
      assertThat(event.name()).isEqualTo("session_ended");
      assertThat(event.json().path("reason").asText()).isEqualTo("session_limit_reached");
      assertThat(event.json().path("limit").asInt()).isEqualTo(1);
      assertThat(event.json().path("message").asText())
          .isEqualTo(
              "You were signed out because an administrator applied the session limits, and"
                  + " your limit is 1 session.");
    }
    Browser.Response second = browsers.get(1).get("/api/v1/me");
    assertThat(second.status()).isEqualTo(401);
    assertThat(second.json().path("reason").asText()).isEqualTo("session_limit_reached");
    assertThat(second.header("X-Session-End-Reason")).isEqualTo("session_limit_reached");
    assertThat(browsers.get(2).get("/api/v1/me").status()).isEqualTo(200);
    assertThat(admin.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void theUsersOwnLimitWinsOverHerGroupsAndTheHighestGroupLimitWinsOverTheOthers() {
    t.settings(
        "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\","
            + " \"QUOTA_EXEMPT_ADMINS\": true}");
    group("small", 2);
    group("large", 3);
    group("unset", null);
    t.createUser("alice", ALICE_PASSWORD);
    assign("alice", "small", "large", "unset");

    JsonNode view = admin.get("/api/v1/users/alice").json();
    assertThat(view.path("sessions_limit").isNull()).isTrue();
    assertThat(view.path("groups")).hasSize(3);
    assertThat(view.path("groups").get(0).path("name").asText()).isEqualTo("large");
    assertThat(view.path("groups").get(0).path("source").asText()).isEqualTo("local");
    assertThat(view.path("effective_limit").path("limit").asInt()).isEqualTo(3);
    assertThat(view.path("effective_limit").path("group").asText()).isEqualTo("large");
    for (int i = 0; i < 3; i++) {
      assertThat(t.browser().login("alice", ALICE_PASSWORD).status()).isEqualTo(201);
    }
    Browser.Response fourth = t.browser().login("alice", ALICE_PASSWORD);
    assertThat(fourth.status()).isEqualTo(403);
    assertThat(fourth.json().path("limit").asInt()).isEqualTo(3);

    assertThat(admin.patch("/api/v1/users/alice", "{\"sessions_limit\": 5}").status())
        .isEqualTo(200);
    JsonNode own = admin.get("/api/v1/users").json().path("users");
    JsonNode alice = own.get(0).path("username").asText().equals("alice") ? own.get(0) : own.get(1);
    assertThat(alice.path("effective_limit").path("limit").asInt()).isEqualTo(5);
    assertThat(alice.path("effective_limit").path("source").asText()).isEqualTo("user");
    assertThat(alice.path("effective_limit").path("group").isNull()).isTrue();
    assertThat(t.browser().login("alice", ALICE_PASSWORD).status()).isEqualTo(201);
    assertThat(t.browser().login("alice", ALICE_PASSWORD).status()).isEqualTo(201);
    assertThat(t.browser().login("alice", ALICE_PASSWORD).json().path("limit").asInt())
        .isEqualTo(5);

    assertThat(admin.patch("/api/v1/users/alice", "{\"sessions_limit\": null}").status())
        .isEqualTo(200);
    assign("alice", "unset");
    JsonNode fallback = admin.get("/api/v1/users/alice").json().path("effective_limit");
    assertThat(fallback.path("limit").asInt()).isEqualTo(1);
    assertThat(fallback.path("source").asText()).isEqualTo("default");
    t.settings("{\"SESSIONS_PER_USER\": -1}");
    assertThat(
            admin.get("/api/v1/users/alice").json().path("effective_limit").path("limit").isNull())
        .as("unlimited")
        .isTrue();
  }

  @Test
  void aDeletedUsersGroupsAreForgottenSoANewUserOfHerNameStartsWithNone() {
    group("staff", 2);
    t.createUser("alice", ALICE_PASSWORD);
    assign("alice", "staff");

    assertThat(admin.delete("/api/v1/users/alice").status()).isEqualTo(204);
    t.createUser("alice", ALICE_PASSWORD);

    JsonNode alice = admin.get("/api/v1/users/alice").json();
    assertThat(alice.path("groups")).isEmpty();
    assertThat(alice.path("effective_limit").path("source").asText()).isEqualTo("default");
    assertThat(admin.get("/api/v1/groups/staff").json().path("members").asInt()).isZero();
  }

  @Test
  void aGroupNamedByAProvidersPathIsReachedWithItsSlashesPercentEncoded() {
    group("/eu/ops", 2);

    assertThat(admin.get("/api/v1/groups").json().path("groups").get(0).path("name").asText())
        .isEqualTo("/eu/ops");
    assertThat(admin.get("/api/v1/groups/%2Feu%2Fops").json().path("sessions_limit").asInt())
        .isEqualTo(2);
    assertThat(admin.patch("/api/v1/groups/%2Feu%2Fops", "{\"sessions_limit\": 3}").status())
        .isEqualTo(200);
    assertThat(admin.get("/api/v1/groups//eu/ops").status()).isEqualTo(404);
    assertThat(admin.delete("/api/v1/groups/%2feu%2fops").status()).isEqualTo(204);
    assertThat(admin.get("/api/v1/groups").json().path("groups")).isEmpty();
  }
}
