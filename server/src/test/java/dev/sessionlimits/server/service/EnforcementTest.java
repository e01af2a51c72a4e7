package dev.sessionlimits.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Scope;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Enforcing lowered limits on the live sessions, without HTTP. */
class EnforcementTest {

  private static final QuotaPolicy UNLIMITED =
      new QuotaPolicy(-1, -1, ExhaustionAction.DENY_ACCESS, Duration.ofMinutes(30), Duration.ZERO);

  private final MutableClock clock = new MutableClock(TestServer.START);
  private final UserStore users = UserStore.inMemory();
  private final SessionManager sessions = new SessionManager(SessionStore.inMemory(), clock);
  private final SettingsService settings =
      new SettingsService(
          SettingsStore.inMemory(), FileSettings.NONE, ExhaustionActions.builtIns(), clock);
  private final GroupStore groupStore = GroupStore.inMemory();
  private final Groups groups = new Groups(groupStore, users, settings, clock);
  private final Enforcement enforcement = new Enforcement(sessions, users, groups, settings, clock);

  @Test
  void aDryRunNamesTheSessionsOverALoweredLimitAndEndsNone() {
    aliceWithThreeSessionsAndBobWithOneUnderALimitLoweredToOne();

    List<Enforcement.Over> over = enforcement.enforce(true, "root");

    assertThat(over)
        .hasSize(2)
        .allSatisfy(
            o -> {
              assertThat(o.session().user()).isEqualTo("alice");
              assertThat(o.scope()).isEqualTo(Scope.USER);
              assertThat(o.limit()).isEqualTo(1);
              assertThat(o.session().end()).isNull();
            });
    assertThat(sessions.liveSessions()).hasSize(4);
  }

  @Test
  void enforcingEndsTheSessionsOverTheLimitsWithTheirScopeLimitAndAdministrator() {
    aliceWithThreeSessionsAndBobWithOneUnderALimitLoweredToOne();

    List<Enforcement.Over> over = enforcement.enforce(false, "root");

    assertThat(over)
        .hasSize(2)
        .allSatisfy(
            o -> {
              assertThat(o.session().end().reason()).isEqualTo(EndReason.SESSION_LIMIT_REACHED);
              assertThat(o.session().end().cause().scope()).isEqualTo(Scope.USER);
              assertThat(o.session().end().cause().limit()).isEqualTo(1);
              assertThat(o.session().end().cause().actor()).isEqualTo("root");
            });
    assertThat(sessions.liveSessions())
        .extracting(Session::user)
        .containsExactlyInAnyOrder("alice", "bob");
    assertThat(enforcement.enforce(false, "root")).as("nothing left over").isEmpty();
  }

  @Test
  void aUsersOwnLimitIsTheOneEnforced() {
    users.create(new User("carol", "x", false, false, 2, TestServer.START, TestServer.START));
    signIn("carol", 3);

    assertThat(enforcement.enforce(false, "root"))
        .singleElement()
        .satisfies(o -> assertThat(o.limit()).isEqualTo(2));
    assertThat(sessions.liveSessionsOfUser("carol")).hasSize(2);
  }

  @Test
  void aLoweredGroupLimitIsEnforcedLikeALoweredUserLimitAndTheUsersOwnLimitStillWins() {
    groups.create("staff", 5);
    groups.create("contractors", null);
    for (String name : List.of("dana", "erin", "fay")) {
      users.create(new User(name, "x", false, false, null, TestServer.START, TestServer.START));
      groups.assign(name, Set.of("staff", "contractors"));
    }
    users.update(new User("fay", "x", false, false, 4, TestServer.START, TestServer.START));
    signIn("dana", 3);
    signIn("erin", 1);
    signIn("fay", 4);
    assertThat(enforcement.enforce(true, "root")).isEmpty();

    groups.setLimit("staff", 1);

    assertThat(enforcement.overLimitOf("staff"))
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.user()).isEqualTo("dana"));
    assertThat(enforcement.overLimitOf("contractors")).isEmpty();
    List<Enforcement.Over> over = enforcement.enforce(false, "root");
    assertThat(over)
        .hasSize(2)
        .allSatisfy(
            o -> {
              assertThat(o.session().user()).isEqualTo("dana");
              assertThat(o.session().end().reason()).isEqualTo(EndReason.SESSION_LIMIT_REACHED);
              assertThat(o.session().end().cause().scope()).isEqualTo(Scope.USER);
              assertThat(o.session().end().cause().limit()).isEqualTo(1);
              assertThat(o.session().end().cause().actor()).isEqualTo("root");
            });
    assertThat(sessions.liveSessionsOfUser("fay")).as("her own 4 wins").hasSize(4);
    assertThat(sessions.liveSessionsOfUser("dana")).hasSize(1);
  }

  @Test
  void theSessionsOfAUserWhoIsGoneAreHeldToSessionsPerUser() {
    signIn("ghost", 3);
    settings.update(Map.of("SESSIONS_PER_USER", 2));

    assertThat(enforcement.enforce(false, "root"))
        .singleElement()
        .satisfies(o -> assertThat(o.limit()).isEqualTo(2));
  }

  private void aliceWithThreeSessionsAndBobWithOneUnderALimitLoweredToOne() {
    signIn("alice", 3);
    signIn("bob", 1);
    settings.update(Map.of("SESSIONS_PER_USER", 1));
  }

  private void signIn(String user, int times) {
    for (int i = 0; i < times; i++) {
      sessions.login(LoginAttempt.password(user, "192.0.2." + i, "Firefox"), UNLIMITED);
      clock.advanceSeconds(1);
    }
  }
}
