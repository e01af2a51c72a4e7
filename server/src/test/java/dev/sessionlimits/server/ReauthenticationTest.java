package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.server.http.Views;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sensitive changes need the password entered in the last five minutes (issue 12.2, ASVS 7.5.1 and
 * 7.5.2): right after the login they are made; once the clock has moved past the window they are
 * refused with 403 {@code reauthentication_required} and change nothing; after {@code POST
 * /api/v1/me/reauthenticate} they are made again.
 */
class ReauthenticationTest {

  private static final String ALICE = "alice-plum-harbor-lantern";
  private static final String STRONG = "violet-canyon-marmalade";
  private static final long PAST_WINDOW = 301;

  private TestServer t;

  @BeforeEach
  void start() {
    t = TestServer.start();
    t.settings("{\"SESSIONS_PER_USER\": 5}");
    t.createUser("alice", ALICE);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private static void assertReauthenticationRequired(Browser.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.error()).isEqualTo("reauthentication_required");
    assertThat(r.json().path("message").asText())
        .isEqualTo(
            "Enter your password again to do this: it must have been entered in the last 5"
                + " minutes.");
    assertThat(r.json().path("window_seconds").asLong()).isEqualTo(300);
  }

  private static Browser.Response reauthenticate(Browser b, String password) {
    return b.post("/api/v1/me/reauthenticate", "{\"password\":\"" + password + "\"}");
  }

  private static String admin(String name) {
    return "{\"username\":\"" + name + "\",\"password\":\"" + STRONG + "\",\"admin\":true}";
  }

