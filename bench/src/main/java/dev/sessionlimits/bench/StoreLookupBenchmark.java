package dev.sessionlimits.bench;

import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.TokenHash;
import java.time.Duration;
import java.time.Instant;
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
 * What an authenticated request costs the store, single-threaded, on a store holding 16,384 live
 * sessions (2 per user, 100 per address), looked up by token hash in a scattered order:
 *
 * <ul>
 *   <li>{@code find}: a read, as with {@code X-Session-Quiet: 1};
 *   <li>{@code touch}: a request that would extend the session but comes within a second of its
 *       previous touch, so it is coalesced and nothing is written (most requests of a busy user);
 *   <li>{@code touchWrite}: each session's previous touch is at least 16 s old, so every touch
 *       writes (the first request of each second).
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class StoreLookupBenchmark {

  static final int SESSIONS = 1 << 14;
  private static final Duration IDLE = Duration.ofDays(1);

  @Param({"memory", "h2", "postgres"})
  public String store;

  private BenchStores stores;
  private TokenHash[] hashes;
  private int next;
  private long writes;

  @Setup(Level.Trial)
  public void setUp() {
    stores = BenchStores.open(store);
    stores.fill(SESSIONS, 2, 100);
    hashes = new TokenHash[SESSIONS];
    for (int i = 0; i < SESSIONS; i++) {
      // A stride coprime with the size visits every session in a scattered order.
      hashes[i] = TokenHash.of("t" + (1 + (int) ((i * 7919L) % SESSIONS)));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    stores.close();
  }

  private TokenHash nextHash() {
    return hashes[next++ & (SESSIONS - 1)];
  }

  private static final Instant WITHIN_A_SECOND = BenchStores.FILLED_AT.plusMillis(500);
  private static final Instant A_MINUTE_LATER = BenchStores.FILLED_AT.plusSeconds(60);

  @Benchmark
  public Lookup find() {
    return stores.store.find(nextHash(), WITHIN_A_SECOND);
  }

  @Benchmark
  public Lookup touch() {
    return stores.store.touch(nextHash(), WITHIN_A_SECOND, IDLE);
  }

  @Benchmark
  public Lookup touchWrite() {
    // One millisecond per call: a session comes round every 16,384 calls, 16 s after its last
    // touch.
    Instant now = A_MINUTE_LATER.plusMillis(++writes);
    return stores.store.touch(nextHash(), now, IDLE);
  }
}
