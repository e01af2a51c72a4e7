package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionManagerTest {

  private final MutableClock clock = MutableClock.startingAt("2026-01-05T09:00:00Z");
  private final SessionManager sessions = new SessionManager(SessionStore.inMemory(), clock);
  private final QuotaPolicy oneSession =
      Fixtures.userLimit(1, ExhaustionAction.DESTROY_OLDEST_SESSION);

  @Test
  void aSecondLoginSignsOutTheFirstAndItsTokenThenTellsWhy() {
    var first =
        (SessionManager.LoginResult.Admitted)
            sessions.login(LoginAttempt.password("alice", "192.0.2.1", "Firefox"), oneSession);
    clock.advanceSeconds(30);
    var second =
        (SessionManager.LoginResult.Admitted)
            sessions.login(LoginAttempt.password("alice", "192.0.2.2", "Chrome"), oneSession);

    assertThat(second.ended()).extracting(Session::id).containsExactly(first.session().id());
    Lookup lookup = sessions.authenticate(first.token().secret(), Fixtures.IDLE, false);
    assertThat(lookup)
        .isInstanceOfSatisfying(
            Lookup.Ended.class,
            ended -> {
              assertThat(ended.session().end().reason()).isEqualTo(EndReason.SESSION_LIMIT_REACHED);
              assertThat(ended.session().end().cause().loginIp()).isEqualTo("192.0.2.2");
            });
    assertThat(sessions.authenticate(second.token().secret(), Fixtures.IDLE, false))
        .isInstanceOf(Lookup.Live.class);
  }

  @Test
  void aQuietRequestDoesNotKeepTheSessionAlive() {
    var login =
        (SessionManager.LoginResult.Admitted)
            sessions.login(LoginAttempt.password("alice", "192.0.2.1", "Firefox"), oneSession);
    String token = login.token().secret();

    clock.advance(Duration.ofMinutes(20));
    sessions.authenticate(token, Fixtures.IDLE, true);
    clock.advance(Duration.ofMinutes(11));

    assertThat(sessions.authenticate(token, Fixtures.IDLE, false))
        .isInstanceOfSatisfying(
            Lookup.Ended.class,
            ended -> assertThat(ended.session().end().reason()).isEqualTo(EndReason.IDLE_TIMEOUT));
  }

  @Test
  void anActiveRequestKeepsTheSessionAlive() {
    var login =
        (SessionManager.LoginResult.Admitted)
            sessions.login(LoginAttempt.password("alice", "192.0.2.1", "Firefox"), oneSession);
    String token = login.token().secret();

    clock.advance(Duration.ofMinutes(20));
    sessions.authenticate(token, Fixtures.IDLE, false);
    clock.advance(Duration.ofMinutes(20));

    assertThat(sessions.authenticate(token, Fixtures.IDLE, false)).isInstanceOf(Lookup.Live.class);
  }

  @Test
  void garbageTokensAreUnknown() {
    assertThat(sessions.authenticate(null, Fixtures.IDLE, false)).isSameAs(Lookup.UNKNOWN);
    assertThat(sessions.authenticate("", Fixtures.IDLE, false)).isSameAs(Lookup.UNKNOWN);
    assertThat(sessions.authenticate("x".repeat(10_000), Fixtures.IDLE, false))
        .isSameAs(Lookup.UNKNOWN);
    assertThat(sessions.authenticate("not-a-token", Fixtures.IDLE, false)).isSameAs(Lookup.UNKNOWN);
  }

  @Test
  void anAdministratorsRevocationRecordsWhoDidIt() {
    var login =
        (SessionManager.LoginResult.Admitted)
            sessions.login(LoginAttempt.password("alice", "192.0.2.1", "Firefox"), oneSession);

    assertThat(sessions.end(login.session().id(), EndReason.REVOKED_BY_ADMIN, "admin"))
        .hasValueSatisfying(s -> assertThat(s.end().cause().actor()).isEqualTo("admin"));
    assertThat(sessions.end(login.session().id(), EndReason.REVOKED_BY_ADMIN, "admin")).isEmpty();
  }

  @Test
  void endingAllOfAUsersSessionsButOneKeepsThatOneAndNoOneElses() {
    QuotaPolicy three = Fixtures.userLimit(3, ExhaustionAction.DENY_ACCESS);
    List<String> alices = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      alices.add(
          ((SessionManager.LoginResult.Admitted)
                  sessions.login(LoginAttempt.password("alice", "192.0.2.1", "Firefox"), three))
              .session()
              .id());
    }
    var bob =
        (SessionManager.LoginResult.Admitted)
            sessions.login(LoginAttempt.password("bob", "192.0.2.1", "Firefox"), three);

    assertThat(sessions.endAllOf("alice", EndReason.PASSWORD_CHANGED, "alice", alices.get(1)))
        .containsExactlyInAnyOrder(alices.get(0), alices.get(2));

    assertThat(sessions.liveSessionsOfUser("alice"))
        .extracting(Session::id)
        .containsExactly(alices.get(1));
    assertThat(sessions.get(alices.get(0)))
        .hasValueSatisfying(
            s -> {
              assertThat(s.end().reason()).isEqualTo(EndReason.PASSWORD_CHANGED);
              assertThat(s.end().cause().actor()).isEqualTo("alice");
            });
    assertThat(sessions.get(bob.session().id()).orElseThrow().isLive(clock.instant())).isTrue();
    assertThat(sessions.endAllOf("alice", EndReason.USER_DISABLED, null, null))
        .containsExactly(alices.get(1));
  }
}