  @Test
  void creatingAnAdministratorNeedsARecentPasswordEntry() {
    Browser admin = t.admin();
    assertThat(admin.post("/api/v1/users", admin("carol")).status()).isEqualTo(201);

    t.clock.advanceSeconds(PAST_WINDOW);
    assertReauthenticationRequired(admin.post("/api/v1/users", admin("dave")));
    assertThat(admin.get("/api/v1/users/dave").status()).as("nobody was created").isEqualTo(404);

    Browser.Response renewed = reauthenticate(admin, TestServer.ADMIN_PASSWORD);
    assertThat(renewed.status()).as(renewed.toString()).isEqualTo(200);
    assertThat(renewed.json().path("window_seconds").asLong()).isEqualTo(300);
    assertThat(renewed.json().path("recent_until").asText())
        .isEqualTo(Views.time(t.clock.instant().plusSeconds(300)));
    Browser.Response created = admin.post("/api/v1/users", admin("dave"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().path("admin").asBoolean()).isTrue();
  }

  @Test
  void creatingAUserWhoIsNoAdministratorNeedsNone() {
    Browser admin = t.admin();
    t.clock.advanceSeconds(PAST_WINDOW);

    Browser.Response r =
        admin.post("/api/v1/users", "{\"username\":\"erin\",\"password\":\"" + STRONG + "\"}");

    assertThat(r.status()).as("a first password changes nobody's: " + r).isEqualTo(201);
  }

  @Test
  void promotingAUserToAdministratorNeedsARecentPasswordEntry() {
    Browser admin = t.admin();
    t.clock.advanceSeconds(PAST_WINDOW);

    assertReauthenticationRequired(admin.patch("/api/v1/users/alice", "{\"admin\":true}"));
    assertThat(admin.get("/api/v1/users/alice").json().path("admin").asBoolean()).isFalse();
    assertThat(admin.patch("/api/v1/users/alice", "{\"sessions_limit\":3}").status())
        .as("other changes of a user need none")
        .isEqualTo(200);

    assertThat(reauthenticate(admin, TestServer.ADMIN_PASSWORD).status()).isEqualTo(200);
    assertThat(admin.patch("/api/v1/users/alice", "{\"admin\":true}").status()).isEqualTo(200);
    assertThat(admin.get("/api/v1/users/alice").json().path("admin").asBoolean()).isTrue();
  }

  @Test
  void settingAPasswordThroughTheUsersApiNeedsARecentPasswordEntryEvenForOnesOwn() {
    Browser admin = t.admin();
    Browser alice = t.browser();
    assertThat(alice.login("alice", ALICE).status()).isEqualTo(201);
    t.clock.advanceSeconds(PAST_WINDOW);

    assertReauthenticationRequired(
        admin.patch("/api/v1/users/alice", "{\"password\":\"" + STRONG + "\"}"));
    assertReauthenticationRequired(
        admin.patch("/api/v1/users/admin", "{\"password\":\"" + STRONG + "\"}"));
    assertThat(alice.get("/api/v1/me").status()).as("alice stays signed in").isEqualTo(200);
    assertThat(t.browser().login("alice", ALICE).status())
        .as("her password is unchanged")
        .isEqualTo(201);

    assertThat(reauthenticate(admin, TestServer.ADMIN_PASSWORD).status()).isEqualTo(200);
    assertThat(admin.patch("/api/v1/users/alice", "{\"password\":\"" + STRONG + "\"}").status())
        .isEqualTo(200);
    assertThat(t.browser().login("alice", STRONG).status()).isEqualTo(201);
  }

  @Test
  void turningQuotaConstraintsOffNeedsARecentPasswordEntryButTurningThemOnDoesNot() {
    Browser admin = t.admin();
    t.clock.advanceSeconds(PAST_WINDOW);

    assertReauthenticationRequired(
        admin.patch(
            "/api/v1/settings", "{\"QUOTA_CONSTRAINTS_ENABLED\":false,\"SESSIONS_PER_USER\":7}"));
    JsonNode unchanged = admin.get("/api/v1/settings").json();
    assertThat(unchanged.path("QUOTA_CONSTRAINTS_ENABLED").asBoolean()).isTrue();
    assertThat(unchanged.path("SESSIONS_PER_USER").asInt()).as("nothing half-applied").isEqualTo(5);

    assertThat(reauthenticate(admin, TestServer.ADMIN_PASSWORD).status()).isEqualTo(200);
    assertThat(admin.patch("/api/v1/settings", "{\"QUOTA_CONSTRAINTS_ENABLED\":false}").status())
        .isEqualTo(200);
    t.clock.advanceSeconds(PAST_WINDOW);
    assertThat(admin.patch("/api/v1/settings", "{\"QUOTA_CONSTRAINTS_ENABLED\":false}").status())
        .as("saving the value it has changes nothing")
        .isEqualTo(200);
    assertThat(admin.patch("/api/v1/settings", "{\"QUOTA_CONSTRAINTS_ENABLED\":true}").status())
        .as("turning them back on strengthens")
        .isEqualTo(200);
  }

  @Test
  void turningBasicAuthenticationOnNeedsARecentPasswordEntry() {
    Browser admin = t.admin();
    t.clock.advanceSeconds(PAST_WINDOW);

    assertReauthenticationRequired(
        admin.patch("/api/v1/settings", "{\"AUTH_BASIC_ENABLED\":true}"));
    assertThat(admin.get("/api/v1/settings").json().path("AUTH_BASIC_ENABLED").asBoolean())
        .isFalse();

    assertThat(reauthenticate(admin, TestServer.ADMIN_PASSWORD).status()).isEqualTo(200);
    assertThat(admin.patch("/api/v1/settings", "{\"AUTH_BASIC_ENABLED\":true}").status())
        .isEqualTo(200);
  }

  @Test
  void endingAllOfOnesOtherSessionsNeedsARecentPasswordEntry() {
    Browser here = t.browser();
    assertThat(here.login("alice", ALICE).status()).isEqualTo(201);
    Browser phone = t.browser();
    assertThat(phone.login("alice", ALICE).status()).isEqualTo(201);
    t.clock.advanceSeconds(PAST_WINDOW);

    assertReauthenticationRequired(here.delete("/api/v1/me/sessions"));
    assertThat(phone.get("/api/v1/me").status()).as("the phone stays signed in").isEqualTo(200);

    assertThat(reauthenticate(here, ALICE).status()).isEqualTo(200);
    Browser.Response r = here.delete("/api/v1/me/sessions");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("ended_sessions")).hasSize(1);
    Browser.Response ended = phone.get("/api/v1/me");
    assertThat(ended.error()).isEqualTo("session_ended");
    assertThat(ended.json().path("reason").asText()).isEqualTo("ended_by_user");
    assertThat(here.get("/api/v1/me").status()).as("the caller's own session stays").isEqualTo(200);
  }

