package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.unlimited;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SessionCacheTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  private final AtomicBoolean trusted = new AtomicBoolean(true);
  private final SessionCache cache = new SessionCache(trusted::get);
  private final Session session = candidate("alice", "203.0.113.7", T0, unlimited());

  @Test
  void aSessionReadBeforeAnEndWasSeenIsNotCachedAfterIt() {
    long generation = cache.generation(session.tokenHash());
    cache.invalidate(session.tokenHash());

    cache.putIfUnchanged(session, generation);

    assertThat(cache.trustedGet(session.tokenHash())).isNull();
  }

  @Test
  void aClearWinsOverEveryReadThatStartedBeforeIt() {
    long generation = cache.generation(session.tokenHash());
    cache.clear();

    cache.putIfUnchanged(session, generation);

    assertThat(cache.trustedGet(session.tokenHash())).isNull();
  }

  @Test
  void anUntrustedCacheAnswersNothingUntilItIsTrustedAgain() {
    cache.putIfUnchanged(session, cache.generation(session.tokenHash()));
    trusted.set(false);

    assertThat(cache.trustedGet(session.tokenHash())).isNull();

    trusted.set(true);
    assertThat(cache.trustedGet(session.tokenHash())).isEqualTo(session);
  }

  @Test
  void aTouchNeverBringsBackAnInvalidatedEntryAndALaterTouchIsNotReplacedByAnOlderRead() {
    cache.putIfUnchanged(session, cache.generation(session.tokenHash()));
    Session touched = session.touchedAt(T0.plusSeconds(5), IDLE);
    assertThat(cache.replace(session, touched)).isTrue();

    cache.putIfUnchanged(session, cache.generation(session.tokenHash()));
    assertThat(cache.trustedGet(session.tokenHash())).isEqualTo(touched);

    cache.invalidate(session.tokenHash());
    assertThat(cache.replace(touched, touched.touchedAt(T0.plusSeconds(10), IDLE))).isFalse();
    assertThat(cache.trustedGet(session.tokenHash())).isNull();
  }

  @Test
  void endedSessionsAreNeverCached() {
    cache.putIfUnchanged(
        session.withEnd(SessionEnd.of(EndReason.LOGGED_OUT, T0)),
        cache.generation(session.tokenHash()));

    assertThat(cache.trustedGet(session.tokenHash())).isNull();
  }

  @Test
  void aCacheHoldsNoMoreSessionsThanItsSizeAndAnEvictedOneIsSimplyNotAnswered() {
    SessionCache small = new SessionCache(new SessionCacheSize(10), () -> true);
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Session s = candidate("user" + i, "203.0.113.7", T0, unlimited());
      sessions.add(s);
      small.putIfUnchanged(s, small.generation(s.tokenHash()));
    }

    assertThat(small.size()).isEqualTo(10);
    assertThat(sessions.stream().filter(s -> small.trustedGet(s.tokenHash()) != null).count())
        .isEqualTo(10);
  }

  @Test
  void aCacheOfSizeZeroAnswersNothing() {
    SessionCache none = new SessionCache(new SessionCacheSize(0), () -> true);

    none.putIfUnchanged(session, none.generation(session.tokenHash()));

    assertThat(none.size()).isZero();
    assertThat(none.trustedGet(session.tokenHash())).isNull();
  }

  @Test
  void cachesSharingOneDatabaseForgetWhatAnyOfThemSawEnd() {
    String file = "/tmp/" + UUID.randomUUID();
    SessionCache first = new SessionCache(() -> true);
    SessionCache second = new SessionCache(() -> true);
    first.sharedBy(file);
    second.sharedBy(file);
    try {
      second.putIfUnchanged(session, second.generation(session.tokenHash()));

      first.invalidate(session.tokenHash());

      assertThat(second.trustedGet(session.tokenHash())).isNull();
    } finally {
      first.close();
      second.close();
    }
  }

  @Test
  void aCachedSessionIsAnsweredAsLiveUntilTheInstantItExpires() {
    cache.putIfUnchanged(session, cache.generation(session.tokenHash()));
    Instant expiry = session.expiresAt();

    assertThat(cache.trustedLive(session.tokenHash(), expiry.minusNanos(1))).isEqualTo(session);
    assertThat(cache.trustedLive(session.tokenHash(), expiry)).isNull();
    assertThat(cache.trustedLive(session.tokenHash(), expiry.plusSeconds(1))).isNull();
    assertThat(cache.trustedGet(session.tokenHash())).isEqualTo(session);
  }

  @Test
  void nothingIsAnsweredAsLiveWhileTheCacheIsNotTrusted() {
    cache.putIfUnchanged(session, cache.generation(session.tokenHash()));
    trusted.set(false);

    assertThat(cache.trustedLive(session.tokenHash(), T0)).isNull();
  }
}
