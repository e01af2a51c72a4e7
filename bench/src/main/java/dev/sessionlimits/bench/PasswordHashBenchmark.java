package dev.sessionlimits.bench;

import dev.sessionlimits.server.service.Passwords;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What checking one password costs, single-threaded: {@code Passwords.verify} at the production
 * cost (OWASP Argon2id: 19 MiB, 2 iterations, 1 lane) and at the cheap test-only cost. The login's
 * fixed price, against which the store's share of a login ({@code StoreOpenBenchmark}) is weighed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class PasswordHashBenchmark {

  @Param({"argon2id", "cheap"})
  public String cost;

  private Passwords passwords;
  private String hash;

  @Setup(Level.Trial)
  public void setUp() {
    passwords = new Passwords(cost.equals("argon2id") ? Passwords.Cost.OWASP : BenchServer.CHEAP);
    hash = passwords.hash(BenchServer.PASSWORD);
  }

  @Benchmark
  public boolean verify() {
    return passwords.verify(BenchServer.PASSWORD, hash);
  }
}
