package dev.sessionlimits.identity.oidc;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** What {@link OidcClient#validateLogoutToken} answers about a back-channel logout token. */
public sealed interface LogoutAnswer
    permits LogoutAnswer.LogoutNotice, LogoutAnswer.Invalid, Unavailable {

  /**
   * A valid logout token: end the sessions of this provider session, or of this user if it names no
   * session. At least one of {@code subject} and {@code sid} is present. A token is valid once: the
   * caller records its {@code jti} until {@code keptUntil} and refuses it when it comes again.
   *
   * @param issuer the token's issuer
   * @param subject the user whose sessions end, when the token names one
   * @param sid the provider session that ended, when the token names one
   * @param jti the token's identifier, at most {@link #MAX_JTI_LENGTH} characters
   * @param keptUntil when the token is refused as expired (its {@code exp} and the clock skew
   *     allowed): until then a second receipt is a replay
   */
  record LogoutNotice(
      String issuer, Optional<String> subject, Optional<String> sid, String jti, Instant keptUntil)
      implements LogoutAnswer {

    /** The longest {@code jti} accepted: a store keeps it in a 255-character column. */
    public static final int MAX_JTI_LENGTH = 255;

    public LogoutNotice {
      requireNonNull(issuer, "issuer");
      requireNonNull(subject, "subject");
      requireNonNull(sid, "sid");
      requireNonNull(jti, "jti");
      requireNonNull(keptUntil, "keptUntil");
      if (subject.isEmpty() && sid.isEmpty()) {
        throw new IllegalArgumentException("a logout notice names a subject, a sid or both");
      }
      if (jti.isEmpty() || jti.length() > MAX_JTI_LENGTH) {
        throw new IllegalArgumentException(
            "a logout notice's jti has 1 to "
                + MAX_JTI_LENGTH
                + " characters, got "
                + jti.length());
      }
    }
  }

  /**
   * Not a logout token from the configured provider for this client (answered with HTTP 400).
   *
   * @param reason what was wrong, for the log
   */
  record Invalid(String reason) implements LogoutAnswer {
    public Invalid {
      requireNonNull(reason, "reason");
    }
  }
}
