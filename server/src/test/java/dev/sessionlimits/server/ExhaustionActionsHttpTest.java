package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.core.ActionDecision;
import dev.sessionlimits.core.Exhaustion;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.Session;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each exhaustion action of SPEC section 3, seen from browsers. */
class ExhaustionActionsHttpTest {

  /** Ends the newest sessions: a custom action, installed as if found by ServiceLoader. */
  static final class EndNewest implements ExhaustionAction {
    @Override
    public String name() {
      return "END_NEWEST";
    }

    @Override
    public ActionDecision onExhausted(Exhaustion exhaustion) {
      List<Session> newestFirst = new ArrayList<>(exhaustion.live());
      newestFirst.sort(Comparator.comparing(Session::createdAt).reversed());
      return ActionDecision.end(newestFirst.subList(0, exhaustion.toEnd()));
    }
  }

  private TestServer t;

  @BeforeEach
  void start() {
    t =
        TestServer.start(
            Stores.inMemory(),
            Map.of(),
            b -> b.exhaustionActions(ExhaustionActions.of(new EndNewest())));
    t.createUser("alice", "alice-plum-harbor-lantern");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private Browser login() {
    Browser b = t.browser();
    assertThat(b.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
    return b;
  }

  @Test
  void deniesTheSecondLoginUnderDenyAccess() {
    t.settings("{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
    Browser first = login();

    Browser.Response second = t.browser().login("alice", "alice-plum-harbor-lantern");

    assertThat(second.status()).isEqualTo(403);
    JsonNode body = second.json();
    assertThat(body.path("error").asText()).isEqualTo("session_limit_reached");
    assertThat(body.path("scope").asText()).isEqualTo("user");
    assertThat(body.path("limit").asInt()).isEqualTo(1);
    assertThat(body.path("active").asInt()).isEqualTo(1);
    assertThat(body.path("message").asText())
        .isEqualTo(
            "You already have 1 active session, and your"
                + " limit is 1 session. Sign out of one of them first, or ask an administrator.");
    assertThat(second.header("Set-Cookie")).isNull();
    assertThat(first.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void endsTheSessionThatExpiresNextUnderDestroyNextExpiring() {
    t.settings(
        "{\"SESSIONS_PER_USER\": 2, \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_NEXT_EXPIRING\"}");
    Browser oldest = login();
    t.clock.advanceSeconds(60);
    Browser middle = login();
    t.clock.advanceSeconds(60);
    oldest.get("/api/v1/me");

    Browser.Response third = t.browser().login("alice", "alice-plum-harbor-lantern");

    assertThat(third.status()).isEqualTo(201);
    assertThat(third.json().path("ended_sessions")).hasSize(1);
    assertThat(middle.get("/api/v1/me").json().path("reason").asText())
        .isEqualTo("session_limit_reached");
    assertThat(oldest.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void endsTheEarliestCreatedSessionUnderDestroyOldestSession() {
    t.settings(
        "{\"SESSIONS_PER_USER\": 2, \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
    Browser oldest = login();
    t.clock.advanceSeconds(60);
    Browser middle = login();
    t.clock.advanceSeconds(60);
    oldest.get("/api/v1/me");

    assertThat(t.browser().login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);

    assertThat(oldest.get("/api/v1/me").json().path("reason").asText())
        .isEqualTo("session_limit_reached");
    assertThat(middle.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void endsEverySessionUnderDestroyOldSessions() {
    t.settings("{\"SESSIONS_PER_USER\": 2, \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLD_SESSIONS\"}");
    Browser a = login();
    Browser b = login();

    Browser.Response third = t.browser().login("alice", "alice-plum-harbor-lantern");

    assertThat(third.json().path("ended_sessions")).hasSize(2);
    assertThat(a.get("/api/v1/me").status()).isEqualTo(401);
    assertThat(b.get("/api/v1/me").status()).isEqualTo(401);
  }

  @Test
  void usesAnInstalledCustomActionChosenByName() {
    t.settings("{\"SESSIONS_PER_USER\": 2, \"QUOTA_EXHAUSTION_ACTION\": \"END_NEWEST\"}");
    Browser oldest = login();
    t.clock.advanceSeconds(60);
    Browser newest = login();

    assertThat(t.browser().login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);

    assertThat(oldest.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(newest.get("/api/v1/me").json().path("reason").asText())
        .isEqualTo("session_limit_reached");
  }

  @Test
  void aLoweredLimitTrimsAsManyAsNeededAtTheNextLogin() {
    List<Browser> five = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      five.add(login());
      t.clock.advanceSeconds(1);
    }
    t.settings(
        "{\"SESSIONS_PER_USER\": 2, \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
    assertThat(five.get(0).get("/api/v1/me").status()).isEqualTo(200);

    Browser.Response next = t.browser().login("alice", "alice-plum-harbor-lantern");

    assertThat(next.json().path("ended_sessions")).hasSize(4);
    assertThat(five.get(4).get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void withQuotaConstraintsOffNoLoginIsLimited() {
    t.settings(
        "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\","
            + " \"QUOTA_CONSTRAINTS_ENABLED\": false}");
    login();
    login();
    login();
    assertThat(t.admin().get("/api/v1/sessions?user=alice").json().path("sessions")).hasSize(3);
  }
}
