package dev.sessionlimits.core;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link SessionStore} in this JVM's memory.
 *
 * <p>Design note. Each session lives in one {@link InMemoryEntry} (an atomic reference to its
 * current, immutable {@link Session}), reachable by token hash and by id, and, while live, through
 * the {@link InMemoryIndex} of its user and of its address. Reads take no lock. State changes of
 * one session (touch, end, expiry) are compare-and-set on its entry, so the first end wins and is
 * announced once.
 *
 * <p>Only {@link #open} can make a session live, and it runs under two striped locks: the stripe of
 * the user and the stripe of the address, always taken in ascending stripe order (one lock when
 * both fall on the same stripe), so two logins never deadlock. Holding both, it reads the live
 * sessions, asks {@link Quota#decide}, ends the evicted ones (and the session the login supersedes,
 * which it left out of the counts) and only then adds the new one. The live count of a user or an
 * address therefore only grows while its stripe is held, which is what keeps every limit exact.
 * Ending a session needs no lock: it can only lower a count, and a concurrent login that still sees
 * the session as live errs on the side of ending or refusing too much, never on admitting too much.
 * An index is changed only under its key's stripe (entries added by a login, entries that are no
 * longer live dropped by a login or a purge), and removed from its map, when empty, only under that
 * stripe too.
 */
final class InMemorySessionStore implements SessionStore {

  private static final System.Logger LOG = System.getLogger(InMemorySessionStore.class.getName());
  private static final int STRIPES = 1024;
  private static final int MAX_SHARED_USER_AGENTS = 10_000;

  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
  private final ConcurrentHashMap<TokenHash, InMemoryEntry> byHash = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, InMemoryEntry> byId = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, InMemoryIndex> byUser = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, InMemoryIndex> byIp = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> userAgents = new ConcurrentHashMap<>();
  private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();

  InMemorySessionStore() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  @Override
  public OpenResult open(Session candidate, QuotaPolicy policy) {
    return open(candidate, policy, null, null);
  }

  @Override
  public OpenResult open(Session candidate, QuotaPolicy policy, TokenHash supersedes) {
    return open(candidate, policy, supersedes, null);
  }

