package dev.sessionlimits.bench;

import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.core.TokenHash;
import dev.sessionlimits.store.jdbc.SessionCacheSize;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * {@code open} (one user at limit 1, {@code DESTROY_NEXT_EXPIRING}) and {@code find} (a random one
 * of the table's sessions) on PostgreSQL, with {@code rows} live sessions of other users in the
 * table (1 per user, 100 per address), filled by one INSERT ... SELECT over generate_series, then
 * ANALYZEd. Does a login or a lookup slow down as the table grows?
 *
 * <p>The node cache has the size a server would take on the fork's heap ({@code cache=default}: a
 * fifth of 2 GB, 1.2 million sessions) or {@code cache=N} sessions (100000 was the fixed size
 * before issue 19). Before {@code find} is measured every filled session that fits in the cache is
 * found once from 4 threads, as a node that has served them for a while would have them: what is
 * measured is the steady state, not the cache's filling. {@code bench/cache-scale.sh} runs {@code
 * find} at 10,000 and 1,000,000 rows in 3 forks and gives the ratio.
 *
 * <p>{@code findCeiling} is that lookup's ceiling: the same sessions (built in memory as the
 * in-memory store's fill builds them, no database) in a bare {@link ConcurrentHashMap}, found the
 * same way (the token's hash computed, the entry looked up, its liveness checked). A map of a
 * million entries does not fit in the CPU's caches, so each object a lookup follows may cost a trip
 * to memory; how much the bare map slows down from 10,000 to 1,000,000 entries is what any cache of
 * objects on this machine can do at best.
 *
 * <p>{@code findFloor} is the floor under that: the same sessions in a {@link LookupFloor}, where a
 * hit reads two objects (the table's slot and an entry holding the hash's bits and the expiry) and
 * nothing else. No lookup that returns a session can touch less memory.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class TableSizeBenchmark {

  @Param({"10000", "1000000"})
  public int rows;

  /** {@code default} (a fifth of the heap) or a number of sessions. */
  @Param({"default"})
  public String cache;

  private static final int WARM_THREADS = 4;

  private BenchStores stores;
  private Map<TokenHash, Session> ceiling;
  private LookupFloor floor;
  private Opener opener;
  private final SplittableRandom random = new SplittableRandom(42);

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws Exception {
    if (params.getBenchmark().endsWith(".findCeiling")) {
      ceiling = ceilingMap(rows);
      System.gc(); // the fill's garbage collected now, not in the first iterations
      return;
    }
    if (params.getBenchmark().endsWith(".findFloor")) {
      floor = new LookupFloor(ceilingMap(rows).values());
      System.gc();
      return;
    }
    SessionCacheSize size =
        cache.equals("default")
            ? SessionCacheSize.forThisHeap()
            : new SessionCacheSize(Long.parseLong(cache));
    System.out.printf(
        "%n# node cache: %,d sessions (~%,d MB of a %,d MB heap)%n",
        size.sessions(), size.bytes() >> 20, Runtime.getRuntime().maxMemory() >> 20);
    stores = BenchStores.open("postgres", size);
    stores.fill(rows, 1, 100);
    opener =
        new Opener(
            stores, BenchStores.policy(1, "DESTROY_NEXT_EXPIRING", Opener.LIMITED_IDLE), "alice");
    if (params.getBenchmark().endsWith(".find")) {
      warm(Math.min(rows, size.sessions()));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (stores != null) {
      stores.close();
    }
  }

  /** Sessions {@code t1..t<rows>} as {@link BenchStores#fill} makes them, in a bare map. */
  private static Map<TokenHash, Session> ceilingMap(int rows) {
    QuotaPolicy unlimited = BenchStores.policy(-1, "DENY_ACCESS", Duration.ofDays(30));
    Map<TokenHash, Session> map = new ConcurrentHashMap<>();
    for (int i = 1; i <= rows; i++) {
      int a = i / 100;
      String ip = "10." + (a >> 16 & 0xFF) + "." + (a >> 8 & 0xFF) + "." + (a & 0xFF);
      LoginAttempt attempt = LoginAttempt.password("fu" + i, ip, BenchStores.FIREFOX);
      Session session =
          Session.open("f" + i, TokenHash.of("t" + i), attempt, BenchStores.FILLED_AT, unlimited);
      map.put(session.tokenHash(), session);
    }
    return map;
  }

  /**
   * Finds each of the first {@code count} filled sessions, from {@link #WARM_THREADS} threads,
   * until the node cache holds them: a lookup the loaded database times out makes the store clear
   * its cache when the database is back, so a pass may need another.
   */
  private void warm(long count) throws Exception {
    long started = System.nanoTime();
    for (int pass = 1; pass <= 5 && stores.cachedSessions() < count * 0.99; pass++) {
      warmPass(count);
      System.out.printf(
          "# warm pass %d: the node cache holds %,d sessions after %.1f s%n",
          pass, stores.cachedSessions(), (System.nanoTime() - started) / 1e9);
    }
  }

  private void warmPass(long count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WARM_THREADS);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < WARM_THREADS; t++) {
        int first = t;
        parts.add(
            pool.submit(
                () -> {
                  for (long i = 1 + first; i <= count; i += WARM_THREADS) {
                    findRetrying(TokenHash.of("t" + i));
                  }
                  return null;
                }));
      }
      for (Future<?> part : parts) {
        part.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private void findRetrying(TokenHash hash) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        stores.store.find(hash, BenchStores.FILLED_AT);
        return;
      } catch (StoreUnavailableException e) {
        if (attempt == 600) {
          throw e;
        }
        Thread.sleep(100); // the store's probe reopens it within 250 ms
      }
    }
  }

  @Benchmark
  public OpenResult open() {
    return opener.open();
  }

  @Benchmark
  public Lookup findCeiling() {
    TokenHash hash = TokenHash.of("t" + (1 + random.nextInt(rows)));
    Session session = ceiling.get(hash);
    return (session != null && session.isLive(BenchStores.FILLED_AT))
        ? new Lookup.Live(session)
        : Lookup.UNKNOWN;
  }

  @Benchmark
  public Lookup findFloor() {
    return floor.find("t" + (1 + random.nextInt(rows)), BenchStores.FILLED_AT);
  }

  @Benchmark
  public Lookup find() {
    TokenHash hash = TokenHash.of("t" + (1 + random.nextInt(rows)));
    return stores.store.find(hash, BenchStores.FILLED_AT);
  }
}
