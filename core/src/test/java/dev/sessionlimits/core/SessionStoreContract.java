package dev.sessionlimits.core;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.policy;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * The behaviour every {@link SessionStore} must have. A store's test class extends this and says
 * how to make a fresh, empty store; the store gets all of these tests. Times are passed explicitly,
 * so no test waits for a clock.
 */
public abstract class SessionStoreContract {

  protected static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  protected static final String IP_A = "203.0.113.7";
  protected static final String IP_B = "198.51.100.4";

  protected SessionStore store;
  private final List<Session> announced = new CopyOnWriteArrayList<>();

  /** A new, empty store; it is closed after the test. */
  protected abstract SessionStore createStore() throws Exception;

  /** How many threads the concurrent bursts use; a store may lower it to fit its pool. */
  protected int burstThreads() {
    return 64;
  }

  /**
   * Whether this store answers a live session it has just read from memory, without waiting ({@link
   * SessionStore#findWithoutWaiting}); a store that never does answers {@code MustWait} and passes.
   */
  protected boolean answersLiveSessionsWithoutWaiting() {
    return false;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = createStore();
    store.subscribe(announced::add);
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  // ---- opening under the limits

  @Test
  void opensSessionsWhileUnderTheLimit() {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DENY_ACCESS);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);
    Session second = opened(candidate("alice", IP_B, T0.plusSeconds(1), policy), policy);

