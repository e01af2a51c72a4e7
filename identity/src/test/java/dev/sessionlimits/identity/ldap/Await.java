package dev.sessionlimits.identity.ldap;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Polls a condition every 10 ms until it holds or a deadline passes: no fixed sleeps. */
final class Await {

  private Await() {}

  /** Throws an AssertionError naming {@code what} if {@code condition} does not hold in time. */
  static void until(String what, Duration limit, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not within " + limit.toMillis() + " ms: " + what);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for: " + what, e);
      }
    }
  }
}