  @Test
  void endingOneOtherSessionNeedsARecentPasswordEntryButEndingOnesOwnDoesNot() {
    Browser here = t.browser();
    assertThat(here.login("alice", ALICE).status()).isEqualTo(201);
    Browser phone = t.browser();
    String phoneId = phone.login("alice", ALICE).json().path("session").path("id").asText();
    String hereId = here.get("/api/v1/me").json().path("session").path("id").asText();
    t.clock.advanceSeconds(PAST_WINDOW);

    assertReauthenticationRequired(here.delete("/api/v1/me/sessions/" + phoneId));
    assertThat(phone.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(reauthenticate(here, ALICE).status()).isEqualTo(200);
    assertThat(here.delete("/api/v1/me/sessions/" + phoneId).status()).isEqualTo(204);
    assertThat(phone.get("/api/v1/me").status()).isEqualTo(401);

    t.clock.advanceSeconds(PAST_WINDOW);
    assertThat(here.delete("/api/v1/me/sessions/" + hereId).status())
        .as("signing oneself out is never refused")
        .isEqualTo(204);
  }

  @Test
  void changingOnesOwnPasswordNeedsOnlyTheCurrentPasswordAndRenewsTheEntry() {
    Browser alice = t.browser();
    assertThat(alice.login("alice", ALICE).status()).isEqualTo(201);
    t.clock.advanceSeconds(PAST_WINDOW);

    Browser.Response r =
        alice.post(
            "/api/v1/me/password",
            "{\"current_password\":\"" + ALICE + "\",\"new_password\":\"" + STRONG + "\"}");

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(alice.delete("/api/v1/me/sessions").status())
        .as("the current password counted as an entry")
        .isEqualTo(200);
  }

  @Test
  void aWrongPasswordRenewsNothingCountsLikeAFailedLoginAndIsAudited() {
    Browser admin = t.admin();
    t.clock.advanceSeconds(PAST_WINDOW);

    Browser.Response wrong = reauthenticate(admin, "not-the-password");
    assertThat(wrong.status()).as(wrong.toString()).isEqualTo(403);
    assertThat(wrong.error()).isEqualTo("wrong_password");
    assertReauthenticationRequired(admin.post("/api/v1/users", admin("dave")));
    for (int i = 0; i < 10; i++) {
      reauthenticate(admin, "not-the-password");
    }
    Browser.Response throttled = reauthenticate(admin, TestServer.ADMIN_PASSWORD);
    assertThat(throttled.status()).as("throttled like logins: " + throttled).isEqualTo(429);

    JsonNode events = t.admin().get("/api/v1/audit?limit=50").json().path("events");
    assertThat(events.findValuesAsText("type"))
        .contains("reauthentication_failed")
        .doesNotContain("reauthenticated");
    assertThat(events.toString()).doesNotContain("not-the-password");
  }

  @Test
  void aSuccessfulReauthenticationIsAudited() {
    Browser admin = t.admin();
    assertThat(reauthenticate(admin, TestServer.ADMIN_PASSWORD).status()).isEqualTo(200);

    JsonNode event = t.admin().get("/api/v1/audit?limit=5").json().path("events").get(1);
    assertThat(event.path("type").asText()).isEqualTo("reauthenticated");
    assertThat(event.path("actor").asText()).isEqualTo("admin");
  }

  @Test
  void reauthenticatingNeedsASessionAndAPassword() {
    assertThat(reauthenticate(t.browser(), ALICE).status()).isEqualTo(401);
    Browser alice = t.browser();
    assertThat(alice.login("alice", ALICE).status()).isEqualTo(201);
    Browser.Response empty = alice.post("/api/v1/me/reauthenticate", "{}");
    assertThat(empty.status()).as(empty.toString()).isEqualTo(400);
  }

  @Test
  void basicCredentialsAreAFreshPasswordEntryOnEveryRequest() {
    t.settings("{\"AUTH_BASIC_ENABLED\": true}");
    t.clock.advanceSeconds(3600);
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    ("admin:" + TestServer.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));

    Browser.Response r = t.browser().post("/api/v1/users", admin("dave"), "Authorization", basic);

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  @Test
  void theWindowIsSetBySessionlimitsReauthWindow() {
    t.close();
    t = TestServer.start(Map.of("SESSIONLIMITS_REAUTH_WINDOW", "60"));
    Browser admin = t.admin();
    t.clock.advanceSeconds(59);
    assertThat(admin.post("/api/v1/users", admin("carol")).status()).isEqualTo(201);

    t.clock.advanceSeconds(2);
    Browser.Response r = admin.post("/api/v1/users", admin("dave"));

    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.json().path("message").asText()).endsWith("in the last 1 minute.");
    assertThat(r.json().path("window_seconds").asLong()).isEqualTo(60);
  }
}
