package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/me/password}, and weak passwords refused wherever a password is set. */
class PasswordChangeTest {

  private static final String OLD = "alice-plum-harbor-lantern";
  private static final String NEW = "violet-canyon-marmalade";

  private TestServer t;

  @BeforeEach
  void start() {
    t = TestServer.start();
    t.settings("{\"SESSIONS_PER_USER\": 5}");
    t.createUser("alice", OLD);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private Browser signedIn(String password) {
    Browser b = t.browser();
    assertThat(b.login("alice", password).status()).isEqualTo(201);
    return b;
  }

  private static String change(String current, String next) {
    return "{\"current_password\":\"" + current + "\",\"new_password\":\"" + next + "\"}";
  }

  @Test
  void aUserChangesTheirPasswordAndTheirOtherSessionsEndWithPasswordChanged() {
    Browser here = signedIn(OLD);
    Browser phone = signedIn(OLD);
    Browser tablet = signedIn(OLD);

    Browser.Response r = here.post("/api/v1/me/password", change(OLD, NEW));

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("ended_sessions")).hasSize(2);
    assertThat(here.get("/api/v1/me").status()).isEqualTo(200);
    for (Browser other : new Browser[] {phone, tablet}) {
      Browser.Response ended = other.get("/api/v1/me");
      assertThat(ended.status()).isEqualTo(401);
      assertThat(ended.error()).isEqualTo("session_ended");
      assertThat(ended.json().path("reason").asText()).isEqualTo("password_changed");
    }
    assertThat(t.browser().login("alice", OLD).status()).isEqualTo(401);
    assertThat(t.browser().login("alice", NEW).status()).isEqualTo(201);
  }

  @Test
  void theChangeIsAuditedLikeAnAdministratorsWithoutThePasswords() {
    Browser here = signedIn(OLD);
    signedIn(OLD);
    assertThat(here.post("/api/v1/me/password", change(OLD, NEW)).status()).isEqualTo(200);

    JsonNode event = t.admin().get("/api/v1/audit?limit=5").json().path("events").get(1);
    assertThat(event.path("type").asText()).isEqualTo("user_updated");
    assertThat(event.path("actor").asText()).isEqualTo("alice");
    assertThat(event.path("subject").asText()).isEqualTo("alice");
    assertThat(event.path("details").path("changes").path("password").asText())
        .isEqualTo("changed");
    assertThat(event.path("details").path("changes").path("ended_sessions")).hasSize(1);
    assertThat(event.toString()).doesNotContain(OLD).doesNotContain(NEW);
  }

  @Test
  void aWrongCurrentPasswordIs403AndCountsAsAFailedAttempt() {
    Browser here = signedIn(OLD);
    for (int i = 0; i < 5; i++) {
      Browser.Response wrong = here.post("/api/v1/me/password", change("not-my-password", NEW));
      assertThat(wrong.status()).isEqualTo(403);
      assertThat(wrong.error()).isEqualTo("wrong_password");
    }
    Browser.Response throttled = here.post("/api/v1/me/password", change(OLD, NEW));
    assertThat(throttled.status()).isEqualTo(429);
    assertThat(throttled.header("Retry-After")).isNotNull();
    // This browser holds a device cookie, so its typos back off only this device (issue 12.1).
    assertThat(t.browser().login("alice", OLD).status())
        .as("another browser is not locked out by this device's typos")
        .isEqualTo(201);
    assertThat(here.get("/api/v1/me").status()).as("still signed in").isEqualTo(200);

    t.clock.advanceSeconds(1);
    assertThat(here.post("/api/v1/me/password", change(OLD, NEW)).status()).isEqualTo(200);
    JsonNode events = t.admin().get("/api/v1/audit?limit=20").json().path("events");
    assertThat(events.toString()).contains("\"type\":\"password_change_failed\"");
  }

  @Test
  void weakNewPasswordsAre400WithTheReasonAndChangeNothing() {
    Browser here = signedIn(OLD);
    Browser phone = signedIn(OLD);
    for (String weak : new String[] {"12345678", "password", "        ", "alice2026", OLD}) {
      Browser.Response r = here.post("/api/v1/me/password", change(OLD, weak));
      assertThat(r.status()).as(weak).isEqualTo(400);
      assertThat(r.error()).isEqualTo("weak_password");
      assertThat(r.json().path("fields").path("new_password").asText()).isNotBlank();
    }
    Browser.Response common = here.post("/api/v1/me/password", change(OLD, "password"));
    assertThat(common.json().path("message").asText())
        .isEqualTo(
            "The password is too easy to guess. This is a top-10 common password. Add another"
                + " word or two. Uncommon words are better.");
    assertThat(
            here.post("/api/v1/me/password", change(OLD, "short"))
                .json()
                .path("fields")
                .path("new_password")
                .asText())
        .contains("at least 8 characters");
    assertThat(phone.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(t.browser().login("alice", OLD).status()).isEqualTo(201);
  }

  @Test
  void onlyASessionMayChangeItsPassword() {
    assertThat(t.browser().post("/api/v1/me/password", change(OLD, NEW)).status()).isEqualTo(401);
    String basic =
        "Basic "
            + Base64.getEncoder().encodeToString(("alice:" + OLD).getBytes(StandardCharsets.UTF_8));
    assertThat(
            t.browser()
                .post("/api/v1/me/password", change(OLD, NEW), "Authorization", basic)
                .status())
        .isEqualTo(401);
    Browser.Response missing =
        signedIn(OLD).post("/api/v1/me/password", "{\"new_password\":\"" + NEW + "\"}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().path("fields").path("current_password").asText())
        .isEqualTo("current_password is required.");
  }

  @Test
  void administratorsCannotSetWeakPasswordsEither() {
    Browser admin = t.admin();
    Browser.Response created =
        admin.post("/api/v1/users", "{\"username\":\"bob\",\"password\":\"12345678\"}");
    assertThat(created.status()).isEqualTo(400);
    assertThat(created.error()).isEqualTo("weak_password");
    assertThat(created.json().path("fields").path("password").asText()).contains("common password");
    assertThat(
            admin
                .post("/api/v1/users", "{\"username\":\"bob\",\"password\":\"bobbybob1\"}")
                .error())
        .isEqualTo("weak_password");
    assertThat(admin.get("/api/v1/users/bob").status()).isEqualTo(404);

    Browser alice = signedIn(OLD);
    Browser.Response patched = admin.patch("/api/v1/users/alice", "{\"password\":\"        \"}");
    assertThat(patched.status()).isEqualTo(400);
    assertThat(patched.error()).isEqualTo("weak_password");
    assertThat(alice.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(t.browser().login("alice", OLD).status()).isEqualTo(201);
  }
}
