package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * The limits and timeouts one login is judged by. A limit of {@link #UNLIMITED} is no limit. {@code
 * maxLifetime} of zero is no absolute lifetime.
 */
public record QuotaPolicy(
    int userLimit,
    int ipLimit,
    ExhaustionAction action,
    Duration idleTimeout,
    Duration maxLifetime) {

  /** The value of a limit that does not limit. */
  public static final int UNLIMITED = -1;

  public QuotaPolicy {
    requireLimit(userLimit, "userLimit");
    requireLimit(ipLimit, "ipLimit");
    requireNonNull(action, "action");
    requireNonNull(idleTimeout, "idleTimeout");
    requireNonNull(maxLifetime, "maxLifetime");
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
    }
    if (maxLifetime.isNegative()) {
      throw new IllegalArgumentException(
          "maxLifetime must be zero (none) or positive, got " + maxLifetime);
    }
  }

  /**
   * The policy for a login of a user under {@code settings}: the user's own {@code sessionsLimit}
   * (null for the global {@code SESSIONS_PER_USER}) and {@code SESSIONS_PER_IP}, or no limits at
   * all when quota constraints are off or the user is an exempt administrator. For a user whose
   * groups may carry limits, {@link #forUser}.
   */
  public static QuotaPolicy forLogin(
      Settings settings, Integer userSessionsLimit, boolean admin, ExhaustionActions actions) {
    return forUser(
        settings,
        UserLimit.of(userSessionsLimit, List.of(), settings.sessionsPerUser()),
        admin,
        actions);
  }

  /**
   * The policy for a login of a user whose effective limit is {@code userLimit} ({@link
   * GroupStore#limitOf}, computed with this {@code settings}' {@code SESSIONS_PER_USER}) and {@code
   * SESSIONS_PER_IP}, or no limits at all when quota constraints are off or the user is an exempt
   * administrator.
   */
  public static QuotaPolicy forUser(
      Settings settings, UserLimit userLimit, boolean admin, ExhaustionActions actions) {
    requireNonNull(userLimit, "userLimit");
    Duration idle = Duration.ofSeconds(settings.sessionCookieAge());
    Duration max = Duration.ofSeconds(settings.sessionMaxLifetime());
    ExhaustionAction action = actions.require(settings.quotaExhaustionAction());
    if (!settings.quotaConstraintsEnabled() || (admin && settings.quotaExemptAdmins())) {
      return new QuotaPolicy(UNLIMITED, UNLIMITED, action, idle, max);
    }
    return new QuotaPolicy(userLimit.value(), settings.sessionsPerIp(), action, idle, max);
  }

  /** The limit for {@code scope}. */
  public int limit(Scope scope) {
    return (scope == Scope.USER) ? userLimit : ipLimit;
  }

  private static void requireLimit(int limit, String name) {
    if (limit != UNLIMITED && limit < 1) {
      throw new IllegalArgumentException(
          name + " must be -1 (unlimited) or at least 1, got " + limit);
    }
  }
}
