package dev.sessionlimits.store.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.TokenHash;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

/**
 * This node's cache of live sessions by token hash, for the hot path: {@code find} and {@code
 * touch} run on every authenticated request.
 *
 * <p>Design note. The cache may save database reads but must never let an ended session keep
 * working. Four rules keep it so.
 *
 * <ol>
 *   <li><b>Trust.</b> An entry is answered from only while {@link #trusted} holds: always on the
 *       embedded store, where every end passes through this JVM; in a cluster only while the event
 *       listener has confirmed within the last half second that every end committed before its last
 *       round trip has been applied here ({@link ClusterListener}). Otherwise callers read the
 *       database, so an end the listener has not yet applied works here at most that half second
 *       longer.
 *   <li><b>Invalidation.</b> Every end this node learns of, its own after the commit or another
 *       node's from the listener, first bumps the generation of the token's stripe and then removes
 *       the entry ({@link #invalidate}). A lost connection clears everything the same way ({@link
 *       #clear}).
 *   <li><b>No stale fill.</b> A reader that loads a session from the database takes the stripe's
 *       generation <em>before</em> it reads, and stores what it read only if the generation is
 *       still the same, checked atomically with the store ({@link #putIfUnchanged}). An end that
 *       committed after that read bumps the generation after the reader took it: if the store came
 *       first, the removal that follows the bump takes the entry out again; if the bump came first,
 *       the store does not happen. An end that committed before the read was seen by it.
 *   <li><b>Only live sessions, and never an expiry.</b> Only live sessions are cached. A session
 *       that has expired by the caller's {@code now} is not answered from the cache: the caller
 *       confirms it against the database, where another node may have extended it.
 * </ol>
 *
 * <p>The cache holds at most its {@link SessionCacheSize} of sessions, evicting those least likely
 * to be asked for again (Caffeine's W-TinyLFU): an evicted session is read from the database when
 * next asked for, like one never cached. Touches replace an entry only if it is still the one read
 * ({@link #replace}), so they never bring back a removed entry. Embedded stores that share one
 * database file in one JVM share their invalidations ({@link #sharedBy}).
 */
final class SessionCache {

  /** How many generations the token hashes are spread over. */
  private static final int STRIPES = 256;

  private static final Duration IDLE_ENTRY = Duration.ofMinutes(10);

  private static final ConcurrentHashMap<String, Set<SessionCache>> GROUPS =
      new ConcurrentHashMap<>();

  private final Cache<TokenHash, Entry> entries;
  private final AtomicLongArray generations = new AtomicLongArray(STRIPES);
  private final BooleanSupplier trusted;
  private volatile Set<SessionCache> peers = Set.of(this);
  private String group;

  /**
   * @param size the most sessions held at once
   * @param trusted whether the entries may be answered from now (rule 1)
   */
  SessionCache(SessionCacheSize size, BooleanSupplier trusted) {
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(size.sessions())
            .expireAfterAccess(IDLE_ENTRY)
            .recordStats()
            // Maintenance on the calling thread: handed to the common pool, it woke a pool thread
            // for about every write (unpark and pool samples in an evicting open's profile).
            .executor(Runnable::run)
            .build();
    this.trusted = trusted;
  }

  /** A cache of the default size for this heap ({@link SessionCacheSize#forThisHeap}). */
  SessionCache(BooleanSupplier trusted) {
    this(SessionCacheSize.forThisHeap(), trusted);
  }

  /**
   * Joins the caches of the other open stores on the database named {@code key} in this JVM (an
   * embedded database file that two stores opened), so that each one's ends reach all of them.
   */
  synchronized void sharedBy(String key) {
    Set<SessionCache> members = GROUPS.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
    members.add(this);
    group = key;
    peers = members;
  }

  /** Leaves the group {@link #sharedBy} joined, and empties the cache. */
  synchronized void close() {
    if (group != null) {
      GROUPS.computeIfPresent(
          group,
          (k, members) -> {
            members.remove(this);
            return members.isEmpty() ? null : members;
          });
      group = null;
      peers = Set.of(this);
    }
    entries.invalidateAll();
  }

