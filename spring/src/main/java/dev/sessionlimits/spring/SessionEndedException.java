package dev.sessionlimits.spring;

import dev.sessionlimits.core.EndReason;
import java.util.Optional;
import org.springframework.security.core.AuthenticationException;

/**
 * The request's session has ended (evicted by a limit, revoked, timed out, signed out elsewhere):
 * kept as {@code SPRING_SECURITY_LAST_EXCEPTION}, so Spring's default login page shows why.
 */
public final class SessionEndedException extends AuthenticationException {

  /** The code of a token the store does not know (never issued, or its tombstone is gone). */
  public static final String UNKNOWN = "unknown";

  private final String reason;

  /**
   * @param reason an {@link EndReason#code()}, or {@link #UNKNOWN}
   */
  public SessionEndedException(String reason) {
    super(sentence(reason));
    this.reason = reason;
  }

  /** The end reason's code, e.g. {@code session_limit_reached}. */
  public String reason() {
    return reason;
  }

  private static String sentence(String reason) {
    Optional<EndReason> known = parse(reason);
    if (known.isEmpty()) {
      return "Your session has ended. Please sign in again.";
    }
    return switch (known.get()) {
      case SESSION_LIMIT_REACHED ->
          "You were signed out: your account signed in elsewhere and the session limit was"
              + " reached.";
      case IDLE_TIMEOUT -> "You were signed out after a period of inactivity.";
      case MAX_LIFETIME -> "Your session reached its maximum lifetime. Please sign in again.";
      case LOGGED_OUT -> "You signed out of this session.";
      case ENDED_BY_USER, SIGNED_OUT_AT_SIGN_IN ->
          "You signed this session out from another device.";
      case REVOKED_BY_ADMIN -> "An administrator ended your session.";
      case USER_DISABLED -> "Your account was disabled.";
      case PASSWORD_CHANGED -> "Your password was changed. Please sign in again.";
      case SUPERSEDED -> "You signed in again, which replaced this session.";
      case IDENTITY_PROVIDER_LOGOUT -> "You signed out at your identity provider.";
    };
  }

  private static Optional<EndReason> parse(String reason) {
    try {
      return Optional.of(EndReason.fromCode(reason));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
