package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.Burst;
import dev.sessionlimits.core.Group;
import dev.sessionlimits.core.User;
import dev.sessionlimits.server.service.LoginThrottle;
import dev.sessionlimits.store.jdbc.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Signing in with a directory password, over HTTP, against UnboundID's in-memory directory on a
 * loopback port: the account made on first sign-in, the throttle, the local account that keeps its
 * own password, the directory that does not answer, and the limits of the directory's groups.
 */
class LdapLoginTest {

  private static final String DANA = "dana-directory-secret";

  private TestDirectory directory;
  private TestServer t;

  @BeforeEach
  void start() throws Exception {
    directory = new TestDirectory();
    t = TestServer.start(directory.environment());
  }

  @AfterEach
  void stop() {
    try {
      t.close();
    } finally {
      directory.close();
    }
  }

  @Test
  void aDirectoryUserSignsInAndHerAccountIsCreatedWithoutAPasswordOfItsOwn() {
    Browser.Response r = t.browser().login("dana", DANA);

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().path("session").path("user").asText()).isEqualTo("dana");
    User dana = t.stores.users().find("dana").orElseThrow();
    assertThat(dana.passwordHash()).isNull();
    assertThat(dana.admin()).isFalse();
    assertThat(event("login", "dana").details()).contains("\"auth_method\":\"ldap\"");
  }

  @Test
  void aWrongDirectoryPasswordIs401AndCountsInTheThrottleLikeAWrongLocalOne() {
    int free = LoginThrottle.Policy.DEFAULT.freeUserFailures();
    for (int i = 0; i < free; i++) {
      Browser.Response wrong = t.browser().login("dana", "not-danas-password");
      assertThat(wrong.status()).as(wrong.toString()).isEqualTo(401);
      assertThat(wrong.error()).isEqualTo("invalid_credentials");
    }
    assertThat(event("login_failed", "dana").details()).contains("\"auth_method\":\"ldap\"");

    Browser.Response blocked = t.browser().login("dana", DANA);
    assertThat(blocked.status()).as(blocked.toString()).isEqualTo(429);
    assertThat(blocked.error()).isEqualTo("too_many_attempts");
    assertThat(t.stores.users().find("dana")).isEmpty();
  }

  @Test
  void aLocalUserWithTheNameOfADirectoryEntryKeepsHerLocalPasswordAndTheDirectoryIsNeverAsked() {
    t.createUser("alice", "alice-plum-harbor-lantern");

    assertThat(t.browser().login("alice", "alice-directory-secret").error())
        .isEqualTo("invalid_credentials");
    assertThat(t.browser().login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);

    assertThat(event("login", "alice").details()).contains("\"auth_method\":\"password\"");
    assertThat(directory.asked("alice")).as("%s", directory.accessLog).isFalse();
  }

  @Test
  void aDirectoryThatDoesNotAnswerIs503DirectoryUnavailableAndNeitherASignInNorAWrongPassword()
      throws Exception {
    directory.stop();
    int free = LoginThrottle.Policy.DEFAULT.freeUserFailures();
    for (int i = 0; i <= free; i++) {
      Browser.Response r = t.browser().login("dana", DANA);
      assertThat(r.status()).as(r.toString()).isEqualTo(503);
      assertThat(r.error()).isEqualTo("directory_unavailable");
      assertThat(r.header("Retry-After")).isEqualTo("5");
      assertThat(r.header("Set-Cookie")).isNull();
    }
    assertThat(liveSessionsOf("dana")).isZero();
    assertThat(t.stores.users().find("dana")).isEmpty();

    directory.restart();
    Browser dana = t.browser();
    Await.until(
        "dana signs in once the directory is back",
        Duration.ofSeconds(30),
        () -> dana.login("dana", DANA).status() == 201);
  }

  @Test
  void theDirectorysGroupsGiveTheirLimitSoASecondLoginEndsTheFirst() {
    Instant now = t.clock.instant();
    t.stores.groups().create(Group.named("contractors", now).withLimit(1, now));

    Browser first = t.browser();
    assertThat(first.login("dana", DANA).status()).isEqualTo(201);
    Browser.Response second = t.browser().login("dana", DANA);

    assertThat(second.status()).as(second.toString()).isEqualTo(201);
    assertThat(second.json().path("ended_sessions")).hasSize(1);
    assertThat(first.get("/api/v1/me").status()).isEqualTo(401);
    assertThat(liveSessionsOf("dana")).isEqualTo(1);
    assertThat(t.stores.groups().groupsOf("dana")).extracting(Group::name).contains("contractors");
  }

  @Test
  void theDirectorysGroupLimitRefusesASecondLoginUnderDenyAccess() {
    Instant now = t.clock.instant();
    t.stores.groups().create(Group.named("contractors", now).withLimit(1, now));
    t.settings("{\"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");

    assertThat(t.browser().login("dana", DANA).status()).isEqualTo(201);
    Browser.Response refused = t.browser().login("dana", DANA);

    assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
    assertThat(refused.error()).isEqualTo("session_limit_reached");
    assertThat(refused.json().path("limit").asInt()).isEqualTo(1);
    assertThat(liveSessionsOf("dana")).isEqualTo(1);
  }

  @Test
  void twentySimultaneousFirstDirectorySignInsAtAGroupLimitOfOneUnderDenyAccessAdmitExactlyOne()
      throws Exception {
    Instant now = t.clock.instant();
    t.stores.groups().create(Group.named("contractors", now).withLimit(1, now));
    t.settings("{\"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
    List<Browser> browsers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      browsers.add(t.browser());
    }

    List<Integer> statuses = Burst.run(20, i -> browsers.get(i).login("dana", DANA).status());

    assertThat(statuses).as("%s", statuses).filteredOn(s -> s == 201).hasSize(1);
    // 503 overloaded only if a sign-in waited over 2 s for its turn in the throttle.
    assertThat(statuses)
        .as("%s", statuses)
        .filteredOn(s -> s != 201)
        .allMatch(s -> s == 403 || s == 503);
    assertThat(liveSessionsOf("dana")).isEqualTo(1);
  }

  @Test
  void theAdministratorsGroupMakesADirectoryUserAnAdministratorAndOnlyIt() {
    Browser erin = t.browser();
    assertThat(erin.login("erin", "erin-directory-secret").status()).isEqualTo(201);
    Browser frank = t.browser();
    assertThat(frank.login("frank", "frank-directory-secret").status()).isEqualTo(201);

    assertThat(erin.get("/api/v1/me").json().path("user").path("admin").asBoolean()).isTrue();
    assertThat(erin.get("/api/v1/users").status()).isEqualTo(200);
    assertThat(frank.get("/api/v1/me").json().path("user").path("admin").asBoolean()).isFalse();
    assertThat(frank.get("/api/v1/users").status()).isEqualTo(403);
  }

  @Test
  void aDirectoryUserIsToldHerPasswordIsKeptByTheDirectoryWhenSheTriesToChangeItHere() {
    Browser dana = t.browser();
    dana.login("dana", DANA);

    Browser.Response r =
        dana.post(
            "/api/v1/me/password",
            "{\"current_password\":\"" + DANA + "\",\"new_password\":\"violet-anchor-meadow-42\"}");

    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.error()).isEqualTo("password_managed_elsewhere");
    assertThat(r.json().path("message").asText()).contains("directory");
    assertThat(t.stores.users().find("dana").orElseThrow().passwordHash()).isNull();
  }

  @Test
  void aDirectoryUserReauthenticatesWithHerDirectoryPassword() {
    Browser dana = t.browser();
    dana.login("dana", DANA);

    assertThat(dana.post("/api/v1/me/reauthenticate", "{\"password\":\"wrong-one\"}").error())
        .isEqualTo("wrong_password");
    assertThat(dana.post("/api/v1/me/reauthenticate", "{\"password\":\"" + DANA + "\"}").status())
        .isEqualTo(200);
  }

  @Test
  void aDirectoryUserWhoseNameIsTakenByAnAccountNotLinkedToHerIs401AndNeverSignsIntoIt() {
    Instant now = t.clock.instant();
    t.stores.users().create(new User("frank", null, false, false, null, now, now));

    Browser.Response r = t.browser().login("frank", "frank-directory-secret");

    assertThat(r.status()).as(r.toString()).isEqualTo(401);
    assertThat(r.error()).isEqualTo("invalid_credentials");
    assertThat(r.header("Set-Cookie")).isNull();
    assertThat(event("login_failed", "frank").details()).contains("exists already");
    assertThat(liveSessionsOf("frank")).isZero();
  }

  @Test
  void aDisabledDirectoryUserWithTheRightPasswordIsToldTheAccountIsDisabled() {
    assertThat(t.browser().login("dana", DANA).status()).isEqualTo(201);
    t.admin().patch("/api/v1/users/dana", "{\"disabled\": true}");

    Browser.Response r = t.browser().login("dana", DANA);

    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.error()).isEqualTo("user_disabled");
  }

  @Test
  void aBadLdapVariableStopsTheStartNamingItAndItsValueButNeverTheBindPassword() {
    Map<String, String> env = new HashMap<>(directory.environment());
    env.put("SESSIONLIMITS_LDAP_GROUP_ATTRIBUTE", "member of");

    assertThatThrownBy(() -> ServerConfig.fromEnvironment(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SESSIONLIMITS_LDAP_GROUP_ATTRIBUTE")
        .hasMessageContaining("member of")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TestDirectory.SERVICE_PASSWORD));
  }

  private int liveSessionsOf(String username) {
    JsonNode sessions = t.admin().get("/api/v1/sessions?user=" + username).json().path("sessions");
    return sessions.size();
  }

  /** The newest audit event of {@code type} about {@code subject}. */
  private AuditEvent event(String type, String subject) {
    return t.stores.audit().recent(200, 0).stream()
        .filter(e -> e.type().equals(type) && subject.equals(e.subject()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " event about " + subject));
  }
}
