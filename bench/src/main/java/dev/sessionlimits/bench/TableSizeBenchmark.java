package dev.sessionlimits.bench;

import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.TokenHash;
import java.util.SplittableRandom;
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
 * {@code open} (one user at limit 1, {@code DESTROY_NEXT_EXPIRING}) and {@code find} (a random one
 * of the table's sessions) on PostgreSQL, with {@code rows} live sessions of other users in the
 * table (1 per user, 100 per address), filled by one INSERT ... SELECT over generate_series, then
 * ANALYZEd. Does a login or a lookup slow down as the table grows?
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class TableSizeBenchmark {

  @Param({"10000", "1000000"})
  public int rows;

  private BenchStores stores;
  private Opener opener;
  private final SplittableRandom random = new SplittableRandom(42);

  @Setup(Level.Trial)
  public void setUp() {
    stores = BenchStores.open("postgres");
    stores.fill(rows, 1, 100);
    opener =
        new Opener(
            stores, BenchStores.policy(1, "DESTROY_NEXT_EXPIRING", Opener.LIMITED_IDLE), "alice");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    stores.close();
  }

  @Benchmark
  public OpenResult open() {
    return opener.open();
  }

  @Benchmark
  public Lookup find() {
    TokenHash hash = TokenHash.of("t" + (1 + random.nextInt(rows)));
    return stores.store.find(hash, BenchStores.FILLED_AT);
  }
}
