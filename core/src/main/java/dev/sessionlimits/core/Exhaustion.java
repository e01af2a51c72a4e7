package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * One exhausted limit, as shown to an {@link ExhaustionAction}: the live sessions in the {@code
 * scope} (earliest-created first), its {@code limit}, and the login that would exceed it.
 */
public record Exhaustion(
    Scope scope, int limit, List<Session> live, LoginAttempt attempt, Instant now) {

  public Exhaustion {
    requireNonNull(scope, "scope");
    requireNonNull(attempt, "attempt");
    requireNonNull(now, "now");
    live = List.copyOf(live);
    if (limit < 1 || live.size() < limit) {
      throw new IllegalArgumentException(
          "not exhausted: " + live.size() + " live sessions under a limit of " + limit);
    }
  }

  /** How many sessions must end for the new one to fit: {@code live - limit + 1}. */
  public int toEnd() {
    return live.size() - limit + 1;
  }
}
