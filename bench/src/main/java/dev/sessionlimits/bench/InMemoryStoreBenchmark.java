package dev.sessionlimits.bench;

import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionStore;
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
 * The in-memory store's hot paths, single-threaded: {@code open} with quota enforcement (the login's
 * store work, without password hashing or token generation) and {@code find} (what every request
 * costs). Run with {@code bench/run.sh}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
public class InMemoryStoreBenchmark {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private static final String HASH_PREFIX = "0".repeat(48);
  private static final long PURGE_EVERY_MASK = (1 << 16) - 1;

  /** A store where one user keeps logging in, under a limit and an action. */
  @State(Scope.Thread)
  public static class OpenState {
    /** The user limit; -1 is unlimited. */
    @Param({"1", "3", "-1"})
    public int limit;

    /** The exhaustion action at the limit. */
    @Param({"DESTROY_NEXT_EXPIRING", "DENY_ACCESS"})
    public String action;

    SessionStore store;
    QuotaPolicy policy;
    LoginAttempt attempt;
    long counter;
    String user;
    Instant base = T0;

    @Setup(Level.Iteration)
    public void setUp() {
      store = SessionStore.inMemory();
      policy = new QuotaPolicy(limit, -1, "DENY_ACCESS".equals(action)
          ? ExhaustionAction.DENY_ACCESS : ExhaustionAction.DESTROY_NEXT_EXPIRING,
          Duration.ofMinutes(30), Duration.ZERO);
      // Unlimited: a user per open, or the user's live set would grow without end.
      user = "alice";
      attempt = LoginAttempt.password(user, "203.0.113.7", "Firefox on Linux");
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
      store.close();
    }

    Session next() {
      long n = ++counter;
      if ((n & PURGE_EVERY_MASK) == 0) {
        // As the server's periodic purge does: tombstones are forgotten after seven days. Keeping
        // every tombstone of millions of logins a second would measure the garbage collector.
        base = base.plus(Duration.ofDays(8));
        store.purge(base);
      }
      String hex = Long.toHexString(n);
      TokenHash hash = new TokenHash(HASH_PREFIX + "0".repeat(16 - hex.length()) + hex);
      LoginAttempt who = (limit == -1)
          ? LoginAttempt.password("user" + n, "203.0.113." + (n & 0xFF), "Firefox on Linux")
          : attempt;
      return Session.open("s" + n, hash, who, base.plusMillis(n & PURGE_EVERY_MASK), policy);
    }
  }

  /** A store holding many live sessions, looked up by token hash. */
  @State(Scope.Thread)
  public static class FindState {
    @Param({"100000"})
    public int sessions;

    SessionStore store;
    TokenHash[] hashes;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      store = SessionStore.inMemory();
      hashes = new TokenHash[Integer.highestOneBit(sessions)];
      QuotaPolicy unlimited = new QuotaPolicy(-1, -1, ExhaustionAction.DENY_ACCESS,
          Duration.ofDays(1), Duration.ZERO);
      for (int i = 0; i < hashes.length; i++) {
        hashes[i] = TokenHash.of("token-" + i);
        store.open(Session.open("s" + i, hashes[i], LoginAttempt.password("user" + (i % 5000),
            "10.1." + (i >> 8 & 0xFF) + "." + (i & 0xFF), "ua"), T0, unlimited), unlimited);
      }
    }
  }

  @Benchmark
  public OpenResult open(OpenState state) {
    return state.store.open(state.next(), state.policy);
  }

  @Benchmark
  public Lookup find(FindState state) {
    TokenHash hash = state.hashes[state.next++ & (state.hashes.length - 1)];
    return state.store.find(hash, T0.plusSeconds(60));
  }

  @Benchmark
  public Lookup touch(FindState state) {
    TokenHash hash = state.hashes[state.next++ & (state.hashes.length - 1)];
    return state.store.touch(hash, T0.plusSeconds(60 + (state.next >> 16)), Duration.ofDays(1));
  }
}
