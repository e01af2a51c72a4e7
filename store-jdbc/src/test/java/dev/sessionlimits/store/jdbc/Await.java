package dev.sessionlimits.store.jdbc;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition at short intervals until it holds or a deadline passes: no fixed sleeps. In the
 * test-jar, for the server's tests too.
 */
public final class Await {

  private static final long POLL_MILLIS = 10;

  private Await() {}

  /**
   * How long {@code condition} took to hold, polled every 10 ms; throws an AssertionError naming
   * {@code what} if it does not hold within {@code limit}.
   */
  public static Duration until(String what, Duration limit, BooleanSupplier condition) {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not within " + limit.toMillis() + " ms: " + what);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for: " + what, e);
      }
    }
  }
}
