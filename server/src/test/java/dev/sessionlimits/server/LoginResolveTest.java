package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.core.Burst;
import dev.sessionlimits.server.service.Totp;
import dev.sessionlimits.store.jdbc.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nobody stuck at a refusal, over HTTP: a user refused by her own limit sees her sessions and signs
 * one out to sign in ({@code POST /api/v1/login/resolve}); a login that would end another of her
 * sessions can first say which.
 */
class LoginResolveTest {

  private static final String PASSWORD = "alice-plum-harbor-lantern";
  private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

  private TestServer t;

  @BeforeEach
  void start() {
    t = TestServer.start();
    t.createUser("alice", PASSWORD);
    t.settings(
        "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\","
            + " \"QUOTA_EXEMPT_ADMINS\": true}");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private Browser signedIn(String userAgent) {
    Browser b = t.browser(userAgent);
    assertThat(b.login("alice", PASSWORD).status()).isEqualTo(201);
    return b;
  }

  private static String sessionId(Browser b) {
    return b.get("/api/v1/me", "X-Session-Quiet", "1").json().path("session").path("id").asText();
  }

  private static String resolveBody(String token, String endSession) {
    return endSession == null
        ? "{\"resolve_token\": \"" + token + "\"}"
        : "{\"resolve_token\": \"" + token + "\", \"end_session\": \"" + endSession + "\"}";
  }

  @Test
  void aUserRefusedByHerOwnLimitSeesHerSessionsAndSigningOneOutSignsHerInAndTellsThatBrowser() {
    Browser phone = signedIn(TestServer.FIREFOX_LINUX);
    String phoneSession = sessionId(phone);
    Browser laptop = t.browser(TestServer.CHROME_WINDOWS);

    Browser.Response refused = laptop.login("alice", PASSWORD);

    assertThat(refused.status()).isEqualTo(403);
    JsonNode body = refused.json();
    assertThat(body.path("error").asText()).isEqualTo("session_limit_reached");
    assertThat(body.path("scope").asText()).isEqualTo("user");
    assertThat(body.path("limit").asInt()).isEqualTo(1);
    assertThat(body.path("sessions")).hasSize(1);
    JsonNode listed = body.path("sessions").get(0);
    assertThat(listed.path("id").asText()).isEqualTo(phoneSession);
    assertThat(listed.path("browser").asText()).isEqualTo("Firefox on Linux");
    assertThat(listed.path("client_ip").asText()).isEqualTo("127.0.0.1");
    assertThat(listed.has("created_at") && listed.has("last_seen_at") && listed.has("expires_at"))
        .isTrue();
    assertThat(body.path("resolve_expires").asText()).isEqualTo("2026-03-02T14:02:00Z");
    String token = body.path("resolve_token").asText();
    assertThat(token).hasSizeGreaterThan(40);

    try (EventStream stream = EventStream.open(t.base, phone.cookie())) {
      Await.untilAsserted(
          "the stream is attached", () -> assertThat(t.server.push().streams()).isOne());

      Browser.Response resolved =
          laptop.post("/api/v1/login/resolve", resolveBody(token, phoneSession));

      assertThat(resolved.status()).as(resolved.toString()).isEqualTo(201);
      assertThat(resolved.json().path("session").path("browser").asText())
          .isEqualTo("Chrome on Windows");
      assertThat(resolved.json().path("ended_sessions").get(0).path("end_reason").asText())
          .isEqualTo("signed_out_at_sign_in");
      EventStream.Event event = stream.next(TWO_SECONDS);
      assertThat(event.json().path("reason").asText()).isEqualTo("signed_out_at_sign_in");
      assertThat(event.json().path("message").asText())
          .contains("you chose to end this session when signing in on Chrome on Windows");
    }
    assertThat(laptop.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(phone.get("/api/v1/me").json().path("reason").asText())
        .isEqualTo("signed_out_at_sign_in");
    List<JsonNode> resolvedEvents = new ArrayList<>();
    t.admin()
        .get("/api/v1/audit?limit=100")
        .json()
        .path("events")
        .forEach(
            e -> {
              if (e.path("type").asText().equals("login_resolved")) {
                resolvedEvents.add(e);
              }
            });
    assertThat(resolvedEvents).hasSize(1);
    assertThat(resolvedEvents.get(0).path("session_id").asText()).isEqualTo(phoneSession);
  }

  @Test
  void aResolveTokenOpensOneSessionOnly() {
    Browser phone = signedIn(TestServer.FIREFOX_LINUX);
    Browser laptop = t.browser(TestServer.CHROME_WINDOWS);
    String token = laptop.login("alice", PASSWORD).json().path("resolve_token").asText();
    assertThat(laptop.post("/api/v1/login/resolve", resolveBody(token, sessionId(phone))).status())
        .isEqualTo(201);
    String laptopSession = sessionId(laptop);

    Browser.Response again =
        laptop.post("/api/v1/login/resolve", resolveBody(token, laptopSession));

    assertThat(again.status()).isEqualTo(400);
    assertThat(again.error()).isEqualTo("resolve_token_invalid");
    assertThat(laptop.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void aResolveTokenExpiresAfterTwoMinutes() {
    Browser phone = signedIn(TestServer.FIREFOX_LINUX);
    Browser laptop = t.browser(TestServer.CHROME_WINDOWS);
    String token = laptop.login("alice", PASSWORD).json().path("resolve_token").asText();

    t.clock.advance(Duration.ofMinutes(2));
    Browser.Response late =
        laptop.post("/api/v1/login/resolve", resolveBody(token, sessionId(phone)));

    assertThat(late.status()).isEqualTo(400);
    assertThat(late.error()).isEqualTo("resolve_token_invalid");
    assertThat(phone.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void aResolveTokenIsWorthNothingFromAnotherUserAgentOrAddress() {
    Browser phone = signedIn(TestServer.FIREFOX_LINUX);
    String token =
        t.browser(TestServer.CHROME_WINDOWS)
            .login("alice", PASSWORD)
            .json()
            .path("resolve_token")
            .asText();
    String body = resolveBody(token, sessionId(phone));

    Browser.Response otherAgent =
        t.browser(TestServer.FIREFOX_LINUX).post("/api/v1/login/resolve", body);
    Browser.Response otherAddress =
        t.browserFrom("127.0.0.2", TestServer.CHROME_WINDOWS).post("/api/v1/login/resolve", body);
    Browser.Response forged =
        t.browser(TestServer.CHROME_WINDOWS)
            .post("/api/v1/login/resolve", resolveBody(token + "x", sessionId(phone)));

    assertThat(List.of(otherAgent.error(), otherAddress.error(), forged.error()))
        .containsOnly("resolve_token_invalid");
    assertThat(phone.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void aSessionThatIsNotHersIsRefusedAndTheTokenStaysUnused() {
    Browser phone = signedIn(TestServer.FIREFOX_LINUX);
    t.createUser("bob", "bob-plum-harbor-lantern-x");
    Browser bob = t.browser();
    bob.login("bob", "bob-plum-harbor-lantern-x");
    Browser laptop = t.browser(TestServer.CHROME_WINDOWS);
    String token = laptop.login("alice", PASSWORD).json().path("resolve_token").asText();

    Browser.Response foreign =
        laptop.post("/api/v1/login/resolve", resolveBody(token, sessionId(bob)));

    assertThat(foreign.status()).isEqualTo(400);
    assertThat(foreign.error()).isEqualTo("resolve_session_not_found");
    assertThat(bob.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(laptop.post("/api/v1/login/resolve", resolveBody(token, sessionId(phone))).status())
        .isEqualTo(201);
  }

  @Test
  void withTheSettingOffTheRefusalOffersNoChoice() {
    t.settings("{\"DENY_ACCESS_LETS_USER_CHOOSE\": false}");
    signedIn(TestServer.FIREFOX_LINUX);

    JsonNode body = t.browser(TestServer.CHROME_WINDOWS).login("alice", PASSWORD).json();

    assertThat(body.path("error").asText()).isEqualTo("session_limit_reached");
    assertThat(body.has("sessions")).isFalse();
    assertThat(body.has("resolve_token")).isFalse();
  }

  @Test
  void aRefusalByTheAddressLimitShowsNoSessions() {
    // The administrator's sessions (opened to change the settings) hold the address's room.
    t.settings("{\"SESSIONS_PER_USER\": -1, \"SESSIONS_PER_IP\": 1}");

    JsonNode body = t.browser(TestServer.CHROME_WINDOWS).login("alice", PASSWORD).json();

    assertThat(body.path("scope").asText()).isEqualTo("ip");
    assertThat(body.has("sessions")).isFalse();
    assertThat(body.has("resolve_token")).isFalse();
  }

  @Test
  void aUserWithASecondFactorSeesHerSessionsOnlyAfterTheCode() {
    Browser phone = signedIn(TestServer.FIREFOX_LINUX);
    Browser.Response started = phone.post("/api/v1/me/mfa/totp", null);
    String secret = started.json().path("secret").asText();
    phone.post("/api/v1/me/mfa/totp/confirm", "{\"code\": \"" + code(secret) + "\"}");
    t.clock.advance(Duration.ofSeconds(30));
    Browser laptop = t.browser(TestServer.CHROME_WINDOWS);

    Browser.Response password = laptop.login("alice", PASSWORD);
    assertThat(password.error()).isEqualTo("mfa_required");
    assertThat(password.json().has("sessions")).isFalse();
    assertThat(password.json().has("resolve_token")).isFalse();
    Browser.Response refused =
        laptop.post(
            "/api/v1/login/mfa",
            "{\"mfa_ticket\": \""
                + password.json().path("mfa_ticket").asText()
                + "\", \"code\": \""
                + code(secret)
                + "\"}");

    assertThat(refused.error()).isEqualTo("session_limit_reached");
    assertThat(refused.json().path("sessions")).hasSize(1);
    Browser.Response resolved =
        laptop.post(
            "/api/v1/login/resolve",
            resolveBody(refused.json().path("resolve_token").asText(), sessionId(phone)));
    assertThat(resolved.status()).isEqualTo(201);
    assertThat(resolved.json().path("session").path("auth_method").asText())
        .isEqualTo("password+totp");
  }

  @Test
  void aPreviewOfAnEvictingLoginNamesTheSessionItWouldEndAndOpensNothingUntilConfirmed() {
    t.settings("{\"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
    Browser phone = signedIn(TestServer.FIREFOX_LINUX);
    Browser laptop = t.browser(TestServer.CHROME_WINDOWS);

    Browser.Response preview =
        laptop.post(
            "/api/v1/login",
            "{\"username\": \"alice\", \"password\": \"" + PASSWORD + "\", \"preview\": true}");

    assertThat(preview.status()).as(preview.toString()).isEqualTo(200);
    assertThat(preview.json().path("would_end")).hasSize(1);
    assertThat(preview.json().path("would_end").get(0).path("id").asText())
        .isEqualTo(sessionId(phone));
    assertThat(preview.header("Set-Cookie")).isNull();
    assertThat(phone.get("/api/v1/me").status()).isEqualTo(200);

    Browser.Response resolved =
        laptop.post(
            "/api/v1/login/resolve",
            resolveBody(preview.json().path("resolve_token").asText(), null));

    assertThat(resolved.status()).isEqualTo(201);
    assertThat(phone.get("/api/v1/me").json().path("reason").asText())
        .isEqualTo("session_limit_reached");
  }

  @Test
  void aPreviewThatWouldEndNothingSignsInAtOnce() {
    t.settings(
        "{\"SESSIONS_PER_USER\": 2, \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
    Browser laptop = t.browser(TestServer.CHROME_WINDOWS);

    Browser.Response in =
        laptop.post(
            "/api/v1/login",
            "{\"username\": \"alice\", \"password\": \"" + PASSWORD + "\", \"preview\": true}");

    assertThat(in.status()).isEqualTo(201);
    assertThat(laptop.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void aPreviewNeverNamesOtherPeoplesSessionsAtTheAddressAndSignsInAtOnce() {
    t.settings(
        "{\"SESSIONS_PER_USER\": -1, \"SESSIONS_PER_IP\": 1,"
            + " \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
    t.createUser("bob", "bob-plum-harbor-lantern-x");
    Browser bob = t.browser();
    assertThat(bob.login("bob", "bob-plum-harbor-lantern-x").status()).isEqualTo(201);

    Browser.Response in =
        t.browser(TestServer.CHROME_WINDOWS)
            .post(
                "/api/v1/login",
                "{\"username\": \"alice\", \"password\": \"" + PASSWORD + "\", \"preview\": true}");

    assertThat(in.status()).as(in.toString()).isEqualTo(201);
    assertThat(in.json().has("would_end")).isFalse();
    assertThat(bob.get("/api/v1/me").json().path("reason").asText())
        .isEqualTo("session_limit_reached");
  }

  @Test
  void turningTheSettingOffWithdrawsAChoiceAlreadyOffered() {
    Browser phone = signedIn(TestServer.FIREFOX_LINUX);
    Browser laptop = t.browser(TestServer.CHROME_WINDOWS);
    String token = laptop.login("alice", PASSWORD).json().path("resolve_token").asText();
    t.settings("{\"DENY_ACCESS_LETS_USER_CHOOSE\": false}");

    Browser.Response late =
        laptop.post("/api/v1/login/resolve", resolveBody(token, sessionId(phone)));

    assertThat(late.error()).isEqualTo("resolve_token_invalid");
    assertThat(phone.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void parallelResolvesWithOneTokenOpenExactlyOneSession() throws Exception {
    Browser phone = signedIn(TestServer.FIREFOX_LINUX);
    Browser laptop = t.browser(TestServer.CHROME_WINDOWS);
    String body =
        resolveBody(
            laptop.login("alice", PASSWORD).json().path("resolve_token").asText(),
            sessionId(phone));

    List<Integer> statuses =
        Burst.run(
            8,
            i -> t.browser(TestServer.CHROME_WINDOWS).post("/api/v1/login/resolve", body).status());

    assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 400).hasSize(7);
    assertThat(t.admin().get("/api/v1/sessions?user=alice").json().path("sessions")).hasSize(1);
  }

  @Test
  void parallelResolvesWithDifferentTokensNeverExceedTheLimit() throws Exception {
    Browser phone = signedIn(TestServer.FIREFOX_LINUX);
    String phoneSession = sessionId(phone);
    List<String> bodies =
        Burst.run(
            8,
            i ->
                resolveBody(
                    t.browser(TestServer.CHROME_WINDOWS)
                        .login("alice", PASSWORD)
                        .json()
                        .path("resolve_token")
                        .asText(),
                    phoneSession));

    List<Integer> statuses =
        Burst.run(
            8,
            i ->
                t.browser(TestServer.CHROME_WINDOWS)
                    .post("/api/v1/login/resolve", bodies.get(i))
                    .status());

    assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    assertThat(t.admin().get("/api/v1/sessions?user=alice").json().path("sessions")).hasSize(1);
  }

  @Test
  void everyAnswerOfTheResolveFlowMatchesTheApiDocument() {
    DocumentedResponses docs =
        new DocumentedResponses(t.browser().get("/api/v1/openapi.json").text());
    Browser phone = signedIn(TestServer.FIREFOX_LINUX);
    Browser laptop = t.browser(TestServer.CHROME_WINDOWS);
    Browser.Response refused = docs.check("POST", "/api/v1/login", laptop.login("alice", PASSWORD));
    String token = refused.json().path("resolve_token").asText();
    docs.check(
        "POST",
        "/api/v1/login/resolve",
        laptop.post("/api/v1/login/resolve", resolveBody(token, "no-such-session")));
    docs.check(
        "POST",
        "/api/v1/login/resolve",
        laptop.post("/api/v1/login/resolve", resolveBody(token, sessionId(phone))));
    docs.check(
        "POST",
        "/api/v1/login/resolve",
        laptop.post("/api/v1/login/resolve", resolveBody(token, sessionId(phone))));
    t.settings("{\"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
    docs.check(
        "POST",
        "/api/v1/login",
        phone.post(
            "/api/v1/login",
            "{\"username\": \"alice\", \"password\": \"" + PASSWORD + "\", \"preview\": true}"));
    t.settings("{\"SESSIONS_PER_USER\": -1, \"SESSIONS_PER_IP\": 1}");
    docs.check("POST", "/api/v1/login", t.browser().login("alice", PASSWORD));
  }

  private String code(String secret) {
    return Totp.code(secret, Totp.stepOf(t.clock.instant()));
  }
}
