package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.server.service.Totp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A second factor over HTTP: a local account with an authenticator app signs in in two steps, the
 * session (and its limits) only after the code; codes are single-use and throttled; administrators
 * can be made to set one up while signing in.
 */
class SecondFactorTest {

  private static final String PASSWORD = "alice-plum-harbor-lantern";

  private TestServer t;

  @AfterEach
  void stop() {
    if (t != null) {
      t.close();
    }
  }

  @Test
  void aPasswordAloneOpensNoSessionOnceAnAppIsSetUpAndTheCodeThenDoes() {
    t = TestServer.start();
    t.createUser("alice", PASSWORD);
    String secret = enrol("alice");

    Browser laptop = t.browser();
    Browser.Response first = laptop.login("alice", PASSWORD);
    assertThat(first.status()).isEqualTo(401);
    assertThat(first.error()).isEqualTo("mfa_required");
    assertThat(first.json().path("enrolment_required").asBoolean()).isFalse();
    assertThat(liveSessionsOf("alice")).isEqualTo(1);

    t.clock.advance(Duration.ofSeconds(30));
    Browser.Response second = laptop.post("/api/v1/login/mfa", secondStep(first, code(secret)));

    assertThat(second.status()).as(second.toString()).isEqualTo(201);
    assertThat(second.json().path("session").path("auth_method").asText())
        .isEqualTo("password+totp");
    assertThat(laptop.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(liveSessionsOf("alice")).isEqualTo(2);
  }

  @Test
  void aCodeIsGoodOnceAndATicketOnlyForItsOwnBrowserAndFiveMinutes() {
    t = TestServer.start();
    t.createUser("alice", PASSWORD);
    String secret = enrol("alice");
    t.clock.advance(Duration.ofSeconds(30));
    Browser one = t.browser();
    Browser.Response ticket = one.login("alice", PASSWORD);
    String code = code(secret);
    assertThat(one.post("/api/v1/login/mfa", secondStep(ticket, code)).status()).isEqualTo(201);

    Browser two = t.browser();
    Browser.Response again =
        two.post("/api/v1/login/mfa", secondStep(two.login("alice", PASSWORD), code));
    assertThat(again.error()).isEqualTo("invalid_code");

    Browser other = t.browser(TestServer.CHROME_WINDOWS);
    Browser.Response stolen = other.post("/api/v1/login/mfa", secondStep(ticket, code));
    assertThat(stolen.status()).isEqualTo(401);
    assertThat(stolen.error()).isEqualTo("invalid_mfa_ticket");

    Browser late = t.browser();
    Browser.Response lateTicket = late.login("alice", PASSWORD);
    t.clock.advance(Duration.ofMinutes(5));
    assertThat(late.post("/api/v1/login/mfa", secondStep(lateTicket, code(secret))).error())
        .isEqualTo("invalid_mfa_ticket");
  }

  @Test
  void wrongCodesCountInTheLoginThrottleLikeWrongPasswords() {
    t = TestServer.start();
    t.createUser("alice", PASSWORD);
    String secret = enrol("alice");
    t.clock.advance(Duration.ofSeconds(30));
    Browser browser = t.browser();
    Browser.Response ticket = browser.login("alice", PASSWORD);

    List<String> errors = new ArrayList<>();
    for (int i = 0; i < 10 && !errors.contains("too_many_attempts"); i++) {
      errors.add(browser.post("/api/v1/login/mfa", secondStep(ticket, "000000")).error());
    }

    assertThat(errors).startsWith("invalid_code").contains("too_many_attempts");
    assertThat(browser.post("/api/v1/login/mfa", secondStep(ticket, code(secret))).error())
        .as("while throttled, even the right code is refused")
        .isEqualTo("too_many_attempts");
    JsonNode audit = t.admin().get("/api/v1/audit").json().path("events");
    assertThat(audit.findValuesAsText("type")).contains("mfa_failed", "mfa_asked");
  }

  @Test
  void aRecoveryCodeSignsInOnceInsteadOfTheApp() {
    t = TestServer.start();
    t.createUser("alice", PASSWORD);
    Browser owner = t.browser();
    owner.login("alice", PASSWORD);
    List<String> recovery = enrol(owner);

    Browser lost = t.browser();
    Browser.Response in =
        lost.post("/api/v1/login/mfa", secondStep(lost.login("alice", PASSWORD), recovery.get(0)));
    assertThat(in.status()).isEqualTo(201);
    assertThat(in.json().path("session").path("auth_method").asText())
        .isEqualTo("password+recovery_code");
    Browser again = t.browser();
    assertThat(
            again
                .post(
                    "/api/v1/login/mfa",
                    secondStep(again.login("alice", PASSWORD), recovery.get(0)))
                .error())
        .isEqualTo("invalid_code");
    assertThat(owner.get("/api/v1/me/mfa").json().path("recovery_codes_left").asInt()).isEqualTo(9);
  }

  @Test
  void theLimitAppliesAfterTheSecondFactorAndHoldsForTwentySimultaneousCodes() throws Exception {
    t = TestServer.start();
    t.createUser("alice", PASSWORD);
    String secret = enrol("alice");
    t.settings(
        "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\","
            + " \"QUOTA_EXEMPT_ADMINS\": true}");
    t.admin().delete("/api/v1/users/alice/sessions");
    t.clock.advance(Duration.ofSeconds(30));
    List<Browser> browsers = new ArrayList<>();
    List<String> steps = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Browser b = t.browser();
      Browser.Response ticket = b.login("alice", PASSWORD);
      assertThat(ticket.error()).isEqualTo("mfa_required");
      browsers.add(b);
      steps.add(secondStep(ticket, code(secret)));
    }
    assertThat(liveSessionsOf("alice")).isZero();

    List<Callable<Browser.Response>> tries = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Browser b = browsers.get(i);
      String body = steps.get(i);
      tries.add(() -> b.post("/api/v1/login/mfa", body));
    }
    int admitted = 0;
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      for (Future<Browser.Response> r : pool.invokeAll(tries)) {
        if (r.get().status() == 201) {
          admitted++;
        } else {
          assertThat(r.get().error()).isIn("invalid_code", "too_many_attempts");
        }
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(admitted).isEqualTo(1);
    assertThat(liveSessionsOf("alice")).isEqualTo(1);
    t.clock.advance(Duration.ofSeconds(30));
    Browser late = t.browser(TestServer.CHROME_WINDOWS);
    Browser.Response refused =
        late.post("/api/v1/login/mfa", secondStep(late.login("alice", PASSWORD), code(secret)));
    assertThat(refused.error()).isIn("session_limit_reached", "too_many_attempts");
    assertThat(liveSessionsOf("alice")).isEqualTo(1);
  }

