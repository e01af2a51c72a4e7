package dev.sessionlimits.server;

import dev.sessionlimits.core.Immediate;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.SessionListener;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.core.TokenHash;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A session store that can be made unreachable: every call then throws. It counts the lookups that
 * may wait ({@code find}, {@code touch}), and answers without waiting only when told to.
 */
public final class FlakySessionStore implements SessionStore {
  final SessionStore delegate = SessionStore.inMemory();
  final AtomicInteger waitingLookups = new AtomicInteger();

  /** While true, every call throws {@link StoreUnavailableException}. */
  public volatile boolean down;

  volatile boolean answersWithoutWaiting;

  private SessionStore up() {
    if (down) {
      throw new StoreUnavailableException("connection refused (test)", null);
    }
    return delegate;
  }

  @Override
  public OpenResult open(Session candidate, QuotaPolicy policy) {
    return up().open(candidate, policy);
  }

  @Override
  public OpenResult open(Session candidate, QuotaPolicy policy, TokenHash supersedes) {
    return up().open(candidate, policy, supersedes);
  }

  @Override
  public Lookup find(TokenHash tokenHash, Instant now) {
    waitingLookups.incrementAndGet();
    return up().find(tokenHash, now);
  }

  @Override
  public Lookup touch(TokenHash tokenHash, Instant now, Duration idleTimeout) {
    waitingLookups.incrementAndGet();
    return up().touch(tokenHash, now, idleTimeout);
  }

  @Override
  public Immediate<Lookup> findWithoutWaiting(TokenHash tokenHash, Instant now) {
    return answersWithoutWaiting ? up().findWithoutWaiting(tokenHash, now) : Immediate.mustWait();
  }

  @Override
  public Immediate<Lookup> touchWithoutWaiting(
      TokenHash tokenHash, Instant now, Duration idleTimeout) {
    return answersWithoutWaiting
        ? up().touchWithoutWaiting(tokenHash, now, idleTimeout)
        : Immediate.mustWait();
  }

  @Override
  public Optional<Session> get(String sessionId) {
    return up().get(sessionId);
  }

  @Override
  public Optional<Session> end(String sessionId, SessionEnd end) {
    return up().end(sessionId, end);
  }

  @Override
  public List<Session> liveSessionsOfUser(String user, Instant now) {
    return up().liveSessionsOfUser(user, now);
  }

  @Override
  public List<Session> liveSessionsFrom(String clientIp, Instant now) {
    return up().liveSessionsFrom(clientIp, now);
  }

  @Override
  public List<Session> liveSessions(Instant now) {
    return up().liveSessions(now);
  }

  @Override
  public PurgeResult purge(Instant now) {
    return up().purge(now);
  }

  @Override
  public Subscription subscribe(SessionListener listener) {
    return delegate.subscribe(listener);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
