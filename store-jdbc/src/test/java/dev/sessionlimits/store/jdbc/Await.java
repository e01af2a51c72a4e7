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

  /**
   * How long a condition that holds in milliseconds on a quiet machine may take on a loaded one.
   */
  private static final Duration PATIENCE = Duration.ofSeconds(10);

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

  /**
   * Runs {@code assertion} every 10 ms until it passes; throws an AssertionError naming {@code
   * what}, caused by the assertion's last failure, if it does not pass within 10 s.
   */
  public static void untilAsserted(String what, Runnable assertion) {
    AssertionError[] last = new AssertionError[1];
    try {
      until(
          what,
          PATIENCE,
          () -> {
            try {
              assertion.run();
              return true;
            } catch (AssertionError e) {
              last[0] = e;
              return false;
            }
          });
    } catch (AssertionError timedOut) {
      if (last[0] != null) {
        timedOut.initCause(last[0]);
      }
      throw timedOut;
    }
  }
}