  boolean trusted() {
    return trusted.getAsBoolean();
  }

  /** The cached session for {@code tokenHash} if there is one and the cache may be trusted now. */
  Session trustedGet(TokenHash tokenHash) {
    if (!trusted.getAsBoolean()) {
      return null;
    }
    Entry entry = entries.getIfPresent(tokenHash);
    return (entry == null) ? null : entry.session;
  }

  /**
   * {@link #trustedGet}, if that session is live at {@code now}; null if it is not cached, not
   * trusted, or expired (rule 4: the caller then confirms against the database).
   */
  Session trustedLive(TokenHash tokenHash, Instant now) {
    if (!trusted.getAsBoolean()) {
      return null;
    }
    Entry entry = entries.getIfPresent(tokenHash);
    return (entry == null || !entry.liveAt(now)) ? null : entry.session;
  }

  /** The generation to take before reading {@code tokenHash}'s session from the database. */
  long generation(TokenHash tokenHash) {
    return generations.get(stripe(tokenHash));
  }

  /**
   * Caches {@code session}, read after {@code generation} was taken, unless an end has been seen
   * for its stripe since. A cached entry touched later than {@code session} is kept.
   */
  void putIfUnchanged(Session session, long generation) {
    if (session.end() != null) {
      return;
    }
    int stripe = stripe(session.tokenHash());
    entries
        .asMap()
        .compute(
            session.tokenHash(),
            (hash, cached) -> {
              if (generations.get(stripe) != generation) {
                return cached;
              }
              if (cached != null && !cached.session.lastSeenAt().isBefore(session.lastSeenAt())) {
                return cached;
              }
              return new Entry(session);
            });
  }

  /** Replaces {@code before} by {@code after} if {@code before} is still the cached entry. */
  boolean replace(Session before, Session after) {
    return entries.asMap().replace(before.tokenHash(), new Entry(before), new Entry(after));
  }

  /** Forgets {@code tokenHash} here and in every cache sharing this one's database (rule 2). */
  void invalidate(TokenHash tokenHash) {
    for (SessionCache peer : peers) {
      peer.invalidateHere(tokenHash);
    }
  }

  private void invalidateHere(TokenHash tokenHash) {
    generations.incrementAndGet(stripe(tokenHash));
    entries.invalidate(tokenHash);
  }

  /** Forgets every entry (rule 2): nothing cached before this call is answered after it. */
  void clear() {
    for (int i = 0; i < STRIPES; i++) {
      generations.incrementAndGet(i);
    }
    entries.invalidateAll();
  }

  /** How many entries the cache holds, roughly, at once: for metrics. */
  long estimatedSize() {
    return entries.estimatedSize();
  }

  /** The Caffeine cache itself, for its size, hit and eviction metrics. */
  Cache<?, ?> caffeine() {
    return entries;
  }

  /** How many entries the cache holds (approximately): for tests. */
  long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }

  /**
   * A cached session with its expiry as numbers. At a million entries every object a lookup follows
   * is a cache miss; with the expiry here, deciding liveness does not follow the session to its
   * {@code Instant}. Equal when the sessions are ({@link #replace} compares entries).
   */
  private static final class Entry {
    final Session session;
    private final long expiresSecond;
    private final int expiresNano;

    Entry(Session session) {
      this.session = session;
      this.expiresSecond = session.expiresAt().getEpochSecond();
      this.expiresNano = session.expiresAt().getNano();
    }

    /** {@link Session#isLive} for a cached (so unended) session. */
    boolean liveAt(Instant now) {
      long second = now.getEpochSecond();
      return second < expiresSecond || (second == expiresSecond && now.getNano() < expiresNano);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry other && session.equals(other.session);
    }

    @Override
    public int hashCode() {
      return session.hashCode();
    }
  }

  private static int stripe(TokenHash tokenHash) {
    int h = tokenHash.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
