package dev.sessionlimits.core;

import static dev.sessionlimits.core.Fixtures.live;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class QuotaTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final LoginAttempt ALICE = LoginAttempt.password("alice", "192.0.2.1", "test");

  private final List<Session> twoOfAlices =
      List.of(
          live("a1", "alice", "192.0.2.1", NOW.minusSeconds(100), NOW.plusSeconds(600)),
          live("a2", "alice", "192.0.2.9", NOW.minusSeconds(50), NOW.plusSeconds(300)));

  /** An action with a name that does what it is given to do. */
  record NamedAction(String name, Function<Exhaustion, ActionDecision> decide)
      implements ExhaustionAction {
    NamedAction(String name) {
      this(
          name,
          e -> ActionDecision.end(e.live().subList(e.live().size() - e.toEnd(), e.live().size())));
    }

    @Override
    public ActionDecision onExhausted(Exhaustion exhaustion) {
      return decide.apply(exhaustion);
    }
  }

  private QuotaDecision decide(ExhaustionAction action, int userLimit) {
    return Quota.decide(ALICE, twoOfAlices, List.of(), policy(action, userLimit), NOW);
  }

  private static QuotaPolicy policy(ExhaustionAction action, int userLimit) {
    return new QuotaPolicy(userLimit, -1, action, Duration.ofMinutes(30), Duration.ZERO);
  }

  @Test
  void aCustomActionDecidesWhichSessionsEnd() {
    QuotaDecision decision = decide(new NamedAction("KEEP_OLDEST"), 2);

    assertThat(decision).isInstanceOf(QuotaDecision.Admit.class);
    assertThat(((QuotaDecision.Admit) decision).evictions())
        .extracting(e -> e.session().id())
        .containsExactly("a2");
  }

  @Test
  void aCustomActionThatThrowsRefusesTheLogin() {
    QuotaDecision decision =
        decide(
            new NamedAction(
                "BROKEN",
                e -> {
                  throw new IllegalStateException("plug-in bug");
                }),
            2);

    assertThat(decision)
        .isInstanceOfSatisfying(
            QuotaDecision.Deny.class,
            deny -> {
              assertThat(deny.scope()).isEqualTo(Scope.USER);
              assertThat(deny.limit()).isEqualTo(2);
              assertThat(deny.active()).isEqualTo(2);
              assertThat(deny.explanation()).contains("BROKEN").contains("plug-in bug");
            });
  }

  @Test
  void aCustomActionThatEndsTooFewRefusesTheLogin() {
    QuotaDecision decision =
        decide(new NamedAction("STINGY", e -> ActionDecision.end(List.of())), 1);

    assertThat(decision)
        .isInstanceOfSatisfying(
            QuotaDecision.Deny.class,
            deny -> assertThat(deny.explanation()).contains("ended 0 sessions where 2 must end"));
  }

  @Test
  void aCustomActionThatNamesAForeignSessionRefusesTheLogin() {
    Session stranger = live("b1", "bob", "192.0.2.5", NOW.minusSeconds(10), NOW.plusSeconds(60));
    QuotaDecision decision =
        decide(new NamedAction("GREEDY", e -> ActionDecision.end(List.of(stranger))), 2);

    assertThat(decision)
        .isInstanceOfSatisfying(
            QuotaDecision.Deny.class, deny -> assertThat(deny.explanation()).contains("b1"));
  }

  @Test
  void aCustomActionThatNamesASessionTwiceOrReturnsNothingRefusesTheLogin() {
    QuotaDecision twice =
        decide(new NamedAction("TWICE", e -> new ActionDecision.End(List.of("a1", "a1"))), 1);
    QuotaDecision nothing = decide(new NamedAction("NULL", e -> null), 2);

    assertThat(twice).isInstanceOf(QuotaDecision.Deny.class);
    assertThat(nothing).isInstanceOf(QuotaDecision.Deny.class);
  }

  @Test
  void aLoginUnderTheLimitNeverAsksTheAction() {
    QuotaDecision decision =
        decide(
            new NamedAction(
                "MUST_NOT_BE_ASKED",
                e -> {
                  throw new AssertionError("asked");
                }),
            3);

    assertThat(decision).isEqualTo(new QuotaDecision.Admit(List.of()));
  }

  @Test
  void policyForLoginLiftsAllLimitsWhenConstraintsAreOffOrForExemptAdmins() {
    ExhaustionActions actions = ExhaustionActions.builtIns();
    Settings limited =
        Settings.DEFAULTS.with(
            Map.of("SESSIONS_PER_USER", 2L, "SESSIONS_PER_IP", 5L, "QUOTA_EXEMPT_ADMINS", true),
            actions.names());

    assertThat(QuotaPolicy.forLogin(limited, null, false, actions).userLimit()).isEqualTo(2);
    assertThat(QuotaPolicy.forLogin(limited, 7, false, actions).userLimit()).isEqualTo(7);
    assertThat(QuotaPolicy.forLogin(limited, null, false, actions).ipLimit()).isEqualTo(5);
    QuotaPolicy admin = QuotaPolicy.forLogin(limited, 1, true, actions);
    assertThat(admin.userLimit()).isEqualTo(-1);
    assertThat(admin.ipLimit()).isEqualTo(-1);
    QuotaPolicy off =
        QuotaPolicy.forLogin(
            limited.with(Map.of("QUOTA_CONSTRAINTS_ENABLED", false), actions.names()),
            1,
            false,
            actions);
    assertThat(off.userLimit()).isEqualTo(-1);
    assertThat(off.ipLimit()).isEqualTo(-1);
  }

  @Test
  void enforcementUnderDenyAccessEndsTheNewestAndUnderDestroyOldestTheOldest() {
    List<Session> three =
        List.of(
            live("x1", "alice", "192.0.2.1", NOW.minusSeconds(300), NOW.plusSeconds(100)),
            live("x2", "alice", "192.0.2.1", NOW.minusSeconds(200), NOW.plusSeconds(900)),
            live("x3", "alice", "192.0.2.1", NOW.minusSeconds(100), NOW.plusSeconds(50)));

    assertThat(enforce(three, policy(ExhaustionAction.DENY_ACCESS, 1))).containsExactly("x2", "x3");
    assertThat(enforce(three, policy(ExhaustionAction.DESTROY_OLDEST_SESSION, 1)))
        .containsExactly("x1", "x2");
    assertThat(enforce(three, policy(ExhaustionAction.DESTROY_OLD_SESSIONS, 2)))
        .containsExactly("x1");
    assertThat(enforce(three, policy(ExhaustionAction.DESTROY_NEXT_EXPIRING, 1)))
        .containsExactlyInAnyOrder("x3", "x1");
    assertThat(enforce(three, policy(ExhaustionAction.DESTROY_NEXT_EXPIRING, 3))).isEmpty();
  }

  @Test
  void theAddressLimitNeitherCountsNorEndsAnExemptAdministratorsSessions() {
    QuotaPolicy limited =
        new QuotaPolicy(
            QuotaPolicy.UNLIMITED,
            1,
            ExhaustionAction.DESTROY_OLDEST_SESSION,
            Duration.ofMinutes(30),
            Duration.ZERO);
    QuotaPolicy exempt =
        new QuotaPolicy(
            QuotaPolicy.UNLIMITED,
            QuotaPolicy.UNLIMITED,
            ExhaustionAction.DESTROY_OLDEST_SESSION,
            Duration.ofMinutes(30),
            Duration.ZERO);
    List<Session> sessions =
        List.of(
            live("a1", "admin", "192.0.2.1", NOW.minusSeconds(400), NOW.plusSeconds(900)),
            live("b1", "bob", "192.0.2.1", NOW.minusSeconds(300), NOW.plusSeconds(900)),
            live("c1", "carol", "192.0.2.1", NOW.minusSeconds(200), NOW.plusSeconds(900)),
            live("b2", "bob", "192.0.2.1", NOW.minusSeconds(100), NOW.plusSeconds(900)));

    assertThat(Quota.enforce(sessions, u -> u.equals("admin") ? exempt : limited, limited, NOW))
        .extracting(e -> e.session().id(), QuotaDecision.Eviction::scope)
        .containsExactly(tuple("b1", Scope.IP), tuple("c1", Scope.IP));
  }

  private static List<String> enforce(List<Session> sessions, QuotaPolicy policy) {
    return Quota.enforce(sessions, u -> policy, policy, NOW).stream()
        .map(e -> e.session().id())
        .toList();
  }
}
