package dev.sessionlimits.bench;

import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
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

/**
 * {@code SessionStore.open} with quota enforcement, single-threaded: the store's share of a login
 * (no password hashing, no token generation, no HTTP). One user logs in again and again from one
 * address under a user limit and an exhaustion action; {@code -1} is unlimited (a new user per
 * login). At limit 1 every login after the first evicts one session, except under {@code
 * DENY_ACCESS}, where every login after the first is refused (the refusal path). The store also
 * holds 10,000 sessions of other users, as in {@link UserSessionsBenchmark}: on an empty table that
 * was never analyzed, PostgreSQL caches plans that scan whole indexes (or the table), which grow
 * with every login of the trial until autovacuum analyzes it, so an empty store would measure that
 * instead of a login.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class StoreOpenBenchmark {

  @Param({"memory", "h2", "postgres"})
  public String store;

  /** {@code <user limit>:<exhaustion action>}. */
  @Param({
    "1:DENY_ACCESS",
    "1:DESTROY_NEXT_EXPIRING",
    "1:DESTROY_OLDEST_SESSION",
    "1:DESTROY_OLD_SESSIONS",
    "3:DESTROY_NEXT_EXPIRING",
    "-1:DESTROY_NEXT_EXPIRING"
  })
  public String scenario;

  private BenchStores stores;
  private Opener opener;

  @Setup(Level.Trial)
  public void setUp() {
    String[] parts = scenario.split(":");
    int limit = Integer.parseInt(parts[0]);
    stores = BenchStores.open(store);
    stores.fill(10_000, 2, 100);
    QuotaPolicy policy =
        BenchStores.policy(
            limit, parts[1], limit == -1 ? Opener.UNLIMITED_IDLE : Opener.LIMITED_IDLE);
    opener = new Opener(stores, policy, limit == -1 ? null : "alice");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    stores.close();
  }

  @Benchmark
  public OpenResult open() {
    return opener.open();
  }
}
