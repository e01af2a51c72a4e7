package dev.sessionlimits.bench;

/**
 * When a JVM under load counts as warm, and which measured runs count: the rules {@link VerifyRuns}
 * and {@link LoginCost} apply to what their runs measured, kept apart from the processes so that
 * they can be tested.
 *
 * <h2>Why the JIT decides</h2>
 *
 * A target is pinned to one core, and C2 compiles on that core: a run measured while it compiles is
 * charged the compiling, in its latency's tail and in its CPU per operation. On a 2-core host C2
 * still compiled minutes into a load, so a warm-up stops when the JIT is quiet and the figures have
 * stopped moving, not after a fixed time, and a measured run in which the JIT was busy is run
 * again.
 */
final class Settling {

  private Settling() {}

  /**
   * Whether the JIT's compiler threads used less than {@code share} of a run's {@code wallMs}. A
   * JIT that could not be read (NaN) is nothing to wait for.
   */
  static boolean jitQuiet(double jitMs, double wallMs, double share) {
    return Double.isNaN(jitMs) || jitMs < share * wallMs;
  }

  /** Whether {@code current} is within {@code tolerance} of {@code previous}, relative to it. */
  static boolean steady(double previous, double current, double tolerance) {
    return previous > 0 && Math.abs(current - previous) <= tolerance * previous;
  }

  /** Whether {@code current} fell by at most {@code fall} of {@code previous}; rising is fine. */
  static boolean notFalling(double previous, double current, double fall) {
    return current >= (1 - fall) * previous;
  }

  /**
   * Whether a measured run counts: its JIT was quiet, or it was the last allowed try ({@code
   * attempt} counts from 0), which counts whatever its JIT did.
   */
  static boolean counts(boolean quiet, int attempt, int retries) {
    return quiet || attempt >= retries;
  }

  /**
   * Warm-up runs one after another: settled once two in a row each left the JIT quiet and their
   * rates agree within a tolerance.
   */
  static final class Streak {

    private final double tolerance;
    private double previousRate;
    private boolean previousQuiet;

    /** A streak whose rates must agree within {@code tolerance} (0.1: 10%). */
    Streak(double tolerance) {
      this.tolerance = tolerance;
    }

    /** Adds a run of {@code rate} whose JIT was {@code quiet}; whether the target is now warm. */
    boolean settledAfter(double rate, boolean quiet) {
      boolean settled = quiet && previousQuiet && steady(previousRate, rate, tolerance);
      previousRate = rate;
      previousQuiet = quiet;
      return settled;
    }
  }
}
