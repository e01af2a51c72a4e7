package dev.sessionlimits.identity.oidc;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** What {@link OidcClient#validateLogoutToken} answers about a back-channel logout token. */
public sealed interface LogoutAnswer
    permits LogoutAnswer.LogoutNotice, LogoutAnswer.Invalid, Unavailable {

  /**
   * A valid logout token: end the sessions of this provider session, or of this user if it names no
   * session. At least one of {@code subject} and {@code sid} is present.
   *
   * @param issuer the token's issuer
   * @param subject the user whose sessions end, when the token names one
   * @param sid the provider session that ended, when the token names one
   */
  record LogoutNotice(String issuer, Optional<String> subject, Optional<String> sid)
      implements LogoutAnswer {
    public LogoutNotice {
      requireNonNull(issuer, "issuer");
      requireNonNull(subject, "subject");
      requireNonNull(sid, "sid");
      if (subject.isEmpty() && sid.isEmpty()) {
        throw new IllegalArgumentException("a logout notice names a subject, a sid or both");
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
