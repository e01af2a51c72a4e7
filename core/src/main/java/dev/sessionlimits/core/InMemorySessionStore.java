package dev.sessionlimits.core;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link SessionStore} in this JVM's memory.
 *
 * <p>Design note. Each session lives in one {@link Entry} (an atomic reference to its current,
 * immutable {@link Session}), reachable by token hash, by id, and through the index sets of its user
 * and its address. Reads take no lock. State changes of one session (touch, end, expiry) are
 * compare-and-set on its entry, so the first end wins and is announced once.
 *
 * <p>Only {@link #open} can make a session live, and it runs under two striped locks: the stripe of
 * the user and the stripe of the address, always taken in ascending stripe order (one lock when both
 * fall on the same stripe), so two logins never deadlock. Holding both, it reads the live sessions,
 * asks {@link Quota#decide}, ends the evicted ones and only then adds the new one. The live count of
 * a user or an address therefore only grows while its stripe is held, which is what keeps every
 * limit exact. Ending a session needs no lock: it can only lower a count, and a concurrent login
 * that still sees the session as live errs on the side of ending or refusing too much, never on
 * admitting too much. An index set is added to only under its key's stripe, and removed from the
 * map, when empty, only under that stripe too.
 */
final class InMemorySessionStore implements SessionStore {

  private static final System.Logger LOG = System.getLogger(InMemorySessionStore.class.getName());
  private static final int STRIPES = 1024;

  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
  private final ConcurrentHashMap<TokenHash, Entry> byHash = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<Entry>> byUser = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<Entry>> byIp = new ConcurrentHashMap<>();
  private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();

  InMemorySessionStore() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  static final class Entry extends AtomicReference<Session> {
    private static final long serialVersionUID = 1L;

    Entry(Session session) {
      super(session);
    }
  }

  @Override
  public OpenResult open(Session candidate, QuotaPolicy policy) {
    if (candidate.end() != null) {
      throw new IllegalArgumentException("cannot open an ended session: " + candidate.id());
    }
    Instant now = candidate.createdAt();
    List<Session> ended = new ArrayList<>();
    int userStripe = stripe(candidate.user().hashCode());
    int ipStripe = stripe(~candidate.clientIp().hashCode());
    ReentrantLock first = stripes[Math.min(userStripe, ipStripe)];
    ReentrantLock second = stripes[Math.max(userStripe, ipStripe)];
    first.lock();
    try {
      if (second != first) {
        second.lock();
      }
      try {
        Set<Entry> userIndex = byUser.computeIfAbsent(candidate.user(), k -> ConcurrentHashMap.newKeySet());
        Set<Entry> ipIndex = byIp.computeIfAbsent(candidate.clientIp(), k -> ConcurrentHashMap.newKeySet());
        // An unlimited scope is not read at all: its size must not slow a login down.
        QuotaDecision decision = Quota.decide(candidate.attempt(),
            policy.userLimit() == QuotaPolicy.UNLIMITED ? List.of() : liveAndPrune(userIndex, now),
            policy.ipLimit() == QuotaPolicy.UNLIMITED ? List.of() : liveAndPrune(ipIndex, now),
            policy, now);
        if (decision instanceof QuotaDecision.Deny deny) {
          return new OpenResult.Refused(deny);
        }
        if (byId.containsKey(candidate.id()) || byHash.containsKey(candidate.tokenHash())) {
          throw new IllegalArgumentException("a session with id " + candidate.id() + " or token "
              + candidate.tokenHash() + " exists already");
        }
        List<Session> evicted = new ArrayList<>();
        for (QuotaDecision.Eviction eviction : ((QuotaDecision.Admit) decision).evictions()) {
          SessionEnd end = new SessionEnd(EndReason.SESSION_LIMIT_REACHED, now,
              EndCause.limitReached(eviction.scope(), eviction.limit(), candidate));
          Session done = finish(byId.get(eviction.session().id()), end, ended);
          if (done != null) {
            evicted.add(done);
          }
        }
        Entry entry = new Entry(candidate);
        byId.put(candidate.id(), entry);
        byHash.put(candidate.tokenHash(), entry);
        userIndex.add(entry);
        ipIndex.add(entry);
        return new OpenResult.Opened(candidate, evicted);
      } finally {
        if (second != first) {
          second.unlock();
        }
      }
    } finally {
      first.unlock();
      announce(ended);
    }
  }

  @Override
  public Lookup find(TokenHash tokenHash, Instant now) {
    return lookup(byHash.get(tokenHash), now, null);
  }

  @Override
  public Lookup touch(TokenHash tokenHash, Instant now, Duration idleTimeout) {
    return lookup(byHash.get(tokenHash), now, idleTimeout);
  }

  private Lookup lookup(Entry entry, Instant now, Duration idleTimeout) {
    if (entry == null) {
      return Lookup.UNKNOWN;
    }
    while (true) {
      Session session = entry.get();
      if (session.end() != null) {
        return forgotten(session, now) ? Lookup.UNKNOWN : new Lookup.Ended(session);
      }
      if (!session.isLive(now)) {
        expire(entry, now);
        continue;
      }
      if (idleTimeout == null) {
        return new Lookup.Live(session);
      }
      Session touched = session.touchedAt(now, idleTimeout);
      if (touched == session || entry.compareAndSet(session, touched)) {
        return new Lookup.Live(touched);
      }
    }
  }

  @Override
  public Optional<Session> get(String sessionId) {
    Entry entry = byId.get(sessionId);
    return (entry == null) ? Optional.empty() : Optional.of(entry.get());
  }

  @Override
  public Optional<Session> end(String sessionId, SessionEnd end) {
    Entry entry = byId.get(sessionId);
    if (entry == null) {
      return Optional.empty();
    }
    List<Session> ended = new ArrayList<>(1);
    Session done = finish(entry, end, ended);
    announce(ended);
    return Optional.ofNullable(done);
  }

  @Override
  public List<Session> liveSessionsOfUser(String user, Instant now) {
    return live(byUser.get(user), now);
  }

  @Override
  public List<Session> liveSessionsFrom(String clientIp, Instant now) {
    return live(byIp.get(clientIp), now);
  }

  @Override
  public List<Session> liveSessions(Instant now) {
    return live(byId.values(), now);
  }

  @Override
  public PurgeResult purge(Instant now) {
    int expired = 0;
    int forgotten = 0;
    for (Entry entry : byId.values()) {
      Session session = entry.get();
      if (session.end() == null && !session.isLive(now) && expire(entry, now)) {
        expired++;
        session = entry.get();
      }
      if (forgotten(session, now) && byId.remove(session.id(), entry)) {
        byHash.remove(session.tokenHash(), entry);
        unindex(byUser, session.user(), stripe(session.user().hashCode()), entry);
        unindex(byIp, session.clientIp(), stripe(~session.clientIp().hashCode()), entry);
        forgotten++;
      }
    }
    return new PurgeResult(expired, forgotten);
  }

  @Override
  public Subscription subscribe(SessionListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public void close() {
    listeners.clear();
  }

  /** Ends the entry's session if live at {@code end.at()}; returns it if this call ended it so. */
  private static Session finish(Entry entry, SessionEnd end, List<Session> announced) {
    if (entry == null) {
      return null;
    }
    while (true) {
      Session session = entry.get();
      if (session.end() != null) {
        return null;
      }
      SessionEnd actual = session.isLive(end.at()) ? end : session.endAt(end.at());
      Session ended = session.withEnd(actual);
      if (entry.compareAndSet(session, ended)) {
        announced.add(ended);
        return (actual == end) ? ended : null;
      }
    }
  }

  private boolean expire(Entry entry, Instant now) {
    Session session = entry.get();
    SessionEnd end = session.endAt(now);
    if (end == null || session.end() != null) {
      return false;
    }
    List<Session> ended = new ArrayList<>(1);
    finish(entry, end, ended);
    announce(ended);
    return !ended.isEmpty();
  }

  private static List<Session> liveAndPrune(Set<Entry> index, Instant now) {
    List<Session> live = new ArrayList<>(index.size());
    index.removeIf(entry -> {
      Session session = entry.get();
      if (session.isLive(now)) {
        live.add(session);
        return false;
      }
      return true;
    });
    return live;
  }

  private static List<Session> live(Collection<Entry> entries, Instant now) {
    if (entries == null) {
      return List.of();
    }
    List<Session> live = new ArrayList<>();
    for (Entry entry : entries) {
      Session session = entry.get();
      if (session.isLive(now)) {
        live.add(session);
      }
    }
    live.sort(Session.BY_CREATION);
    return live;
  }

  private void unindex(ConcurrentHashMap<String, Set<Entry>> index, String key, int stripe, Entry entry) {
    ReentrantLock lock = stripes[stripe];
    lock.lock();
    try {
      index.computeIfPresent(key, (k, set) -> {
        set.remove(entry);
        return set.isEmpty() ? null : set;
      });
    } finally {
      lock.unlock();
    }
  }

  private static boolean forgotten(Session session, Instant now) {
    return session.end() != null
        && !now.isBefore(session.end().at().plus(TOMBSTONE_RETENTION));
  }

  private void announce(List<Session> ended) {
    for (Session session : ended) {
      for (SessionListener listener : listeners) {
        try {
          listener.sessionEnded(session);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "A session listener failed for session " + session.id()
              + " (token " + session.tokenHash().prefix() + "…); the others are still told", e);
        }
      }
    }
  }

  private static int stripe(int hash) {
    int h = hash ^ (hash >>> 16);
    return (h * 0x9E3779B9 >>> 16) & (STRIPES - 1);
  }
}
