package dev.sessionlimits.server.service;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Argon2id password hashes (Password4j). New hashes use {@link Cost}; a stored hash is checked with
 * the parameters written in it, so hashes made under other costs keep working.
 *
 * <p>A login for an unknown user checks the password against a dummy hash of the same cost, so that
 * the answer takes about as long as for a real user and does not reveal which names exist.
 *
 * <p>Each hash holds its whole Argon2 memory (19 MiB at {@link Cost#OWASP}) until it ends, so the
 * hashes running at once are bounded ({@link #defaultConcurrency}): a burst of logins would
 * otherwise exhaust the heap. A hash that cannot start within {@link #MAX_WAIT} is not run; the
 * caller gets 503 {@code overloaded} with {@code Retry-After}. The bound is a fair {@link
 * Semaphore}: first come, first served, and a timed wait.
 */
public final class Passwords {

  /** The longest password accepted; longer ones are refused before hashing. */
  public static final int MAX_LENGTH = 1024;

  private static final int SALT_BYTES = 16;
  private static final int OUTPUT_BYTES = 32;

  /** How long a hash may wait for its turn before the request is answered 503. */
  static final Duration MAX_WAIT = Duration.ofSeconds(2);

  /** The share of the maximum heap that running hashes may hold together. */
  private static final int HEAP_SHARE_DIVISOR = 4;

  /** The {@code Retry-After} of an {@code overloaded} answer, in seconds. */
  private static final long RETRY_AFTER_SECONDS = 2;

  /**
   * Argon2id cost: memory in KiB, iterations, lanes.
   *
   * @param memoryKib memory per hash, KiB
   * @param iterations passes over the memory
   * @param parallelism lanes
   */
  public record Cost(int memoryKib, int iterations, int parallelism) {

    /** OWASP's recommendation for Argon2id: 19 MiB, 2 iterations, 1 lane. */
    public static final Cost OWASP = new Cost(19_456, 2, 1);

    /** For tests and benchmarks only, never for real passwords: 64 KiB, 1 iteration, 1 lane. */
    public static final Cost CHEAP = new Cost(64, 1, 1);

    /** Checks that Argon2id can run at this cost. */
    public Cost {
      if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1) {
        throw new IllegalArgumentException(
            "Argon2id needs memory >= 8 KiB per lane, iterations >= 1"
                + " and parallelism >= 1, got m="
                + memoryKib
                + " t="
                + iterations
                + " p="
                + parallelism);
      }
    }
  }

  private final Argon2Function function;
  private final Semaphore running;
  private final Duration maxWait;
  private final String dummyHash;

  /** Hashing at {@code cost}, as many at once as {@link #defaultConcurrency} allows. */
  public Passwords(Cost cost) {
    this(
        cost,
        defaultConcurrency(
            cost, Runtime.getRuntime().maxMemory(), Runtime.getRuntime().availableProcessors()),
        MAX_WAIT);
  }

  Passwords(Cost cost, int concurrency, Duration maxWait) {
    if (concurrency < 1) {
      throw new IllegalArgumentException(
          "at least one hash must be able to run, got " + concurrency);
    }
    this.function =
        Argon2Function.getInstance(
            cost.memoryKib(), cost.iterations(), cost.parallelism(), OUTPUT_BYTES, Argon2.ID);
    this.running = new Semaphore(concurrency, true);
    this.maxWait = maxWait;
    this.dummyHash = hash(generate(new SecureRandom()));
  }

  /**
   * How many hashes of {@code cost} may run at once: no more than there are cores (a hash is pure
   * computation, so more at once only makes each slower), and together no more than a quarter of
   * the maximum heap; at least one.
   */
  static int defaultConcurrency(Cost cost, long maxHeapBytes, int cores) {
    long hashBytes = cost.memoryKib() * 1024L;
    long byHeap = (maxHeapBytes / HEAP_SHARE_DIVISOR) / hashBytes;
    return (int) Math.max(1, Math.min(cores, byHeap));
  }

  /**
   * A new encoded hash of {@code password} ({@code $argon2id$v=19$m=...}).
   *
   * @throws ApiException 503 {@code overloaded} when too many hashes are running to start soon
   */
  public String hash(String password) {
    return bounded(
        () -> Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult());
  }

  /**
   * Whether {@code password} matches {@code encodedHash}. A null hash (unknown user, or an account
   * without a password) is never matched but costs the same time.
   *
   * @throws ApiException 503 {@code overloaded} when too many hashes are running to start soon
   */
  public boolean verify(String password, String encodedHash) {
    return bounded(() -> check(password, encodedHash));
  }

  private boolean check(String password, String encodedHash) {
    if (encodedHash == null) {
      function.check(password, dummyHash);
      return false;
    }
    try {
      return Argon2Function.getInstanceFromHash(encodedHash).check(password, encodedHash);
    } catch (IllegalArgumentException e) {
      function.check(password, dummyHash);
      return false;
    }
  }

  private <T> T bounded(Supplier<T> hashing) {
    boolean acquired;
    try {
      acquired = running.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      acquired = false;
    }
    if (!acquired) {
      throw overloaded();
    }
    try {
      return hashing.get();
    } finally {
      running.release();
    }
  }

  /** The 503 answer for a password check that cannot be served soon. */
  static ApiException overloaded() {
    return ApiError.OVERLOADED
        .exception(RETRY_AFTER_SECONDS)
        .withFields(Map.of("retry_after", RETRY_AFTER_SECONDS))
        .withHeaders(Map.of("Retry-After", Long.toString(RETRY_AFTER_SECONDS)));
  }

  /** A random password of 24 URL-safe characters (144 bits). */
  public static String generate(SecureRandom random) {
    byte[] bytes = new byte[18];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
