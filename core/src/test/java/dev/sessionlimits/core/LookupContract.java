package dev.sessionlimits.core;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.policy;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Finding a session by its token, touching it, and its expiry. Part of the {@link
 * SessionStoreContract}.
 */
public interface LookupContract extends StoreUnderContract {

  @Test
  default void expiredSessionsDoNotCountTowardTheLimit() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);

    Instant later = T0.plus(IDLE).plusSeconds(1);
    Session second = opened(candidate("alice", IP_A, later, policy), policy);

    assertThat(store().liveSessionsOfUser("alice", later))
        .extracting(Session::id)
        .containsExactly(second.id());
    Lookup lookup = store().find(first.tokenHash(), later);
    assertThat(lookup).isInstanceOf(Lookup.Ended.class);
    assertThat(((Lookup.Ended) lookup).session().end().reason()).isEqualTo(EndReason.IDLE_TIMEOUT);
  }

  @Test
  default void findReportsALiveSessionWithoutExtendingIt() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);

    Lookup lookup = store().find(session.tokenHash(), T0.plusSeconds(600));

    assertThat(lookup).isInstanceOf(Lookup.Live.class);
    assertThat(((Lookup.Live) lookup).session().expiresAt()).isEqualTo(T0.plus(IDLE));
    assertThat(store().find(session.tokenHash(), T0.plus(IDLE))).isInstanceOf(Lookup.Ended.class);
  }

  @Test
  default void touchMovesTheIdleExpiry() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);

    Lookup touched = store().touch(session.tokenHash(), T0.plusSeconds(600), IDLE);

    assertThat(((Lookup.Live) touched).session().expiresAt())
        .isEqualTo(T0.plusSeconds(600).plus(IDLE));
    assertThat(((Lookup.Live) touched).session().lastSeenAt()).isEqualTo(T0.plusSeconds(600));
    Lookup later = store().find(session.tokenHash(), T0.plus(IDLE).plusSeconds(1));
    assertThat(later).isInstanceOf(Lookup.Live.class);
    assertThat(((Lookup.Live) later).session().lastSeenAt()).isEqualTo(T0.plusSeconds(600));
  }

  @Test
  default void touchesWithinOneSecondAreCoalesced() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    store().touch(session.tokenHash(), T0.plusSeconds(100), IDLE);

    Lookup within = store().touch(session.tokenHash(), T0.plusSeconds(100).plusMillis(900), IDLE);
    Lookup after = store().touch(session.tokenHash(), T0.plusSeconds(101).plusMillis(100), IDLE);

    assertThat(((Lookup.Live) within).session().lastSeenAt()).isEqualTo(T0.plusSeconds(100));
    assertThat(((Lookup.Live) after).session().lastSeenAt())
        .isEqualTo(T0.plusSeconds(101).plusMillis(100));
  }

  @Test
  default void anAnswerWithoutWaitingIsTheAnswerFindAndTouchGive() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    assertThat(store().find(session.tokenHash(), T0.plusSeconds(1)))
        .isInstanceOf(Lookup.Live.class);

    Immediate<Lookup> found = store().findWithoutWaiting(session.tokenHash(), T0.plusSeconds(600));
    Immediate<Lookup> touched =
        store().touchWithoutWaiting(session.tokenHash(), T0.plusSeconds(600), IDLE);

    if (answersLiveSessionsWithoutWaiting()) {
      assertThat(found).isInstanceOf(Immediate.Known.class);
      assertThat(touched).isInstanceOf(Immediate.Known.class);
    }
    if (found instanceof Immediate.Known<Lookup> known) {
      assertThat(((Lookup.Live) known.value()).session().id()).isEqualTo(session.id());
      assertThat(((Lookup.Live) known.value()).session().expiresAt()).isEqualTo(T0.plus(IDLE));
    }
    if (touched instanceof Immediate.Known<Lookup> known) {
      assertThat(((Lookup.Live) known.value()).session().expiresAt())
          .isEqualTo(T0.plusSeconds(600).plus(IDLE));
      Lookup later = store().find(session.tokenHash(), T0.plus(IDLE).plusSeconds(1));
      assertThat(((Lookup.Live) later).session().lastSeenAt()).isEqualTo(T0.plusSeconds(600));
    }
  }

  @Test
  default void anExpiredEndedOrUnknownSessionIsNeverAnsweredWithoutWaiting() {
    QuotaPolicy policy = userLimit(-1, ExhaustionAction.DENY_ACCESS);
    Session expiring = opened(candidate("alice", IP_A, T0, policy), policy);
    Session revoked = opened(candidate("bob", IP_A, T0, policy), policy);
    store().find(expiring.tokenHash(), T0.plusSeconds(1));
    store().find(revoked.tokenHash(), T0.plusSeconds(1));
    store().end(revoked.id(), SessionEnd.of(EndReason.REVOKED_BY_ADMIN, T0.plusSeconds(2)));
    Instant expired = T0.plus(IDLE);

    assertThat(store().findWithoutWaiting(expiring.tokenHash(), expired))
        .isInstanceOf(Immediate.MustWait.class);
    assertThat(store().touchWithoutWaiting(expiring.tokenHash(), expired, IDLE))
        .isInstanceOf(Immediate.MustWait.class);
    assertThat(answeredLive(store().findWithoutWaiting(revoked.tokenHash(), T0.plusSeconds(3))))
        .as("an ended session answered live")
        .isFalse();
    assertThat(
            answeredLive(store().touchWithoutWaiting(revoked.tokenHash(), T0.plusSeconds(3), IDLE)))
        .as("an ended session answered live")
        .isFalse();
    assertThat(store().findWithoutWaiting(TokenHash.of("no-such-token"), T0))
        .isInstanceOf(Immediate.MustWait.class);
    assertThat(store().touchWithoutWaiting(TokenHash.of("no-such-token"), T0, IDLE))
        .isInstanceOf(Immediate.MustWait.class);
    Lookup recorded = store().find(expiring.tokenHash(), expired);
    assertThat(((Lookup.Ended) recorded).session().end().reason())
        .isEqualTo(EndReason.IDLE_TIMEOUT);
  }

  private static boolean answeredLive(Immediate<Lookup> answer) {
    return answer instanceof Immediate.Known<Lookup> known && known.value() instanceof Lookup.Live;
  }

  @Test
  default void maxLifetimeEndsASessionWhateverItsActivity() {
    QuotaPolicy policy =
        new QuotaPolicy(-1, -1, ExhaustionAction.DENY_ACCESS, IDLE, Duration.ofHours(1));
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    for (int minute = 20; minute < 60; minute += 20) {
      store().touch(session.tokenHash(), T0.plusSeconds(minute * 60L), IDLE);
    }
    Lookup beforeEnd = store().touch(session.tokenHash(), T0.plusSeconds(59 * 60), IDLE);
    assertThat(((Lookup.Live) beforeEnd).session().expiresAt()).isEqualTo(T0.plusSeconds(3600));

    Lookup after = store().touch(session.tokenHash(), T0.plusSeconds(3600), IDLE);

    assertThat(after).isInstanceOf(Lookup.Ended.class);
    assertThat(((Lookup.Ended) after).session().end().reason()).isEqualTo(EndReason.MAX_LIFETIME);
  }

  @Test
  default void anUnknownTokenIsUnknown() {
    assertThat(store().find(TokenHash.of("no-such-token"), T0)).isSameAs(Lookup.UNKNOWN);
    assertThat(store().touch(TokenHash.of("no-such-token"), T0, IDLE)).isSameAs(Lookup.UNKNOWN);
    assertThat(store().get("no-such-id")).isEmpty();
    assertThat(store().end("no-such-id", SessionEnd.of(EndReason.LOGGED_OUT, T0))).isEmpty();
  }
}
