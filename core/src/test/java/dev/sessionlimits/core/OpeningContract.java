package dev.sessionlimits.core;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.policy;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Opening sessions under the user and address limits, and the exhaustion actions. Part of the
 * {@link SessionStoreContract}.
 */
public interface OpeningContract extends StoreUnderContract {

  @Test
  default void opensSessionsWhileUnderTheLimit() {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DENY_ACCESS);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);
    Session second = opened(candidate("alice", IP_B, T0.plusSeconds(1), policy), policy);

    assertThat(store().liveSessionsOfUser("alice", T0.plusSeconds(2)))
        .extracting(Session::id)
        .containsExactly(first.id(), second.id());
  }

  @Test
  default void deniesTheSecondLoginUnderDenyAccess() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);

    OpenResult result = store().open(candidate("alice", IP_B, T0.plusSeconds(5), policy), policy);

    assertThat(result).isInstanceOf(OpenResult.Refused.class);
    QuotaDecision.Deny deny = ((OpenResult.Refused) result).deny();
    assertThat(deny.scope()).isEqualTo(Scope.USER);
    assertThat(deny.limit()).isEqualTo(1);
    assertThat(deny.active()).isEqualTo(1);
    assertThat(store().liveSessionsOfUser("alice", T0.plusSeconds(5)))
        .extracting(Session::id)
        .containsExactly(first.id());
    assertThat(announced()).isEmpty();
  }

  @Test
  default void destroyNextExpiringEndsTheSessionThatExpiresSoonest() {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DESTROY_NEXT_EXPIRING);
    Session older = opened(candidate("alice", IP_A, T0, policy), policy);
    Session newer = opened(candidate("alice", IP_A, T0.plusSeconds(60), policy), policy);
    store().touch(older.tokenHash(), T0.plusSeconds(120), IDLE);

    List<Session> ended =
        openedWithEnded(candidate("alice", IP_A, T0.plusSeconds(180), policy), policy);

    assertThat(ended).extracting(Session::id).containsExactly(newer.id());
    assertThat(store().find(older.tokenHash(), T0.plusSeconds(180)))
        .isInstanceOf(Lookup.Live.class);
  }

  @Test
  default void destroyNextExpiringBreaksTiesByCreationThenById() {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DESTROY_NEXT_EXPIRING);
    QuotaPolicy shortLived =
        new QuotaPolicy(
            2, -1, ExhaustionAction.DESTROY_NEXT_EXPIRING, IDLE.plusSeconds(10), Duration.ZERO);
    // Both expire at T0 + IDLE + 10s: the earlier-created one goes.
    Session earlier = opened(candidate("alice", IP_A, T0, shortLived), shortLived);
    Session later = opened(candidate("alice", IP_A, T0.plusSeconds(10), policy), policy);
    assertThat(earlier.expiresAt()).isEqualTo(later.expiresAt());

    List<Session> ended =
        openedWithEnded(candidate("alice", IP_A, T0.plusSeconds(20), policy), policy);

    assertThat(ended).extracting(Session::id).containsExactly(earlier.id());
  }

  @Test
  default void destroyOldestSessionEndsTheEarliestCreated() {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DESTROY_OLDEST_SESSION);
    Session oldest = opened(candidate("alice", IP_A, T0, policy), policy);
    Session middle = opened(candidate("alice", IP_A, T0.plusSeconds(60), policy), policy);
    store().touch(middle.tokenHash(), T0.plusSeconds(61), IDLE);
    store().touch(oldest.tokenHash(), T0.plusSeconds(120), IDLE);

    List<Session> ended =
        openedWithEnded(candidate("alice", IP_A, T0.plusSeconds(180), policy), policy);

    assertThat(ended).extracting(Session::id).containsExactly(oldest.id());
  }

  @Test
  default void destroyOldSessionsEndsEveryOtherSessionAndLeavesOnlyTheNewOne() {
    QuotaPolicy policy = userLimit(3, ExhaustionAction.DESTROY_OLD_SESSIONS);
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      before.add(opened(candidate("alice", IP_A, T0.plusSeconds(i), policy), policy).id());
    }

    Session newest = candidate("alice", IP_A, T0.plusSeconds(10), policy);
    List<Session> ended = openedWithEnded(newest, policy);

    assertThat(ended).extracting(Session::id).containsExactlyInAnyOrderElementsOf(before);
    assertThat(store().liveSessionsOfUser("alice", T0.plusSeconds(10)))
        .extracting(Session::id)
        .containsExactly(newest.id());
  }

  @ParameterizedTest
  @CsvSource({"DESTROY_NEXT_EXPIRING", "DESTROY_OLDEST_SESSION"})
  default void aLoweredLimitTrimsToFitAtTheNextLogin(String actionName) {
    ExhaustionAction action = ExhaustionActions.builtIns().require(actionName);
    QuotaPolicy generous = userLimit(10, action);
    for (int i = 0; i < 5; i++) {
      opened(candidate("alice", IP_A, T0.plusSeconds(i), generous), generous);
    }
    QuotaPolicy lowered = userLimit(2, action);

    List<Session> ended =
        openedWithEnded(candidate("alice", IP_A, T0.plusSeconds(10), lowered), lowered);

    assertThat(ended).hasSize(4);
    assertThat(store().liveSessionsOfUser("alice", T0.plusSeconds(10))).hasSize(2);
  }

  @Test
  default void theAddressLimitEndsOtherUsersSessionsFromThatAddress() {
    QuotaPolicy policy = policy(-1, 2, ExhaustionAction.DESTROY_OLDEST_SESSION);
    Session bobs = opened(candidate("bob", IP_A, T0, policy), policy);
    opened(candidate("carol", IP_A, T0.plusSeconds(1), policy), policy);
    opened(candidate("bob", IP_B, T0.plusSeconds(2), policy), policy);

    List<Session> ended =
        openedWithEnded(candidate("alice", IP_A, T0.plusSeconds(3), policy), policy);

    assertThat(ended).extracting(Session::id).containsExactly(bobs.id());
    SessionEnd end = ended.get(0).end();
    assertThat(end.cause().scope()).isEqualTo(Scope.IP);
    assertThat(end.cause().limit()).isEqualTo(2);
    assertThat(store().liveSessionsFrom(IP_A, T0.plusSeconds(3))).hasSize(2);
    assertThat(store().liveSessionsOfUser("bob", T0.plusSeconds(3))).hasSize(1);
  }

  @Test
  default void whenBothLimitsAreExhaustedTheEvictionsAreTheUnion() {
    QuotaPolicy policy = policy(1, 1, ExhaustionAction.DESTROY_OLDEST_SESSION);
    Session alicesElsewhere = opened(candidate("alice", IP_B, T0, policy), policy);
    Session bobsHere = opened(candidate("bob", IP_A, T0.plusSeconds(1), policy), policy);

    List<Session> ended =
        openedWithEnded(candidate("alice", IP_A, T0.plusSeconds(2), policy), policy);

    assertThat(ended)
        .extracting(Session::id)
        .containsExactlyInAnyOrder(alicesElsewhere.id(), bobsHere.id());
    assertThat(ended)
        .filteredOn(s -> s.id().equals(alicesElsewhere.id()))
        .extracting(s -> s.end().cause().scope())
        .containsExactly(Scope.USER);
    assertThat(ended)
        .filteredOn(s -> s.id().equals(bobsHere.id()))
        .extracting(s -> s.end().cause().scope())
        .containsExactly(Scope.IP);
  }

  @Test
  default void anExhaustedAddressLimitRefusesUnderDenyAccessAndEndsNothing() {
    QuotaPolicy policy = policy(5, 1, ExhaustionAction.DENY_ACCESS);
    opened(candidate("bob", IP_A, T0, policy), policy);

    OpenResult result = store().open(candidate("alice", IP_A, T0.plusSeconds(1), policy), policy);

    assertThat(result).isInstanceOf(OpenResult.Refused.class);
    assertThat(((OpenResult.Refused) result).deny().scope()).isEqualTo(Scope.IP);
    assertThat(store().liveSessionsFrom(IP_A, T0.plusSeconds(1))).hasSize(1);
    assertThat(announced()).isEmpty();
  }

  @Test
  default void anEvictedSessionRecordsTheLoginThatCausedIt() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DESTROY_OLDEST_SESSION);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);
    Session second = candidate("alice", IP_B, T0.plusSeconds(42), policy);
    opened(second, policy);

    Lookup lookup = store().find(first.tokenHash(), T0.plusSeconds(43));

    assertThat(lookup).isInstanceOf(Lookup.Ended.class);
    SessionEnd end = ((Lookup.Ended) lookup).session().end();
    assertThat(end.reason()).isEqualTo(EndReason.SESSION_LIMIT_REACHED);
    assertThat(end.at()).isEqualTo(T0.plusSeconds(42));
    assertThat(end.cause().scope()).isEqualTo(Scope.USER);
    assertThat(end.cause().limit()).isEqualTo(1);
    assertThat(end.cause().loginAt()).isEqualTo(T0.plusSeconds(42));
    assertThat(end.cause().loginIp()).isEqualTo(IP_B);
    assertThat(end.cause().loginUserAgent()).isEqualTo("Firefox on Linux");
    assertThat(end.cause().loginSessionId()).isEqualTo(second.id());
    assertThat(announced()).extracting(Session::id).containsExactly(first.id());
  }
}
