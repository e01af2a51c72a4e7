package dev.sessionlimits.bench;

import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code SessionStore.open} from 8 threads at once, each its own user at limit 1 ({@code
 * DESTROY_NEXT_EXPIRING}, so every login evicts one session), or unlimited ({@code -1}, a new user
 * per login, as in {@link StoreOpenBenchmark}): the throughput one node gets from its store when
 * logins arrive together (the JDBC pool has 10 connections; PostgreSQL can group the commits). The
 * score is the sum over the threads. The store also holds 10,000 sessions of other users, for the
 * reason {@link StoreOpenBenchmark} gives.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Threads(8)
public class ConcurrentOpenBenchmark {

  /** The store, shared by the threads. */
  @State(Scope.Benchmark)
  public static class Shared {
    @Param({"memory", "h2", "postgres"})
    public String store;

    /** {@code <user limit>:<exhaustion action>}, as in {@link StoreOpenBenchmark}. */
    @Param({"1:DESTROY_NEXT_EXPIRING", "-1:DESTROY_NEXT_EXPIRING"})
    public String scenario;

    BenchStores stores;
    final AtomicInteger users = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() {
      stores = BenchStores.open(store);
      stores.fill(10_000, 2, 100);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      stores.close();
    }
  }

  /** One user per thread. */
  @State(Scope.Thread)
  public static class PerThread {
    Opener opener;

    @Setup(Level.Trial)
    public void setUp(Shared shared) {
      String[] parts = shared.scenario.split(":");
      int limit = Integer.parseInt(parts[0]);
      QuotaPolicy policy =
          BenchStores.policy(
              limit, parts[1], limit == -1 ? Opener.UNLIMITED_IDLE : Opener.LIMITED_IDLE);
      opener =
          new Opener(
              shared.stores, policy, limit == -1 ? null : "user" + shared.users.incrementAndGet());
    }
  }

  @Benchmark
  public OpenResult open(PerThread thread) {
    return thread.opener.open();
  }
}
