package dev.sessionlimits.store.jdbc;

/**
 * How many live sessions a node's cache may hold ({@link JdbcStore#embedded(java.nio.file.Path,
 * SessionCacheSize)}, {@link JdbcStore#postgres(String, SessionCacheSize)}). Beyond it Caffeine
 * evicts the entries least likely to be asked for again, whose sessions are then read from the
 * database when they are.
 *
 * <p>Design note: sizing. A lookup answered from the cache costs about a microsecond; one that
 * misses costs a database round trip, a hundred times more, and a cache smaller than the sessions
 * in use misses in proportion (a tenth of the sessions cached: nine lookups in ten miss). So a node
 * should cache every live session it serves, which costs {@link #ENTRY_BYTES} bytes of heap each.
 * The default ({@link #forHeap}) gives the cache a fifth of the heap, at most {@link #DEFAULT_CAP}
 * sessions: 1.2 million sessions on a 2 GB heap, 150,000 on the 256 MB a JVM takes by default in a
 * 1 GB container. A size of 0 caches nothing.
 *
 * @param sessions the most sessions cached at once: 0..{@link #MAX_SESSIONS}
 */
public record SessionCacheSize(long sessions) {

  /**
   * Heap bytes per cached session, an upper estimate: the entry, the session and its strings.
   * Measured at 269 bytes (bench {@code MemoryFootprint --cache}, docs/benchmarks.md) and up to
   * about 350 with long user agents; the larger figure is taken, so that a memory budget holds.
   */
  public static final long ENTRY_BYTES = 350;

  /** The default's share of the heap: one part in this many. */
  public static final int HEAP_SHARE = 5;

  /** The default's ceiling: 10 million sessions (about 3.5 GB). */
  public static final long DEFAULT_CAP = 10_000_000;

  /** The largest size accepted: 100 million sessions (about 35 GB of heap). */
  public static final long MAX_SESSIONS = 100_000_000;

  /** Checks the bounds. */
  public SessionCacheSize {
    if (sessions < 0 || sessions > MAX_SESSIONS) {
      throw new IllegalArgumentException(
          "A node cache holds 0.." + MAX_SESSIONS + " sessions, got " + sessions);
    }
  }

  /** As many sessions as fit in {@code bytes} of heap, at {@link #ENTRY_BYTES} each. */
  public static SessionCacheSize ofMemory(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("A node cache's memory is 0 or more bytes, got " + bytes);
    }
    return new SessionCacheSize(bytes / ENTRY_BYTES);
  }

  /**
   * The default for a heap of at most {@code maxHeapBytes} ({@link Runtime#maxMemory()}): a {@link
   * #HEAP_SHARE}th of it, at most {@link #DEFAULT_CAP} sessions.
   */
  public static SessionCacheSize forHeap(long maxHeapBytes) {
    if (maxHeapBytes <= 0) {
      throw new IllegalArgumentException("A heap has a positive size, got " + maxHeapBytes);
    }
    return new SessionCacheSize(Math.min(DEFAULT_CAP, maxHeapBytes / HEAP_SHARE / ENTRY_BYTES));
  }

  /** {@link #forHeap} of this JVM's heap. */
  public static SessionCacheSize forThisHeap() {
    return forHeap(Runtime.getRuntime().maxMemory());
  }

  /** The heap the cache takes when full, roughly: {@link #sessions} times {@link #ENTRY_BYTES}. */
  public long bytes() {
    return sessions * ENTRY_BYTES;
  }
}
