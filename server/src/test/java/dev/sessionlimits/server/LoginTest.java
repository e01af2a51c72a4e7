package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoginTest {

  private TestServer t;

  @BeforeEach
  void start() {
    t = TestServer.start();
    t.createUser("alice", "alice-plum-harbor-lantern");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void aLoginAnswers201WithTheSessionAndAnHttpOnlyLaxCookie() {
    Browser alice = t.browser();
    Browser.Response r =
        alice.post(
            "/api/v1/login",
            "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\",\"device\":\"work"
                + " laptop\"}");

    assertThat(r.status()).isEqualTo(201);
    String cookie = r.header("Set-Cookie");
    assertThat(cookie)
        .startsWith("sl_session=")
        .contains("; Path=/", "; HttpOnly", "; SameSite=Lax")
        .doesNotContain("Secure");
    JsonNode session = r.json().path("session");
    assertThat(session.path("user").asText()).isEqualTo("alice");
    assertThat(session.path("client_ip").asText()).isEqualTo("127.0.0.1");
    assertThat(session.path("device").asText()).isEqualTo("work laptop");
    assertThat(session.path("browser").asText()).isEqualTo("Firefox on Linux");
    assertThat(session.path("created_at").asText()).isEqualTo("2026-03-02T14:00:00Z");
    assertThat(session.path("expires_at").asText()).isEqualTo("2026-03-02T14:30:00Z");
    assertThat(session.path("current").asBoolean()).isTrue();
    assertThat(r.json().path("ended_sessions")).isEmpty();
    assertThat(r.text()).doesNotContain(alice.cookie());
  }

  @Test
  void theCookieIsSecureWhenConfiguredSo() {
    try (TestServer secure = TestServer.start(Map.of("SESSIONLIMITS_COOKIE_SECURE", "true"))) {
      Browser.Response r = secure.browser().login("admin", TestServer.ADMIN_PASSWORD);
      assertThat(r.header("Set-Cookie")).contains("; Secure");
    }
  }

  @Test
  void theCookieIsSecureWhenATrustedProxySaysTheRequestCameOverTls() {
    try (TestServer proxied =
        TestServer.start(Map.of("SESSIONLIMITS_TRUSTED_PROXIES", "127.0.0.1"))) {
      Browser.Response r =
          proxied
              .browser()
              .post(
                  "/api/v1/login",
                  "{\"username\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}",
                  "X-Forwarded-Proto",
                  "https");
      assertThat(r.header("Set-Cookie")).contains("; Secure");
    }
  }

  @Test
  void aWrongPasswordOrAnUnknownUserIs401InvalidCredentials() {
    assertThat(t.browser().login("alice", "wrong-password").error())
        .isEqualTo("invalid_credentials");
    Browser.Response unknown = t.browser().login("nobody", "whatever-password");
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.error()).isEqualTo("invalid_credentials");
    assertThat(unknown.header("Set-Cookie")).isNull();
  }

  @Test
  void aDisabledUserWithTheRightPasswordIsToldTheAccountIsDisabled() {
    t.admin().patch("/api/v1/users/alice", "{\"disabled\": true}");
    Browser.Response r = t.browser().login("alice", "alice-plum-harbor-lantern");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.error()).isEqualTo("user_disabled");
  }

  @Test
  void logoutEndsTheSessionAndALaterRequestWithTheOldCookieLearnsWhy() {
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");
    String oldCookie = alice.cookie();

    Browser.Response out = alice.post("/api/v1/logout", null);
    assertThat(out.status()).isEqualTo(204);
    assertThat(out.header("Set-Cookie")).contains("Max-Age=0");
    assertThat(alice.cookie()).isNull();

    alice.cookie(oldCookie);
    Browser.Response r = alice.get("/api/v1/me");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().path("reason").asText()).isEqualTo("logged_out");
    assertThat(r.json().path("message").asText())
        .isEqualTo("You signed out of this session at 14:00 UTC.");
  }

  @Test
  void logoutWithoutASessionIs401NotAuthenticated() {
    Browser.Response r = t.browser().post("/api/v1/logout", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.error()).isEqualTo("not_authenticated");
  }

  @Test
  void meWithoutCredentialsIs401NotAuthenticatedAndAnUnknownCookieLikewise() {
    Browser b = t.browser();
    assertThat(b.get("/api/v1/me").error()).isEqualTo("not_authenticated");
    b.cookie("not-a-token");
    Browser.Response r = b.get("/api/v1/me");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.error()).isEqualTo("not_authenticated");
  }

  @Test
  void meShowsTheUserAndTheSession() {
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");
    JsonNode me = alice.get("/api/v1/me").json();
    assertThat(me.path("user").path("username").asText()).isEqualTo("alice");
    assertThat(me.path("user").path("admin").asBoolean()).isFalse();
    assertThat(me.path("user").has("password")).isFalse();
    assertThat(me.path("session").path("current").asBoolean()).isTrue();
    assertThat(me.path("auth_method").asText()).isEqualTo("session");
  }

  @Test
  void mySessionsListsTheActiveOnesAndMarksTheCurrentOne() {
    Browser laptop = t.browser();
    laptop.login("alice", "alice-plum-harbor-lantern");
    t.clock.advanceSeconds(1);
    Browser phone = t.browser(TestServer.CHROME_WINDOWS);
    phone.login("alice", "alice-plum-harbor-lantern");

    JsonNode sessions = laptop.get("/api/v1/me/sessions").json().path("sessions");
    assertThat(sessions).hasSize(2);
    assertThat(sessions.get(0).path("current").asBoolean()).isTrue();
    assertThat(sessions.get(0).path("browser").asText()).isEqualTo("Firefox on Linux");
    assertThat(sessions.get(1).path("current").asBoolean()).isFalse();
    assertThat(sessions.get(1).path("browser").asText()).isEqualTo("Chrome on Windows");
  }

  @Test
  void endingOneOfMySessionsSignsThatBrowserOutWithEndedByUser() {
    Browser laptop = t.browser();
    laptop.login("alice", "alice-plum-harbor-lantern");
    Browser phone = t.browser(TestServer.CHROME_WINDOWS);
    String phoneSession =
        phone
            .login("alice", "alice-plum-harbor-lantern")
            .json()
            .path("session")
            .path("id")
            .asText();

    assertThat(laptop.delete("/api/v1/me/sessions/" + phoneSession).status()).isEqualTo(204);

    Browser.Response r = phone.get("/api/v1/me");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().path("reason").asText()).isEqualTo("ended_by_user");
    assertThat(r.json().path("message").asText())
        .isEqualTo(
            "You were signed out at 14:00 UTC because this session was ended from another of"
                + " your sessions.");
    assertThat(laptop.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void nobodyCanEndSomeoneElsesSessionThroughTheirOwnList() {
    Browser admin = t.admin();
    String adminSession = admin.get("/api/v1/me").json().path("session").path("id").asText();
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");

    Browser.Response r = alice.delete("/api/v1/me/sessions/" + adminSession);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("session_not_found");
    assertThat(admin.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(alice.delete("/api/v1/me/sessions/no-such-id").status()).isEqualTo(404);
  }

  @Test
  void aSessionUnusedForTheIdleTimeoutEndsWithIdleTimeout() {
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");
    t.clock.advanceSeconds(1800);

    Browser.Response r = alice.get("/api/v1/me");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().path("reason").asText()).isEqualTo("idle_timeout");
    assertThat(r.json().path("message").asText())
        .isEqualTo(
            "You were signed out at 14:30 UTC because there was no activity for 30 minutes.");
  }

  @Test
  void everyAuthenticatedRequestExtendsTheSessionAndSaysHowLongIsLeft() {
    Browser alice = t.browser();
    assertThat(alice.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
    assertThat(alice.get("/api/v1/me").header("Session-Timeout")).isEqualTo("1800");
    t.clock.advanceSeconds(1000);
    assertThat(alice.get("/api/v1/me").header("Session-Timeout")).isEqualTo("1800");
    t.clock.advanceSeconds(1000);
    assertThat(alice.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void aQuietRequestIsAuthenticatedButDoesNotKeepTheUserSignedIn() {
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");
    t.clock.advanceSeconds(1000);
    Browser.Response quiet = alice.get("/api/v1/me", "X-Session-Quiet", "1");
    assertThat(quiet.status()).isEqualTo(200);
    assertThat(quiet.header("Session-Timeout")).isEqualTo("800");
    t.clock.advanceSeconds(799);
    assertThat(alice.get("/api/v1/me", "X-Session-Quiet", "1").header("Session-Timeout"))
        .isEqualTo("1");
    t.clock.advanceSeconds(1);
    Browser.Response r = alice.get("/api/v1/me", "X-Session-Quiet", "1");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().path("reason").asText()).isEqualTo("idle_timeout");
  }

  @Test
  void aSessionEndsAtItsMaximumLifetimeWhateverItsActivity() {
    t.settings("{\"SESSION_MAX_LIFETIME\": 3600}");
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");
    for (int i = 0; i < 5; i++) {
      t.clock.advanceSeconds(600);
      assertThat(alice.get("/api/v1/me").status()).isEqualTo(200);
    }
    t.clock.advanceSeconds(600);
    Browser.Response r = alice.get("/api/v1/me");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().path("reason").asText()).isEqualTo("max_lifetime");
    assertThat(r.json().path("message").asText())
        .isEqualTo("You were signed out at 15:00 UTC because a session lasts at most 1 hour.");
  }

  @Test
  void anEndedSessionIsExplainedForSevenDaysAndThenForgotten() {
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");
    String cookie = alice.cookie();
    alice.post("/api/v1/logout", null);
    alice.cookie(cookie);

    t.clock.advanceSeconds(6 * 86_400);
    t.server.purgeNow();
    Browser.Response sixDays = alice.get("/api/v1/me");
    assertThat(sixDays.json().path("reason").asText()).isEqualTo("logged_out");
    assertThat(sixDays.json().path("message").asText())
        .isEqualTo("You signed out of this session at 14:00 UTC on 2 March 2026.");

    t.clock.advanceSeconds(86_400);
    t.server.purgeNow();
    assertThat(alice.get("/api/v1/me").error()).isEqualTo("not_authenticated");
  }

  @Test
  void theSessionTokenNeverAppearsInAResponseBodyOrTheAuditTrail() {
    Browser alice = t.browser();
    Browser.Response login = alice.login("alice", "alice-plum-harbor-lantern");
    String token = alice.cookie();
    assertThat(token).hasSizeGreaterThanOrEqualTo(43);
    assertThat(login.text()).doesNotContain(token);
    assertThat(alice.get("/api/v1/me").text()).doesNotContain(token);
    assertThat(t.admin().get("/api/v1/audit").text()).doesNotContain(token);
  }
}
