package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** When and why a session ended, and what caused it. */
public record SessionEnd(EndReason reason, Instant at, EndCause cause) {

  public SessionEnd {
    requireNonNull(reason, "reason");
    requireNonNull(at, "at");
    cause = (cause == null) ? EndCause.NONE : cause;
  }

  /** An ending without a known cause. */
  public static SessionEnd of(EndReason reason, Instant at) {
    return new SessionEnd(reason, at, EndCause.NONE);
  }
}
