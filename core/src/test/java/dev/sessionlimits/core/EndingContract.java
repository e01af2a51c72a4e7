package dev.sessionlimits.core;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.policy;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Ending sessions, the tombstones they leave, and the password entries of re-authentication. Part
 * of the {@link SessionStoreContract}.
 */
public interface EndingContract extends StoreUnderContract {

  @Test
  default void anEndedSessionIsATombstoneWithItsReasonForSevenDays() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    SessionEnd revoke =
        new SessionEnd(EndReason.REVOKED_BY_ADMIN, T0.plusSeconds(5), EndCause.byActor("admin"));

    assertThat(store().end(session.id(), revoke))
        .hasValueSatisfying(s -> assertThat(s.end()).isEqualTo(revoke));

    Instant sixDaysLater = T0.plus(Duration.ofDays(6));
    assertThat(store().purge(sixDaysLater).forgotten()).isZero();
    Lookup lookup = store().touch(session.tokenHash(), sixDaysLater, IDLE);
    assertThat(lookup).isInstanceOf(Lookup.Ended.class);
    assertThat(((Lookup.Ended) lookup).session().end().reason())
        .isEqualTo(EndReason.REVOKED_BY_ADMIN);
    assertThat(((Lookup.Ended) lookup).session().end().cause().actor()).isEqualTo("admin");
    assertThat(store().liveSessionsOfUser("alice", sixDaysLater)).isEmpty();