  @Test
  void anAdministratorWhoMustHaveASecondFactorSetsItUpWhileSigningIn() {
    t = TestServer.start();
    t.settings("{\"MFA_REQUIRED_FOR_ADMINS\": true}");
    Browser admin = t.browser();

    Browser.Response ticket = admin.login("admin", TestServer.ADMIN_PASSWORD);
    assertThat(ticket.error()).isEqualTo("mfa_required");
    assertThat(ticket.json().path("enrolment_required").asBoolean()).isTrue();
    Browser.Response enrolment =
        admin.post(
            "/api/v1/login/mfa/enrol",
            "{\"mfa_ticket\": \"" + ticket.json().path("mfa_ticket").asText() + "\"}");
    assertThat(enrolment.status()).as(enrolment.toString()).isEqualTo(201);
    String secret = enrolment.json().path("secret").asText();

    Browser.Response in = admin.post("/api/v1/login/mfa", secondStep(ticket, code(secret)));

    assertThat(in.status()).as(in.toString()).isEqualTo(201);
    assertThat(in.json().path("recovery_codes")).hasSize(10);
    assertThat(admin.get("/api/v1/me/mfa").json().path("totp").asText()).isEqualTo("on");
  }

  @Test
  void basicCredentialsOfAnAccountWithASecondFactorAreRefused() {
    t = TestServer.start();
    t.settings("{\"AUTH_BASIC_ENABLED\": true}");
    t.createUser("alice", PASSWORD);
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertThat(t.browser().get("/api/v1/me", "Authorization", basic).status()).isEqualTo(200);

    enrol("alice");

    Browser.Response refused = t.browser().get("/api/v1/me", "Authorization", basic);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.error()).isEqualTo("mfa_required");
  }

  @Test
  void turningTheAppOffNeedsARecentPasswordAndThenThePasswordIsEnoughAgain() {
    t = TestServer.start();
    t.createUser("alice", PASSWORD);
    Browser owner = t.browser();
    owner.login("alice", PASSWORD);
    enrol(owner);
    t.clock.advance(Duration.ofMinutes(10));

    assertThat(owner.delete("/api/v1/me/mfa/totp").error()).isEqualTo("reauthentication_required");
    owner.post("/api/v1/me/reauthenticate", "{\"password\": \"" + PASSWORD + "\"}");
    assertThat(owner.delete("/api/v1/me/mfa/totp").status()).isEqualTo(204);

    assertThat(t.browser().login("alice", PASSWORD).status()).isEqualTo(201);
    assertThat(owner.get("/api/v1/me/mfa").json().path("totp").asText()).isEqualTo("off");
  }

  /** Sets up an app for {@code user} in a browser of her own; returns the secret. */
  private String enrol(String user) {
    Browser owner = t.browser();
    assertThat(owner.login(user, PASSWORD).status()).isEqualTo(201);
    Browser.Response started = owner.post("/api/v1/me/mfa/totp", null);
    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    String secret = started.json().path("secret").asText();
    Browser.Response confirmed =
        owner.post("/api/v1/me/mfa/totp/confirm", "{\"code\": \"" + code(secret) + "\"}");
    assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
    return secret;
  }

  /** Sets up an app in {@code owner}'s session; returns the recovery codes. */
  private List<String> enrol(Browser owner) {
    Browser.Response started = owner.post("/api/v1/me/mfa/totp", null);
    assertThat(started.json().path("qr_svg").asText()).startsWith("<svg");
    assertThat(started.json().path("otpauth_uri").asText()).startsWith("otpauth://totp/");
    String secret = started.json().path("secret").asText();
    JsonNode codes =
        owner
            .post("/api/v1/me/mfa/totp/confirm", "{\"code\": \"" + code(secret) + "\"}")
            .json()
            .path("recovery_codes");
    List<String> list = new ArrayList<>();
    codes.forEach(c -> list.add(c.asText()));
    assertThat(list).hasSize(10);
    return list;
  }

  private String code(String secret) {
    return Totp.code(secret, Totp.stepOf(t.clock.instant()));
  }

  private static String secondStep(Browser.Response ticket, String code) {
    return Map.of("mfa_ticket", ticket.json().path("mfa_ticket").asText(), "code", code)
        .entrySet()
        .stream()
        .map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"")
        .reduce((a, b) -> a + ", " + b)
        .map(s -> "{" + s + "}")
        .orElseThrow();
  }

  private int liveSessionsOf(String user) {
    return t.admin().get("/api/v1/sessions?user=" + user).json().path("sessions").size();
  }
}