  @Override
  public OpenResult open(
      Session candidate, QuotaPolicy policy, TokenHash supersedes, EndFirst endFirst) {
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
        InMemoryIndex userIndex = byUser.computeIfAbsent(candidate.user(), InMemoryIndex::new);
        InMemoryIndex ipIndex = byIp.computeIfAbsent(candidate.clientIp(), InMemoryIndex::new);
        // The presented session is left out of both counts and ended below, before the new one is
        // added, so the counts never include both.
        InMemoryEntry presented =
            (supersedes == null || supersedes.equals(candidate.tokenHash()))
                ? null
                : byHash.get(supersedes);
        String replaced =
            (presented != null && presented.get().isLive(now)) ? presented.get().id() : null;
        // The session the user chose to end is left out of the counts too. A duplicate is checked
        // first: two opens of one id serialise on the user's stripe, so exactly one succeeds.
        if (byId.containsKey(candidate.id()) || byHash.containsKey(candidate.tokenHash())) {
          throw new DuplicateSessionException(candidate.id(), candidate.tokenHash());
        }
        InMemoryEntry chosen = (endFirst == null) ? null : byId.get(endFirst.sessionId());
        String released =
            (chosen != null
                    && chosen.get().user().equals(candidate.user())
                    && chosen.get().isLive(now)
                    && !chosen.get().id().equals(replaced))
                ? chosen.get().id()
                : null;
        // An unlimited scope is not read at all: its size must not slow a login down.
        QuotaDecision decision =
            Quota.decide(
                candidate.attempt(),
                policy.userLimit() == QuotaPolicy.UNLIMITED
                    ? List.of()
                    : without(without(userIndex.liveAndPrune(now), replaced), released),
                policy.ipLimit() == QuotaPolicy.UNLIMITED
                    ? List.of()
                    : without(without(ipIndex.liveAndPrune(now), replaced), released),
                policy,
                now);
        if (decision instanceof QuotaDecision.Deny deny) {
          return new OpenResult.Refused(deny);
        }
        Session superseded =
            (replaced == null)
                ? null
                : finish(
                    presented,
                    new SessionEnd(EndReason.SUPERSEDED, now, EndCause.supersededBy(candidate)),
                    ended);
        List<Session> evicted = new ArrayList<>();
        if (released != null) {
          Session done =
              finish(
                  chosen,
                  new SessionEnd(endFirst.reason(), now, EndCause.signedOutBy(candidate)),
                  ended);
          if (done != null) {
            evicted.add(done);
          }
        }
        for (QuotaDecision.Eviction eviction : ((QuotaDecision.Admit) decision).evictions()) {
          SessionEnd end =
              new SessionEnd(
                  EndReason.SESSION_LIMIT_REACHED,
                  now,
                  EndCause.limitReached(eviction.scope(), eviction.limit(), candidate));
          Session done = finish(byId.get(eviction.session().id()), end, ended);
          if (done != null) {
            evicted.add(done);
          }
        }
        Session stored = shared(candidate, userIndex.key, ipIndex.key);
        InMemoryEntry entry = new InMemoryEntry(stored);
        byId.put(candidate.id(), entry);
        byHash.put(candidate.tokenHash(), entry);
        userIndex.add(entry);
        ipIndex.add(entry);
        return new OpenResult.Opened(stored, evicted, superseded);
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

  @Override
  public Immediate<Lookup> findWithoutWaiting(TokenHash tokenHash, Instant now) {
    return liveOnly(byHash.get(tokenHash), now, null);
  }

  @Override
  public Immediate<Lookup> touchWithoutWaiting(
      TokenHash tokenHash, Instant now, Duration idleTimeout) {
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    return liveOnly(byHash.get(tokenHash), now, idleTimeout);
  }

  /**
   * {@link #lookup} for a session that is live at {@code now}; {@code MustWait} for any other, left
   * to {@code find} or {@code touch}, which record an expiry and tell the listeners.
   */
  private Immediate<Lookup> liveOnly(InMemoryEntry entry, Instant now, Duration idleTimeout) {
    if (entry == null) {
      return Immediate.mustWait();
    }
    Session session = entry.get();
    return (session.end() == null && session.isLive(now))
        ? Immediate.known(lookup(entry, now, idleTimeout))
        : Immediate.mustWait();
  }

  private Lookup lookup(InMemoryEntry entry, Instant now, Duration idleTimeout) {
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
    InMemoryEntry entry = byId.get(sessionId);
    return (entry == null) ? Optional.empty() : Optional.of(entry.get());
  }

  @Override
  public boolean recordPasswordEntry(String sessionId, Instant at) {
    Objects.requireNonNull(at, "at");
    InMemoryEntry entry = byId.get(sessionId);
    if (entry == null || entry.get().end() != null) {
      return false;
    }
    entry.recordPasswordEntry(at);
    return true;
  }

  @Override
  public Optional<Instant> lastPasswordEntry(String sessionId) {
    InMemoryEntry entry = byId.get(sessionId);
    return (entry == null || entry.get().end() != null)
        ? Optional.empty()
        : Optional.of(entry.lastPasswordEntry());
  }

  @Override
  public Optional<Session> end(String sessionId, SessionEnd end) {
    InMemoryEntry entry = byId.get(sessionId);
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
    InMemoryIndex index = byUser.get(user);
    return (index == null) ? List.of() : index.live(now);
  }

  @Override
  public List<Session> liveSessionsFrom(String clientIp, Instant now) {
    InMemoryIndex index = byIp.get(clientIp);
    return (index == null) ? List.of() : index.live(now);
  }

  @Override
  public List<Session> liveSessions(Instant now) {
    return live(byId.values(), now);
  }

  @Override
  public PurgeResult purge(Instant now) {
    int expired = 0;
    int forgotten = 0;
    for (InMemoryEntry entry : byId.values()) {
      Session session = entry.get();
      if (session.end() == null && !session.isLive(now) && expire(entry, now)) {
        expired++;
        session = entry.get();
      }
      if (forgotten(session, now) && byId.remove(session.id(), entry)) {
        byHash.remove(session.tokenHash(), entry);
        forgotten++;
      }
    }
    prune(byUser, now, false);
    prune(byIp, now, true);
    return new PurgeResult(expired, forgotten);
  }

  /** Drops the entries that are no longer live from every index, and the indexes left empty. */
  private void prune(ConcurrentHashMap<String, InMemoryIndex> indexes, Instant now, boolean ip) {
    for (InMemoryIndex index : indexes.values()) {
      ReentrantLock lock = stripes[stripe(ip ? ~index.key.hashCode() : index.key.hashCode())];
      lock.lock();
      try {
        index.liveAndPrune(now);
        if (index.isEmpty()) {
          indexes.remove(index.key, index);
        }
      } finally {
        lock.unlock();
      }
    }
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
  private static Session finish(InMemoryEntry entry, SessionEnd end, List<Session> announced) {
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

  private boolean expire(InMemoryEntry entry, Instant now) {
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

  /**
   * {@code candidate} with the user name, address and user agent that other sessions already hold,
   * so that a thousand sessions from one address keep one copy of it. Called under both stripes.
   */
  private Session shared(Session candidate, String user, String ip) {
    String agent = candidate.userAgent();
    String known = userAgents.get(agent);
    if (known != null) {
      agent = known;
    } else if (userAgents.size() < MAX_SHARED_USER_AGENTS) {
      // Bounded: browsers send few distinct user agents, but a client may send any string.
      agent = Objects.requireNonNullElse(userAgents.putIfAbsent(agent, agent), agent);
    }
    if (user == candidate.user() && ip == candidate.clientIp() && agent == candidate.userAgent()) {
      return candidate;
    }
    return new Session(
        candidate.id(),
        candidate.tokenHash(),
        user,
        ip,
        agent,
        candidate.device(),
        candidate.authMethod(),
        candidate.createdAt(),
        candidate.lastSeenAt(),
        candidate.expiresAt(),
        candidate.absoluteExpiresAt(),
        null);
  }

  private static List<Session> without(List<Session> sessions, String id) {
    if (id != null) {
      sessions.removeIf(s -> s.id().equals(id));
    }
    return sessions;
  }

  private static List<Session> live(Collection<InMemoryEntry> entries, Instant now) {
    if (entries == null) {
      return List.of();
    }
    List<Session> live = new ArrayList<>();
    for (InMemoryEntry entry : entries) {
      Session session = entry.get();
      if (session.isLive(now)) {
        live.add(session);
      }
    }
    live.sort(Session.BY_CREATION);
    return live;
  }

  private static boolean forgotten(Session session, Instant now) {
    return session.end() != null && !now.isBefore(session.end().at().plus(TOMBSTONE_RETENTION));
  }

  private void announce(List<Session> ended) {
    for (Session session : ended) {
      for (SessionListener listener : listeners) {
        try {
          listener.sessionEnded(session);
        } catch (RuntimeException e) {
          LOG.log(
              Level.WARNING,
              "A session listener failed for session "
                  + session.id()
                  + " (token "
                  + session.tokenHash().prefix()
                  + "…); the others are still told",
              e);
        }
      }
    }
  }

  private static int stripe(int hash) {
    int h = hash ^ (hash >>> 16);
    return (h * 0x9E3779B9 >>> 16) & (STRIPES - 1);
  }
}