    Instant eightDaysLater = T0.plus(Duration.ofDays(8));
    assertThat(store().purge(eightDaysLater).forgotten()).isEqualTo(1);
    assertThat(store().find(session.tokenHash(), eightDaysLater)).isSameAs(Lookup.UNKNOWN);
    assertThat(store().get(session.id())).isEmpty();
  }

  @Test
  default void aSessionEndsOnlyOnceAndTheFirstReasonStands() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);

    assertThat(store().end(session.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(1))))
        .isPresent();
    assertThat(
            store().end(session.id(), SessionEnd.of(EndReason.REVOKED_BY_ADMIN, T0.plusSeconds(2))))
        .isEmpty();

    assertThat(store().get(session.id()))
        .hasValueSatisfying(s -> assertThat(s.end().reason()).isEqualTo(EndReason.LOGGED_OUT));
    assertThat(announced()).hasSize(1);
  }

  @Test
  default void endingAnExpiredSessionRecordsItsExpiryInstead() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);

    Instant late = T0.plus(IDLE).plusSeconds(5);
    assertThat(store().end(session.id(), SessionEnd.of(EndReason.LOGGED_OUT, late))).isEmpty();

    assertThat(store().get(session.id()))
        .hasValueSatisfying(
            s -> {
              assertThat(s.end().reason()).isEqualTo(EndReason.IDLE_TIMEOUT);
              assertThat(s.end().at()).isEqualTo(T0.plus(IDLE));
            });
  }

  @Test
  default void purgeRecordsExpiredSessionsAndTellsTheListeners() {
    QuotaPolicy policy = userLimit(5, ExhaustionAction.DENY_ACCESS);
    Session expiring = opened(candidate("alice", IP_A, T0, policy), policy);
    Session staying = opened(candidate("alice", IP_A, T0.plusSeconds(600), policy), policy);

    SessionStore.PurgeResult result = store().purge(T0.plus(IDLE).plusSeconds(1));

    assertThat(result.expired()).isEqualTo(1);
    assertThat(announced()).extracting(Session::id).containsExactly(expiring.id());
    assertThat(announced().get(0).end().reason()).isEqualTo(EndReason.IDLE_TIMEOUT);
    assertThat(store().get(staying.id())).hasValueSatisfying(s -> assertThat(s.end()).isNull());
  }

  @Test
  default void listenersHearEveryEndingAndAFailingListenerDisturbsNothing() {
    List<Session> heard = new CopyOnWriteArrayList<>();
    store()
        .subscribe(
            s -> {
              throw new IllegalStateException("listener failure for the test");
            });
    SessionStore.Subscription subscription = store().subscribe(heard::add);
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DESTROY_OLDEST_SESSION);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);
    Session second = opened(candidate("alice", IP_A, T0.plusSeconds(1), policy), policy);
    store().end(second.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(2)));
    subscription.close();
    Session third = opened(candidate("alice", IP_A, T0.plusSeconds(3), policy), policy);
    store().end(third.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(4)));

    assertThat(heard).extracting(Session::id).containsExactly(first.id(), second.id());
    assertThat(heard)
        .extracting(s -> s.end().reason())
        .containsExactly(EndReason.SESSION_LIMIT_REACHED, EndReason.LOGGED_OUT);
  }

  @Test
  default void listsLiveSessionsByUserByAddressAndAll() {
    QuotaPolicy policy = Fixtures.unlimited();
    Session a1 = opened(candidate("alice", IP_A, T0, policy), policy);
    Session a2 = opened(candidate("alice", IP_B, T0.plusSeconds(1), policy), policy);
    Session b1 = opened(candidate("bob", IP_A, T0.plusSeconds(2), policy), policy);
    store().end(a2.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(3)));
    Instant now = T0.plusSeconds(4);

    assertThat(store().liveSessionsOfUser("alice", now))
        .extracting(Session::id)
        .containsExactly(a1.id());
    assertThat(store().liveSessionsFrom(IP_A, now))
        .extracting(Session::id)
        .containsExactly(a1.id(), b1.id());
    assertThat(store().liveSessionsFrom(IP_B, now)).isEmpty();
    assertThat(store().liveSessions(now)).extracting(Session::id).containsExactly(a1.id(), b1.id());
    assertThat(store().liveSessionsOfUser("nobody", now)).isEmpty();
  }

  @Test
  default void aStoredSessionKeepsEveryField() {
    QuotaPolicy policy =
        new QuotaPolicy(-1, -1, ExhaustionAction.DENY_ACCESS, IDLE, Duration.ofHours(8));
    Session candidate =
        Session.open(
            "s-fields",
            TokenHash.of("fields-token"),
            new LoginAttempt(
                "alice",
                "2001:db8::1",
                "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
                "work laptop",
                "password"),
            T0,
            policy);
    opened(candidate, policy);

    assertThat(store().get("s-fields")).contains(candidate);
    assertThat(store().find(TokenHash.of("fields-token"), T0))
        .isEqualTo(new Lookup.Live(candidate));
  }

  // ---- password entries (re-authentication)

  @Test
  default void aSessionsLastPasswordEntryIsItsLoginUntilAnotherIsRecorded() {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    Session other = opened(candidate("alice", IP_B, T0.plusSeconds(1), policy), policy);
    assertThat(store().lastPasswordEntry(session.id())).contains(T0);

    Instant entered = T0.plusSeconds(400).plusNanos(123_456_000);
    assertThat(store().recordPasswordEntry(session.id(), entered)).isTrue();

    assertThat(store().lastPasswordEntry(session.id())).contains(entered);
    assertThat(store().lastPasswordEntry(other.id()))
        .as("only that session")
        .contains(T0.plusSeconds(1));
    assertThat(store().find(session.tokenHash(), T0.plusSeconds(401)))
        .isInstanceOf(Lookup.Live.class);
  }

  @Test
  default void aRecordedPasswordEntryNeverMovesBack() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    assertThat(store().recordPasswordEntry(session.id(), T0.plusSeconds(600))).isTrue();

    assertThat(store().recordPasswordEntry(session.id(), T0.plusSeconds(300))).isTrue();

    assertThat(store().lastPasswordEntry(session.id())).contains(T0.plusSeconds(600));
  }

  @Test
  default void anEndedOrUnknownSessionHasNoPasswordEntryAndRecordsNone() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    store().end(session.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(1)));

    assertThat(store().recordPasswordEntry(session.id(), T0.plusSeconds(2))).isFalse();
    assertThat(store().lastPasswordEntry(session.id())).isEmpty();
    assertThat(store().recordPasswordEntry("no-such-id", T0.plusSeconds(2))).isFalse();
    assertThat(store().lastPasswordEntry("no-such-id")).isEmpty();
  }
}