    assertThat(store.liveSessionsOfUser("alice", T0.plusSeconds(2)))
        .extracting(Session::id)
        .containsExactly(first.id(), second.id());
  }

  @Test
  void deniesTheSecondLoginUnderDenyAccess() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);

    OpenResult result = store.open(candidate("alice", IP_B, T0.plusSeconds(5), policy), policy);

    assertThat(result).isInstanceOf(OpenResult.Refused.class);
    QuotaDecision.Deny deny = ((OpenResult.Refused) result).deny();
    assertThat(deny.scope()).isEqualTo(Scope.USER);
    assertThat(deny.limit()).isEqualTo(1);
    assertThat(deny.active()).isEqualTo(1);
    assertThat(store.liveSessionsOfUser("alice", T0.plusSeconds(5)))
        .extracting(Session::id)
        .containsExactly(first.id());
    assertThat(announced).isEmpty();
  }

  @Test
  void destroyNextExpiringEndsTheSessionThatExpiresSoonest() {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DESTROY_NEXT_EXPIRING);
    Session older = opened(candidate("alice", IP_A, T0, policy), policy);
    Session newer = opened(candidate("alice", IP_A, T0.plusSeconds(60), policy), policy);
    store.touch(older.tokenHash(), T0.plusSeconds(120), IDLE);

    List<Session> ended =
        openedWithEnded(candidate("alice", IP_A, T0.plusSeconds(180), policy), policy);

    assertThat(ended).extracting(Session::id).containsExactly(newer.id());
    assertThat(store.find(older.tokenHash(), T0.plusSeconds(180))).isInstanceOf(Lookup.Live.class);
  }

  @Test
  void destroyNextExpiringBreaksTiesByCreationThenById() {
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
  void destroyOldestSessionEndsTheEarliestCreated() {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DESTROY_OLDEST_SESSION);
    Session oldest = opened(candidate("alice", IP_A, T0, policy), policy);
    Session middle = opened(candidate("alice", IP_A, T0.plusSeconds(60), policy), policy);
    store.touch(middle.tokenHash(), T0.plusSeconds(61), IDLE);
    store.touch(oldest.tokenHash(), T0.plusSeconds(120), IDLE);

    List<Session> ended =
        openedWithEnded(candidate("alice", IP_A, T0.plusSeconds(180), policy), policy);

    assertThat(ended).extracting(Session::id).containsExactly(oldest.id());
  }

  @Test
  void destroyOldSessionsEndsEveryOtherSessionAndLeavesOnlyTheNewOne() {
    QuotaPolicy policy = userLimit(3, ExhaustionAction.DESTROY_OLD_SESSIONS);
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      before.add(opened(candidate("alice", IP_A, T0.plusSeconds(i), policy), policy).id());
    }

    Session newest = candidate("alice", IP_A, T0.plusSeconds(10), policy);
    List<Session> ended = openedWithEnded(newest, policy);

    assertThat(ended).extracting(Session::id).containsExactlyInAnyOrderElementsOf(before);
    assertThat(store.liveSessionsOfUser("alice", T0.plusSeconds(10)))
        .extracting(Session::id)
        .containsExactly(newest.id());
  }

  @ParameterizedTest
  @CsvSource({"DESTROY_NEXT_EXPIRING", "DESTROY_OLDEST_SESSION"})
  void aLoweredLimitTrimsToFitAtTheNextLogin(String actionName) {
    ExhaustionAction action = ExhaustionActions.builtIns().require(actionName);
    QuotaPolicy generous = userLimit(10, action);
    for (int i = 0; i < 5; i++) {
      opened(candidate("alice", IP_A, T0.plusSeconds(i), generous), generous);
    }
    QuotaPolicy lowered = userLimit(2, action);

    List<Session> ended =
        openedWithEnded(candidate("alice", IP_A, T0.plusSeconds(10), lowered), lowered);

    assertThat(ended).hasSize(4);
    assertThat(store.liveSessionsOfUser("alice", T0.plusSeconds(10))).hasSize(2);
  }

  @Test
  void theAddressLimitEndsOtherUsersSessionsFromThatAddress() {
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
    assertThat(store.liveSessionsFrom(IP_A, T0.plusSeconds(3))).hasSize(2);
    assertThat(store.liveSessionsOfUser("bob", T0.plusSeconds(3))).hasSize(1);
  }

  @Test
  void whenBothLimitsAreExhaustedTheEvictionsAreTheUnion() {
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
  void anExhaustedAddressLimitRefusesUnderDenyAccessAndEndsNothing() {
    QuotaPolicy policy = policy(5, 1, ExhaustionAction.DENY_ACCESS);
    opened(candidate("bob", IP_A, T0, policy), policy);

    OpenResult result = store.open(candidate("alice", IP_A, T0.plusSeconds(1), policy), policy);

    assertThat(result).isInstanceOf(OpenResult.Refused.class);
    assertThat(((OpenResult.Refused) result).deny().scope()).isEqualTo(Scope.IP);
    assertThat(store.liveSessionsFrom(IP_A, T0.plusSeconds(1))).hasSize(1);
    assertThat(announced).isEmpty();
  }

  @Test
  void anEvictedSessionRecordsTheLoginThatCausedIt() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DESTROY_OLDEST_SESSION);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);
    Session second = candidate("alice", IP_B, T0.plusSeconds(42), policy);
    opened(second, policy);

    Lookup lookup = store.find(first.tokenHash(), T0.plusSeconds(43));

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
    assertThat(announced).extracting(Session::id).containsExactly(first.id());
  }

  // ---- expiry, touch, find

  @Test
  void expiredSessionsDoNotCountTowardTheLimit() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);

    Instant later = T0.plus(IDLE).plusSeconds(1);
    Session second = opened(candidate("alice", IP_A, later, policy), policy);

    assertThat(store.liveSessionsOfUser("alice", later))
        .extracting(Session::id)
        .containsExactly(second.id());
    Lookup lookup = store.find(first.tokenHash(), later);
    assertThat(lookup).isInstanceOf(Lookup.Ended.class);
    assertThat(((Lookup.Ended) lookup).session().end().reason()).isEqualTo(EndReason.IDLE_TIMEOUT);
  }

  @Test
  void findReportsALiveSessionWithoutExtendingIt() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);

    Lookup lookup = store.find(session.tokenHash(), T0.plusSeconds(600));

    assertThat(lookup).isInstanceOf(Lookup.Live.class);
    assertThat(((Lookup.Live) lookup).session().expiresAt()).isEqualTo(T0.plus(IDLE));
    assertThat(store.find(session.tokenHash(), T0.plus(IDLE))).isInstanceOf(Lookup.Ended.class);
  }

  @Test
  void touchMovesTheIdleExpiry() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);

    Lookup touched = store.touch(session.tokenHash(), T0.plusSeconds(600), IDLE);

    assertThat(((Lookup.Live) touched).session().expiresAt())
        .isEqualTo(T0.plusSeconds(600).plus(IDLE));
    assertThat(((Lookup.Live) touched).session().lastSeenAt()).isEqualTo(T0.plusSeconds(600));
    Lookup later = store.find(session.tokenHash(), T0.plus(IDLE).plusSeconds(1));
    assertThat(later).isInstanceOf(Lookup.Live.class);
    assertThat(((Lookup.Live) later).session().lastSeenAt()).isEqualTo(T0.plusSeconds(600));
  }

  @Test
  void touchesWithinOneSecondAreCoalesced() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    store.touch(session.tokenHash(), T0.plusSeconds(100), IDLE);

    Lookup within = store.touch(session.tokenHash(), T0.plusSeconds(100).plusMillis(900), IDLE);
    Lookup after = store.touch(session.tokenHash(), T0.plusSeconds(101).plusMillis(100), IDLE);

    assertThat(((Lookup.Live) within).session().lastSeenAt()).isEqualTo(T0.plusSeconds(100));
    assertThat(((Lookup.Live) after).session().lastSeenAt())
        .isEqualTo(T0.plusSeconds(101).plusMillis(100));
  }

  @Test
  void anAnswerWithoutWaitingIsTheAnswerFindAndTouchGive() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    assertThat(store.find(session.tokenHash(), T0.plusSeconds(1))).isInstanceOf(Lookup.Live.class);

    Immediate<Lookup> found = store.findWithoutWaiting(session.tokenHash(), T0.plusSeconds(600));
    Immediate<Lookup> touched =
        store.touchWithoutWaiting(session.tokenHash(), T0.plusSeconds(600), IDLE);

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
      Lookup later = store.find(session.tokenHash(), T0.plus(IDLE).plusSeconds(1));
      assertThat(((Lookup.Live) later).session().lastSeenAt()).isEqualTo(T0.plusSeconds(600));
    }
  }

  @Test
  void anExpiredEndedOrUnknownSessionIsNeverAnsweredWithoutWaiting() {
    QuotaPolicy policy = userLimit(-1, ExhaustionAction.DENY_ACCESS);
    Session expiring = opened(candidate("alice", IP_A, T0, policy), policy);
    Session revoked = opened(candidate("bob", IP_A, T0, policy), policy);
    store.find(expiring.tokenHash(), T0.plusSeconds(1));
    store.find(revoked.tokenHash(), T0.plusSeconds(1));
    store.end(revoked.id(), SessionEnd.of(EndReason.REVOKED_BY_ADMIN, T0.plusSeconds(2)));
    Instant expired = T0.plus(IDLE);

    assertThat(store.findWithoutWaiting(expiring.tokenHash(), expired))
        .isInstanceOf(Immediate.MustWait.class);
    assertThat(store.touchWithoutWaiting(expiring.tokenHash(), expired, IDLE))
        .isInstanceOf(Immediate.MustWait.class);
    assertThat(answeredLive(store.findWithoutWaiting(revoked.tokenHash(), T0.plusSeconds(3))))
        .as("an ended session answered live")
        .isFalse();
    assertThat(
            answeredLive(store.touchWithoutWaiting(revoked.tokenHash(), T0.plusSeconds(3), IDLE)))
        .as("an ended session answered live")
        .isFalse();
    assertThat(store.findWithoutWaiting(TokenHash.of("no-such-token"), T0))
        .isInstanceOf(Immediate.MustWait.class);
    assertThat(store.touchWithoutWaiting(TokenHash.of("no-such-token"), T0, IDLE))
        .isInstanceOf(Immediate.MustWait.class);
    Lookup recorded = store.find(expiring.tokenHash(), expired);
    assertThat(((Lookup.Ended) recorded).session().end().reason())
        .isEqualTo(EndReason.IDLE_TIMEOUT);
  }

  private static boolean answeredLive(Immediate<Lookup> answer) {
    return answer instanceof Immediate.Known<Lookup> known && known.value() instanceof Lookup.Live;
  }

  @Test
  void maxLifetimeEndsASessionWhateverItsActivity() {
    QuotaPolicy policy =
        new QuotaPolicy(-1, -1, ExhaustionAction.DENY_ACCESS, IDLE, Duration.ofHours(1));
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    for (int minute = 20; minute < 60; minute += 20) {
      store.touch(session.tokenHash(), T0.plusSeconds(minute * 60L), IDLE);
    }
    Lookup beforeEnd = store.touch(session.tokenHash(), T0.plusSeconds(59 * 60), IDLE);
    assertThat(((Lookup.Live) beforeEnd).session().expiresAt()).isEqualTo(T0.plusSeconds(3600));

    Lookup after = store.touch(session.tokenHash(), T0.plusSeconds(3600), IDLE);

    assertThat(after).isInstanceOf(Lookup.Ended.class);
    assertThat(((Lookup.Ended) after).session().end().reason()).isEqualTo(EndReason.MAX_LIFETIME);
  }

  @Test
  void anUnknownTokenIsUnknown() {
    assertThat(store.find(TokenHash.of("no-such-token"), T0)).isSameAs(Lookup.UNKNOWN);
    assertThat(store.touch(TokenHash.of("no-such-token"), T0, IDLE)).isSameAs(Lookup.UNKNOWN);
    assertThat(store.get("no-such-id")).isEmpty();
    assertThat(store.end("no-such-id", SessionEnd.of(EndReason.LOGGED_OUT, T0))).isEmpty();
  }

  // ---- ending and tombstones

  @Test
  void anEndedSessionIsATombstoneWithItsReasonForSevenDays() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    SessionEnd revoke =
        new SessionEnd(EndReason.REVOKED_BY_ADMIN, T0.plusSeconds(5), EndCause.byActor("admin"));

    assertThat(store.end(session.id(), revoke))
        .hasValueSatisfying(s -> assertThat(s.end()).isEqualTo(revoke));

    Instant sixDaysLater = T0.plus(Duration.ofDays(6));
    assertThat(store.purge(sixDaysLater).forgotten()).isZero();
    Lookup lookup = store.touch(session.tokenHash(), sixDaysLater, IDLE);
    assertThat(lookup).isInstanceOf(Lookup.Ended.class);
    assertThat(((Lookup.Ended) lookup).session().end().reason())
        .isEqualTo(EndReason.REVOKED_BY_ADMIN);
    assertThat(((Lookup.Ended) lookup).session().end().cause().actor()).isEqualTo("admin");
    assertThat(store.liveSessionsOfUser("alice", sixDaysLater)).isEmpty();

    Instant eightDaysLater = T0.plus(Duration.ofDays(8));
    assertThat(store.purge(eightDaysLater).forgotten()).isEqualTo(1);
    assertThat(store.find(session.tokenHash(), eightDaysLater)).isSameAs(Lookup.UNKNOWN);
    assertThat(store.get(session.id())).isEmpty();
  }

  @Test
  void aSessionEndsOnlyOnceAndTheFirstReasonStands() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);

    assertThat(store.end(session.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(1))))
        .isPresent();
    assertThat(
            store.end(session.id(), SessionEnd.of(EndReason.REVOKED_BY_ADMIN, T0.plusSeconds(2))))
        .isEmpty();

    assertThat(store.get(session.id()))
        .hasValueSatisfying(s -> assertThat(s.end().reason()).isEqualTo(EndReason.LOGGED_OUT));
    assertThat(announced).hasSize(1);
  }

  @Test
  void endingAnExpiredSessionRecordsItsExpiryInstead() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);

    Instant late = T0.plus(IDLE).plusSeconds(5);
    assertThat(store.end(session.id(), SessionEnd.of(EndReason.LOGGED_OUT, late))).isEmpty();

    assertThat(store.get(session.id()))
        .hasValueSatisfying(
            s -> {
              assertThat(s.end().reason()).isEqualTo(EndReason.IDLE_TIMEOUT);
              assertThat(s.end().at()).isEqualTo(T0.plus(IDLE));
            });
  }

  @Test
  void purgeRecordsExpiredSessionsAndTellsTheListeners() {
    QuotaPolicy policy = userLimit(5, ExhaustionAction.DENY_ACCESS);
    Session expiring = opened(candidate("alice", IP_A, T0, policy), policy);
    Session staying = opened(candidate("alice", IP_A, T0.plusSeconds(600), policy), policy);

    SessionStore.PurgeResult result = store.purge(T0.plus(IDLE).plusSeconds(1));

    assertThat(result.expired()).isEqualTo(1);
    assertThat(announced).extracting(Session::id).containsExactly(expiring.id());
    assertThat(announced.get(0).end().reason()).isEqualTo(EndReason.IDLE_TIMEOUT);
    assertThat(store.get(staying.id())).hasValueSatisfying(s -> assertThat(s.end()).isNull());
  }

  @Test
  void listenersHearEveryEndingAndAFailingListenerDisturbsNothing() {
    List<Session> heard = new CopyOnWriteArrayList<>();
    store.subscribe(
        s -> {
          throw new IllegalStateException("listener failure for the test");
        });
    SessionStore.Subscription subscription = store.subscribe(heard::add);
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DESTROY_OLDEST_SESSION);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);
    Session second = opened(candidate("alice", IP_A, T0.plusSeconds(1), policy), policy);
    store.end(second.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(2)));
    subscription.close();
    Session third = opened(candidate("alice", IP_A, T0.plusSeconds(3), policy), policy);
    store.end(third.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(4)));

    assertThat(heard).extracting(Session::id).containsExactly(first.id(), second.id());
    assertThat(heard)
        .extracting(s -> s.end().reason())
        .containsExactly(EndReason.SESSION_LIMIT_REACHED, EndReason.LOGGED_OUT);
  }

  @Test
  void listsLiveSessionsByUserByAddressAndAll() {
    QuotaPolicy policy = Fixtures.unlimited();
    Session a1 = opened(candidate("alice", IP_A, T0, policy), policy);
    Session a2 = opened(candidate("alice", IP_B, T0.plusSeconds(1), policy), policy);
    Session b1 = opened(candidate("bob", IP_A, T0.plusSeconds(2), policy), policy);
    store.end(a2.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(3)));
    Instant now = T0.plusSeconds(4);

    assertThat(store.liveSessionsOfUser("alice", now))
        .extracting(Session::id)
        .containsExactly(a1.id());
    assertThat(store.liveSessionsFrom(IP_A, now))
        .extracting(Session::id)
        .containsExactly(a1.id(), b1.id());
    assertThat(store.liveSessionsFrom(IP_B, now)).isEmpty();
    assertThat(store.liveSessions(now)).extracting(Session::id).containsExactly(a1.id(), b1.id());
    assertThat(store.liveSessionsOfUser("nobody", now)).isEmpty();
  }

  @Test
  void aStoredSessionKeepsEveryField() {
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

    assertThat(store.get("s-fields")).contains(candidate);
    assertThat(store.find(TokenHash.of("fields-token"), T0)).isEqualTo(new Lookup.Live(candidate));
  }

  // ---- password entries (re-authentication)

  @Test
  void aSessionsLastPasswordEntryIsItsLoginUntilAnotherIsRecorded() {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    Session other = opened(candidate("alice", IP_B, T0.plusSeconds(1), policy), policy);
    assertThat(store.lastPasswordEntry(session.id())).contains(T0);

    Instant entered = T0.plusSeconds(400).plusNanos(123_456_000);
    assertThat(store.recordPasswordEntry(session.id(), entered)).isTrue();

    assertThat(store.lastPasswordEntry(session.id())).contains(entered);
    assertThat(store.lastPasswordEntry(other.id()))
        .as("only that session")
        .contains(T0.plusSeconds(1));
    assertThat(store.find(session.tokenHash(), T0.plusSeconds(401)))
        .isInstanceOf(Lookup.Live.class);
  }

  @Test
  void aRecordedPasswordEntryNeverMovesBack() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    assertThat(store.recordPasswordEntry(session.id(), T0.plusSeconds(600))).isTrue();

    assertThat(store.recordPasswordEntry(session.id(), T0.plusSeconds(300))).isTrue();

    assertThat(store.lastPasswordEntry(session.id())).contains(T0.plusSeconds(600));
  }

  @Test
  void anEndedOrUnknownSessionHasNoPasswordEntryAndRecordsNone() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session session = opened(candidate("alice", IP_A, T0, policy), policy);
    store.end(session.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(1)));

    assertThat(store.recordPasswordEntry(session.id(), T0.plusSeconds(2))).isFalse();
    assertThat(store.lastPasswordEntry(session.id())).isEmpty();
    assertThat(store.recordPasswordEntry("no-such-id", T0.plusSeconds(2))).isFalse();
    assertThat(store.lastPasswordEntry("no-such-id")).isEmpty();
  }

  // ---- concurrency

  @ParameterizedTest(name = "limit {0}")
  @CsvSource({"1", "3"})
  void aBurstOfSimultaneousLoginsUnderDenyAccessAdmitsExactlyTheLimit(int limit) throws Exception {
    QuotaPolicy policy = userLimit(limit, ExhaustionAction.DENY_ACCESS);
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String user = "burst" + round;
      AtomicInteger maxSeen = new AtomicInteger();
      AtomicBoolean bursting = new AtomicBoolean(true);
      Thread watcher =
          new Thread(
              () -> {
                while (bursting.get()) {
                  // Under DENY_ACCESS nothing ends during the burst, so whatever a read counts was
                  // live at once.
                  maxSeen.accumulateAndGet(store.liveSessionsOfUser(user, T0).size(), Math::max);
                }
              });
      watcher.start();
      List<OpenResult> results;
      try {
        results =
            Burst.run(threads, i -> store.open(candidate(user, "10.0.0." + i, T0, policy), policy));
      } finally {
        bursting.set(false);
        watcher.join();
      }

      assertThat(results)
          .as("round %d", round)
          .filteredOn(r -> r instanceof OpenResult.Opened)
          .hasSize(limit);
      assertThat(results).filteredOn(r -> r instanceof OpenResult.Refused).hasSize(threads - limit);
      assertThat(store.liveSessionsOfUser(user, T0)).hasSize(limit);
      assertThat(maxSeen.get()).isLessThanOrEqualTo(limit);
    }
  }

  @ParameterizedTest(name = "{0}, limit {1}")
  @CsvSource({"DESTROY_NEXT_EXPIRING, 1", "DESTROY_OLDEST_SESSION, 3", "DESTROY_OLD_SESSIONS, 3"})
  void aBurstOfSimultaneousLoginsUnderAnEvictingActionLeavesExactlyTheLimit(
      String actionName, int limit) throws Exception {
    QuotaPolicy policy = userLimit(limit, ExhaustionActions.builtIns().require(actionName));
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String user = "burst" + round;

      List<OpenResult> results =
          Burst.run(threads, i -> store.open(candidate(user, "10.0.1." + i, T0, policy), policy));

      List<Session> opened = results.stream().map(r -> ((OpenResult.Opened) r).session()).toList();
      long endedByLimit =
          results.stream().mapToLong(r -> ((OpenResult.Opened) r).ended().size()).sum();
      List<Session> live = store.liveSessionsOfUser(user, T0);
      assertThat(opened).hasSize(threads);
      assertThat(live.size()).as("round %d", round).isLessThanOrEqualTo(limit).isPositive();
      assertThat(endedByLimit).isEqualTo(threads - live.size());
      assertThat(opened)
          .filteredOn(s -> store.find(s.tokenHash(), T0) instanceof Lookup.Live)
          .hasSize(live.size());
      if (!actionName.equals("DESTROY_OLD_SESSIONS")) {
        assertThat(live).hasSize(limit);
      }
    }
  }

  @Test
  void aBurstAgainstTheAddressLimitAdmitsExactlyTheLimitAcrossUsers() throws Exception {
    QuotaPolicy policy = policy(-1, 2, ExhaustionAction.DENY_ACCESS);
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String ip = "192.0.2." + (100 + round);

      List<OpenResult> results =
          Burst.run(threads, i -> store.open(candidate("user" + i, ip, T0, policy), policy));

      assertThat(results)
          .as("round %d", round)
          .filteredOn(r -> r instanceof OpenResult.Opened)
          .hasSize(2);
      assertThat(store.liveSessionsFrom(ip, T0)).hasSize(2);
    }
  }

  /** How many times each burst runs, each time for a new user or address. */
  protected int burstRounds() {
    return 5;
  }

  /** One step of a random sequence; a logout or touch picks among the sessions opened so far. */
  private sealed interface Step {}

  private record Login(int user, int ip) implements Step {}

  private record Logout(int pick) implements Step {}

  private record Touch(int pick) implements Step {}

  private record Wait(int seconds) implements Step {}

  /** Limits, the action at exhaustion and up to 30 steps; shrinking drops and simplifies steps. */
  private record Sequence(int userLimit, int ipLimit, String action, List<Step> steps) {}

  private static Gen<Sequence> sequences() {
    Gen<Integer> pick = Generate.range(0, 1_000);
    Gen<Step> step =
        Generate.frequency(
            Pair.of(6, Generate.range(0, 1).zip(Generate.range(0, 1), Login::new)),
            Pair.of(2, pick.map(Logout::new)),
            Pair.of(1, pick.map(Touch::new)),
            Pair.of(1, Generate.range(1, 899).map(Wait::new)));
    return Generate.range(1, 3)
        .zip(
            Generate.range(2, 4),
            Generate.pick(List.copyOf(ExhaustionActions.builtIns().names())),
            SourceDSL.lists().of(step).ofSizeBetween(1, 30),
            Sequence::new);
  }

  @Test
  void randomSequencesOfLoginsEndingsAndTimeNeverExceedALimit() {
    AtomicInteger runs = new AtomicInteger();
    qt().withExamples(sequenceTries())
        .withShrinkCycles(200)
        .forAll(sequences())
        .checkAssert(
            sequence -> {
              // Every run, shrinking's too, has its own users and addresses in the one store.
              int run = runs.incrementAndGet();
              String[] users = {"r" + run + "-alice", "r" + run + "-bob"};
              String net = "10." + (run >> 8 & 255) + "." + (run & 255) + ".";
              String[] ips = {net + "1", net + "2"};
              QuotaPolicy policy =
                  policy(
                      sequence.userLimit(),
                      sequence.ipLimit(),
                      ExhaustionActions.builtIns().require(sequence.action()));
              Instant now = T0;
              List<Session> opened = new ArrayList<>();
              for (int i = 0; i < sequence.steps().size(); i++) {
                Step step = sequence.steps().get(i);
                if (step instanceof Login login) {
                  Session candidate = candidate(users[login.user()], ips[login.ip()], now, policy);
                  if (store.open(candidate, policy) instanceof OpenResult.Opened o) {
                    opened.add(o.session());
                  }
                } else if (step instanceof Logout logout && !opened.isEmpty()) {
                  Session victim = opened.get(logout.pick() % opened.size());
                  store.end(victim.id(), SessionEnd.of(EndReason.LOGGED_OUT, now));
                } else if (step instanceof Touch touch && !opened.isEmpty()) {
                  store.touch(opened.get(touch.pick() % opened.size()).tokenHash(), now, IDLE);
                } else if (step instanceof Wait wait) {
                  now = now.plusSeconds(wait.seconds());
                }
                for (String user : users) {
                  assertThat(store.liveSessionsOfUser(user, now))
                      .as("%s after step %d", user, i)
                      .hasSizeLessThanOrEqualTo(policy.userLimit());
                }
                for (String ip : ips) {
                  assertThat(store.liveSessionsFrom(ip, now))
                      .as("%s after step %d", ip, i)
                      .hasSizeLessThanOrEqualTo(policy.ipLimit());
                }
              }
            });
  }

  /**
   * How many random sequences {@link #randomSequencesOfLoginsEndingsAndTimeNeverExceedALimit} runs.
   */
  protected int sequenceTries() {
    return 40;
  }

  // ---- signing in again (ASVS 7.2.4)

  @Test
  void aLoginThatPresentsItsSessionEndsItAsSupersededAndIsNotCountedAgainstIt() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session old = opened(candidate("alice", IP_A, T0, policy), policy);

    OpenResult result =
        store.open(candidate("alice", IP_A, T0.plusSeconds(5), policy), policy, old.tokenHash());

    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    OpenResult.Opened opened = (OpenResult.Opened) result;
    assertThat(opened.ended()).isEmpty();
    assertThat(opened.superseded().id()).isEqualTo(old.id());
    assertThat(opened.superseded().end().reason()).isEqualTo(EndReason.SUPERSEDED);
    assertThat(opened.superseded().end().cause().loginSessionId()).isEqualTo(opened.session().id());
    Lookup lookup = store.find(old.tokenHash(), T0.plusSeconds(6));
    assertThat(lookup).isInstanceOf(Lookup.Ended.class);
    assertThat(((Lookup.Ended) lookup).session().end().reason()).isEqualTo(EndReason.SUPERSEDED);
    assertThat(announced).extracting(Session::id).containsExactly(old.id());
    assertThat(store.liveSessionsOfUser("alice", T0.plusSeconds(6)))
        .extracting(Session::id)
        .containsExactly(opened.session().id());
  }

  @Test
  void signingInAgainAtTheLimitEvictsNoOtherDevice() {
    QuotaPolicy policy = policy(2, 2, ExhaustionAction.DESTROY_OLDEST_SESSION);
    Session phone = opened(candidate("alice", IP_A, T0, policy), policy);
    Session laptop = opened(candidate("alice", IP_A, T0.plusSeconds(1), policy), policy);

    OpenResult.Opened again =
        (OpenResult.Opened)
            store.open(
                candidate("alice", IP_A, T0.plusSeconds(2), policy), policy, laptop.tokenHash());

    assertThat(again.ended()).isEmpty();
    assertThat(again.superseded().id()).isEqualTo(laptop.id());
    assertThat(store.liveSessionsOfUser("alice", T0.plusSeconds(3)))
        .extracting(Session::id)
        .containsExactly(phone.id(), again.session().id());
  }

  @Test
  void aPresentedSessionOfAnotherUserEndsTooAndFreesItsPlaceAtTheAddress() {
    QuotaPolicy policy = policy(-1, 1, ExhaustionAction.DENY_ACCESS);
    Session bobs = opened(candidate("bob", IP_A, T0, policy), policy);

    OpenResult result =
        store.open(candidate("alice", IP_A, T0.plusSeconds(1), policy), policy, bobs.tokenHash());

    assertThat(((OpenResult.Opened) result).superseded().id()).isEqualTo(bobs.id());
    assertThat(store.find(bobs.tokenHash(), T0.plusSeconds(2))).isInstanceOf(Lookup.Ended.class);
    assertThat(store.liveSessionsFrom(IP_A, T0.plusSeconds(2)))
        .extracting(Session::user)
        .containsExactly("alice");
  }

  @Test
  void aRefusedLoginLeavesThePresentedSessionLive() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    opened(candidate("alice", IP_A, T0, policy), policy);
    Session bobs = opened(candidate("bob", IP_B, T0, policy), policy);

    OpenResult result =
        store.open(candidate("alice", IP_B, T0.plusSeconds(1), policy), policy, bobs.tokenHash());

    assertThat(result).isInstanceOf(OpenResult.Refused.class);
    assertThat(store.find(bobs.tokenHash(), T0.plusSeconds(2))).isInstanceOf(Lookup.Live.class);
    assertThat(announced).isEmpty();
  }

  @Test
  void anEndedOrUnknownPresentedTokenChangesNothingElse() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session old = opened(candidate("alice", IP_A, T0, policy), policy);
    store.end(old.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(1)));

    OpenResult.Opened afterLogout =
        (OpenResult.Opened)
            store.open(
                candidate("alice", IP_A, T0.plusSeconds(2), policy), policy, old.tokenHash());
    OpenResult unknown =
        store.open(
            candidate("alice", IP_A, T0.plusSeconds(3), policy),
            policy,
            TokenHash.of("never-issued"));

    assertThat(afterLogout.superseded()).isNull();
    assertThat(
            ((Lookup.Ended) store.find(old.tokenHash(), T0.plusSeconds(4)))
                .session()
                .end()
                .reason())
        .isEqualTo(EndReason.LOGGED_OUT);
    assertThat(unknown).isInstanceOf(OpenResult.Refused.class);
  }

  @Test
  void aBurstOfLoginsPresentingTheSameSessionsAdmitsOneLoginPerPresentedSession() throws Exception {
    int limit = 3;
    QuotaPolicy policy = userLimit(limit, ExhaustionAction.DENY_ACCESS);
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String user = "again" + round;
      List<Session> held = new ArrayList<>();
      for (int i = 0; i < limit; i++) {
        held.add(opened(candidate(user, "10.0.2." + i, T0, policy), policy));
      }

      List<OpenResult> results =
          Burst.run(
              threads,
              i ->
                  store.open(
                      candidate(user, "10.0.3." + i, T0.plusSeconds(1), policy),
                      policy,
                      held.get(i % limit).tokenHash()));

      List<OpenResult.Opened> admitted =
          results.stream()
              .filter(r -> r instanceof OpenResult.Opened)
              .map(r -> (OpenResult.Opened) r)
              .toList();
      assertThat(admitted).as("round %d", round).hasSize(limit);
      assertThat(admitted)
          .extracting(o -> o.superseded().id())
          .containsExactlyInAnyOrderElementsOf(held.stream().map(Session::id).toList());
      assertThat(store.liveSessionsOfUser(user, T0.plusSeconds(2)))
          .extracting(Session::id)
          .containsExactlyInAnyOrderElementsOf(
              admitted.stream().map(o -> o.session().id()).toList());
    }
  }

  @Test
  void aBurstOfLoginsPresentingOneSessionUnderAnEvictingActionLeavesExactlyTheLimit()
      throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DESTROY_NEXT_EXPIRING);
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String user = "again-evicting" + round;
      Session held = opened(candidate(user, "10.0.4.1", T0, policy), policy);

      List<OpenResult> results =
          Burst.run(
              threads,
              i ->
                  store.open(
                      candidate(user, "10.0.5." + i, T0.plusSeconds(1), policy),
                      policy,
                      held.tokenHash()));

      List<OpenResult.Opened> opened = results.stream().map(r -> (OpenResult.Opened) r).toList();
      assertThat(opened).filteredOn(o -> o.superseded() != null).as("round %d", round).hasSize(1);
      assertThat(opened.stream().mapToInt(o -> o.ended().size()).sum()).isEqualTo(threads - 1);
      assertThat(store.liveSessionsOfUser(user, T0.plusSeconds(2))).hasSize(1);
    }
  }

  // ---- ending a chosen session of one's own at sign-in

  /** {@code candidate} with another id, the same token, user, address and time. */
  private static Session withId(Session candidate, String id) {
    return new Session(
        id,
        candidate.tokenHash(),
        candidate.user(),
        candidate.clientIp(),
        candidate.userAgent(),
        candidate.device(),
        candidate.authMethod(),
        candidate.createdAt(),
        candidate.lastSeenAt(),
        candidate.expiresAt(),
        candidate.absoluteExpiresAt(),
        null);
  }

  @Test
  void aLoginThatEndsAChosenSessionOfItsUserIsAdmittedAtTheLimitAndEndsItForTheReasonGiven() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session phone = opened(candidate("alice", IP_A, T0, policy), policy);

    OpenResult result =
        store.open(
            candidate("alice", IP_B, T0.plusSeconds(5), policy),
            policy,
            null,
            new EndFirst(phone.id(), EndReason.SIGNED_OUT_AT_SIGN_IN));

    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    OpenResult.Opened opened = (OpenResult.Opened) result;
    assertThat(opened.ended()).extracting(Session::id).containsExactly(phone.id());
    Session ended = opened.ended().get(0);
    assertThat(ended.end().reason()).isEqualTo(EndReason.SIGNED_OUT_AT_SIGN_IN);
    assertThat(ended.end().cause().loginSessionId()).isEqualTo(opened.session().id());
    assertThat(ended.end().cause().loginIp()).isEqualTo(IP_B);
    assertThat(announced).extracting(Session::id).containsExactly(phone.id());
    assertThat(store.liveSessionsOfUser("alice", T0.plusSeconds(6)))
        .extracting(Session::id)
        .containsExactly(opened.session().id());
  }

  @Test
  void aChosenSessionOfAnotherUserIsNeitherEndedNorLeftOutOfTheCount() {
    QuotaPolicy policy = policy(-1, 1, ExhaustionAction.DENY_ACCESS);
    Session bobs = opened(candidate("bob", IP_A, T0, policy), policy);

    OpenResult result =
        store.open(
            candidate("alice", IP_A, T0.plusSeconds(1), policy),
            policy,
            null,
            new EndFirst(bobs.id(), EndReason.SIGNED_OUT_AT_SIGN_IN));

    assertThat(result).isInstanceOf(OpenResult.Refused.class);
    assertThat(store.find(bobs.tokenHash(), T0.plusSeconds(2))).isInstanceOf(Lookup.Live.class);
    assertThat(announced).isEmpty();
  }

  @Test
  void aRefusedLoginLeavesTheChosenSessionLive() {
    QuotaPolicy policy = policy(1, 1, ExhaustionAction.DENY_ACCESS);
    Session phone = opened(candidate("alice", IP_A, T0, policy), policy);
    opened(candidate("bob", IP_B, T0, policy), policy);

    OpenResult result =
        store.open(
            candidate("alice", IP_B, T0.plusSeconds(1), policy),
            policy,
            null,
            new EndFirst(phone.id(), EndReason.SIGNED_OUT_AT_SIGN_IN));

    assertThat(result).isInstanceOf(OpenResult.Refused.class);
    assertThat(((OpenResult.Refused) result).deny().scope()).isEqualTo(Scope.IP);
    assertThat(store.find(phone.tokenHash(), T0.plusSeconds(2))).isInstanceOf(Lookup.Live.class);
    assertThat(announced).isEmpty();
  }

  @Test
  void anOpenOfAnIdThatIsStoredAlreadyThrowsDuplicateAndEndsNothing() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session phone = opened(candidate("alice", IP_A, T0, policy), policy);
    Session first = candidate("alice", IP_B, T0.plusSeconds(1), policy);
    store.end(phone.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(1)));
    Session laptop = opened(first, policy);
    store.end(laptop.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(2)));
    Session other = opened(candidate("alice", IP_A, T0.plusSeconds(3), policy), policy);
    announced.clear();

    Session again = withId(candidate("alice", IP_B, T0.plusSeconds(4), policy), first.id());

    assertThatThrownBy(
            () ->
                store.open(
                    again, policy, null, new EndFirst(other.id(), EndReason.SIGNED_OUT_AT_SIGN_IN)))
        .isInstanceOf(DuplicateSessionException.class);
    assertThat(store.find(other.tokenHash(), T0.plusSeconds(5))).isInstanceOf(Lookup.Live.class);
    assertThat(announced).isEmpty();
  }

  @Test
  void aBurstOfOpensOfOneIdEndingOneSessionAdmitsExactlyOneAndEveryOtherIsADuplicate()
      throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String user = "resolve-one" + round;
      Session held = opened(candidate(user, "10.0.6.1", T0, policy), policy);
      String id = "resolved-" + round + "-" + SessionToken.newSessionId(new SecureRandom());

      List<Object> results =
          Burst.run(
              threads,
              i -> {
                try {
                  return store.open(
                      withId(candidate(user, "10.0.7." + i, T0.plusSeconds(1), policy), id),
                      policy,
                      null,
                      new EndFirst(held.id(), EndReason.SIGNED_OUT_AT_SIGN_IN));
                } catch (DuplicateSessionException e) {
                  return e;
                }
              });

      assertThat(results)
          .filteredOn(r -> r instanceof OpenResult.Opened)
          .as("round %d", round)
          .hasSize(1);
      assertThat(results)
          .filteredOn(r -> r instanceof DuplicateSessionException)
          .hasSize(threads - 1);
      assertThat(store.liveSessionsOfUser(user, T0.plusSeconds(2)))
          .extracting(Session::id)
          .containsExactly(id);
    }
  }

  @Test
  void aBurstOfOpensEndingTheSameSessionNeverLeavesMoreThanTheLimitLive() throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String user = "resolve-many" + round;
      Session held = opened(candidate(user, "10.0.8.1", T0, policy), policy);

      List<OpenResult> results =
          Burst.run(
              threads,
              i ->
                  store.open(
                      candidate(user, "10.0.9." + i, T0.plusSeconds(1), policy),
                      policy,
                      null,
                      new EndFirst(held.id(), EndReason.SIGNED_OUT_AT_SIGN_IN)));

      assertThat(results)
          .filteredOn(r -> r instanceof OpenResult.Opened)
          .as("round %d", round)
          .hasSize(1);
      assertThat(store.liveSessionsOfUser(user, T0.plusSeconds(2))).hasSize(1);
    }
  }

  // ---- helpers

  protected Session opened(Session candidate, QuotaPolicy policy) {
    OpenResult result = store.open(candidate, policy);
    assertThat(result).as("opening %s", candidate.id()).isInstanceOf(OpenResult.Opened.class);
    return ((OpenResult.Opened) result).session();
  }

  protected List<Session> openedWithEnded(Session candidate, QuotaPolicy policy) {
    OpenResult result = store.open(candidate, policy);
    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    List<Session> ended = ((OpenResult.Opened) result).ended();
    ended.forEach(
        s -> {
          assertThat(s.end()).isNotNull();
          assertThat(s.end().reason()).isEqualTo(EndReason.SESSION_LIMIT_REACHED);
          assertThat(store.find(s.tokenHash(), candidate.createdAt()))
              .isInstanceOf(Lookup.Ended.class);
        });
    return ended;
  }
}
