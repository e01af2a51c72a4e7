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
 * How {@code open} scales with the number of live sessions the user holds. The user holds exactly
 * {@code sessions} live sessions and has a user limit of that many ({@code DESTROY_NEXT_EXPIRING}):
 * every login must read all of them, evicts the one expiring soonest and adds itself, so the live
 * set stays exactly {@code sessions} for the whole trial. The store also holds 10,000 sessions of
 * other users.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class UserSessionsBenchmark {

  @Param({"memory", "h2", "postgres"})
  public String store;

  /** The user's live sessions, and its limit. */
  @Param({"1", "10", "100", "1000"})
  public int sessions;

  private BenchStores stores;
  private Opener opener;

  @Setup(Level.Trial)
  public void setUp() {
    stores = BenchStores.open(store);
    stores.fill(10_000, 2, 100);
    QuotaPolicy policy = BenchStores.policy(sessions, "DESTROY_NEXT_EXPIRING", Opener.LIMITED_IDLE);
    opener = new Opener(stores, policy, "alice");
    for (int i = 0; i < sessions; i++) {
      opener.open();
    }
    int live = stores.store.liveSessionsOfUser("alice", BenchStores.T0.plusSeconds(1)).size();
    if (live != sessions) {
      throw new IllegalStateException("alice holds " + live + " live sessions, not " + sessions);
    }
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
