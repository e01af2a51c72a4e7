package dev.sessionlimits.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SessionStore.PurgeResult;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.core.TokenHash;
import dev.sessionlimits.store.jdbc.JdbcStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * {@code sl_sessions} at 10,000 and at 10,000,000 rows ({@link BigTable}): open, find and purge
 * through the real {@link JdbcStore}, each {@code reps} times in one run, beside pgbench running
 * the same statements, and the table's and each index's bytes per session. Writes a markdown report
 * ({@link ScaleReport}). See docs/benchmarks.md, "10 million sessions"; {@code bench/scale.sh} runs
 * it.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.sessionlimits.bench.BigTableBench OUT.md
 *     [--sizes 10000,10000000] [--seconds 3] [--reps 3] [--no-pgbench]
 * </pre>
 *
 * <p>Opens go through {@link JdbcStore#postgres} (the cluster store a node runs, its listener and
 * all); finds through {@link JdbcStore#using} on a pool of its own, which has no node cache, so a
 * find is the table's index lookup, never a cache hit. Purge is the cluster store's, on backlogs
 * {@link BigTable#backlog} adds: per repetition one purge that records {@code backlog} expiries,
 * one that forgets {@code backlog} tombstones, and one with nothing to do but walk the quota lock
 * rows (its fixed cost, which grows with the users and addresses).
 */
public final class BigTableBench {

  /** Logins per second cluster-wide the purge must keep up with (as many sessions end). */
  static final int CHURN = 10_000;

  /** How often each node purges (the server's default). */
  static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

  /** Runs of an open benchmark's thread so far: each run's logins come an hour after the last. */
  private static final AtomicLong RUNS = new AtomicLong();

  /** Operations that failed with StoreUnavailableException (not counted in any rate). */
  static final AtomicLong UNAVAILABLE = new AtomicLong();

  private BigTableBench() {}

  /** See the class comment. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "usage: BigTableBench OUT.md [--sizes 10000,10000000] [--seconds 3] [--reps 3]"
              + " [--no-pgbench]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    List<Long> sizes = List.of(10_000L, 10_000_000L);
    int seconds = 3;
    int reps = 3;
    boolean pgbench = true;
    for (int a = 1; a < args.length; a++) {
      switch (args[a]) {
        case "--sizes" -> sizes = parseSizes(args[++a]);
        case "--seconds" -> seconds = Integer.parseInt(args[++a]);
        case "--reps" -> reps = Integer.parseInt(args[++a]);
        case "--no-pgbench" -> pgbench = false;
        default -> throw new IllegalArgumentException("unknown option " + args[a]);
      }
    }
    if (pgbench && !PgBenchRuns.available()) {
      System.err.println("pgbench (" + PgBenchRuns.PGBENCH + ") cannot be run: no ceiling");
      pgbench = false;
    }
    ScaleReport report = new ScaleReport(seconds, reps);
    for (long rows : sizes) {
      measure(rows, seconds, reps, pgbench, report.size(rows));
    }
    Files.writeString(out, report.markdown(String.join(" ", args)));
    System.out.println("wrote " + out);
  }

  private static List<Long> parseSizes(String text) {
    List<Long> sizes = new ArrayList<>();
    for (String s : text.split(",")) {
      sizes.add(Long.parseLong(s.trim().replace("_", "")));
    }
    return sizes;
  }

  private static void measure(
      long rows, int seconds, int reps, boolean pgbench, ScaleReport.Size report) throws Exception {
    log("%,d rows: filling", rows);
    try (BenchStores stores = BenchStores.open("postgres")) {
      Map<String, Duration> took = BigTable.fill(stores::sql, rows);
      took.forEach(report::took);
      log("%,d rows: filled %s", rows, took);
      try (Connection c = stores.sql()) {
        report.sizes(BigTable.sizes(c));
      }
      SessionStore cluster = stores.store;
      Duration run = Duration.ofSeconds(seconds);
      for (int threads : new int[] {1, 8}) {
        QuotaPolicy evicting = BenchStores.policy(1, "DESTROY_NEXT_EXPIRING", Opener.LIMITED_IDLE);
        QuotaPolicy unlimited =
            BenchStores.policy(-1, "DESTROY_NEXT_EXPIRING", Opener.UNLIMITED_IDLE);
        report.figure(
            "open, evicting at limit 1",
            threads,
            repeat(reps, run, threads, opens(cluster, evicting, true)));
        report.figure(
            "open, unlimited",
            threads,
            repeat(reps, run, threads, opens(cluster, unlimited, false)));
        log("%,d rows: opens on %d thread(s) done", rows, threads);
      }
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(stores.url());
      config.setMaximumPoolSize(10);
      try (HikariDataSource pool = new HikariDataSource(config);
          JdbcStore direct = JdbcStore.using(pool)) {
        SessionStore uncached = direct.sessions();
        if (!(uncached.find(TokenHash.of(BigTable.tokenSeed(1)), BenchStores.T0)
            instanceof Lookup.Live)) {
          throw new IllegalStateException("session 1 of the fill is not found live");
        }
        for (int threads : new int[] {1, 8}) {
          report.figure(
              "find, no node cache", threads, repeat(reps, run, threads, finds(uncached, rows)));
        }
      }
      log("%,d rows: finds done", rows);
      if (pgbench) {
        try (PgBenchRuns runs = PgBenchRuns.on(stores)) {
          for (int clients : new int[] {1, 8}) {
            double[] find = new double[reps];
            double[] evict = new double[reps];
            for (int r = 0; r < reps; r++) {
              find[r] = runs.run("find", clients, seconds, rows);
              evict[r] = runs.run("evict", clients, seconds, rows);
            }
            report.ceiling("find, no node cache", clients, find);
            report.ceiling("open, evicting at limit 1", clients, evict);
          }
        }
        log("%,d rows: pgbench done", rows);
      }
      purges(stores, cluster, rows, reps, report);
      log("%,d rows: purges done", rows);
    }
  }

  /**
   * Per repetition r (purging at T0 + r minutes): a backlog of expiries due then, and one of
   * tombstones forgettable 20 s later (before the next repetition's expiries are due); then one
   * purge for each, and one with nothing due.
   */
  private static void purges(
      BenchStores stores, SessionStore store, long rows, int reps, ScaleReport.Size report)
      throws Exception {
    int backlog = (int) Math.max(1_000, Math.min(20_000, rows / 100));
    try (Connection c = stores.sql();
        Statement s = c.createStatement()) {
      for (int r = 1; r <= reps; r++) {
        Instant now = BenchStores.T0.plusSeconds(60L * r);
        BigTable.backlog(c, "e" + r, now.minusSeconds(30), false, backlog);
        BigTable.backlog(
            c, "x" + r, BigTable.forgettable(now.plusSeconds(20)).minusSeconds(1), true, backlog);
      }
      s.execute("ANALYZE sl_sessions");
      s.execute("ANALYZE sl_quota_locks");
    }
    double[] expire = new double[reps];
    double[] forget = new double[reps];
    double[] idle = new double[reps];
    for (int r = 1; r <= reps; r++) {
      Instant now = BenchStores.T0.plusSeconds(60L * r);
      long t0 = System.nanoTime();
      PurgeResult first = store.purge(now);
      long t1 = System.nanoTime();
      PurgeResult second = store.purge(now.plusSeconds(20));
      long t2 = System.nanoTime();
      PurgeResult third = store.purge(now.plusSeconds(20));
      long t3 = System.nanoTime();
      if (first.expired() != backlog
          || second.forgotten() != backlog
          || third.expired() + third.forgotten() != 0) {
        throw new IllegalStateException(
            "purge %d did other work than its backlog of %d: %s, %s, %s"
                .formatted(r, backlog, first, second, third));
      }
      expire[r - 1] = (t1 - t0) / 1e9;
      forget[r - 1] = (t2 - t1) / 1e9;
      idle[r - 1] = (t3 - t2) / 1e9;
    }
    report.purge(backlog, expire, forget, idle);
  }

  /**
   * Logins of one user per thread ({@code ownUser}) or of a new user per login. Each run of a
   * thread gets its own ids and its own hour after T0, one millisecond per login, so a user's
   * logins never go back in time.
   */
  private static IntFunction<Runnable> opens(
      SessionStore store, QuotaPolicy policy, boolean ownUser) {
    return thread -> {
      long run = RUNS.incrementAndGet();
      String prefix = "o" + run + "-" + thread + "-";
      Instant base = BenchStores.T0.plus(Duration.ofHours(run));
      LoginAttempt own =
          LoginAttempt.password("alice" + thread, "203.0.113.7", BenchStores.FIREFOX);
      long[] n = {0};
      return () -> {
        long i = ++n[0];
        LoginAttempt who =
            ownUser
                ? own
                : LoginAttempt.password(
                    prefix + "u" + i, "203.0.113." + (i & 0xFF), BenchStores.FIREFOX);
        Session s =
            Session.open(prefix + i, TokenHash.of(prefix + i), who, base.plusMillis(i), policy);
        store.open(s, policy);
      };
    };
  }

  private static IntFunction<Runnable> finds(SessionStore store, long rows) {
    return thread -> {
      SplittableRandom random = new SplittableRandom(thread * 7919L + rows);
      return () -> {
        long i = random.nextLong(1, rows + 1);
        if (!BigTable.live(i)) {
          i = i == rows ? 1 : i + 1;
        }
        store.find(TokenHash.of(BigTable.tokenSeed(i)), BenchStores.T0);
      };
    };
  }

  /** {@code reps} runs of {@code run} each (after one of a second to warm up): operations/s. */
  static double[] repeat(int reps, Duration run, int threads, IntFunction<Runnable> work)
      throws InterruptedException {
    rate(Duration.ofSeconds(1), threads, work);
    double[] rates = new double[reps];
    for (int r = 0; r < reps; r++) {
      rates[r] = rate(run, threads, work);
    }
    return rates;
  }

  private static double rate(Duration run, int threads, IntFunction<Runnable> work)
      throws InterruptedException {
    AtomicLong done = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    long[] window = new long[2];
    for (int t = 0; t < threads; t++) {
      Runnable op = work.apply(t);
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                  long count = 0;
                  while (System.nanoTime() < window[1]) {
                    try {
                      op.run();
                      count++;
                    } catch (StoreUnavailableException e) {
                      // A read over the store's bound on a loaded machine: not counted, reported.
                      UNAVAILABLE.incrementAndGet();
                    }
                  }
                  done.addAndGet(count);
                } catch (Throwable e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              });
      worker.start();
      workers.add(worker);
    }
    window[0] = System.nanoTime();
    window[1] = window[0] + run.toNanos();
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a benchmark thread failed", failures.get(0));
    }
    return done.get() / ((System.nanoTime() - window[0]) / 1e9);
  }

  static void log(String format, Object... args) {
    System.err.printf(
        "[%s] %s%n", Instant.now().toString().substring(11, 19), format.formatted(args));
  }
}
