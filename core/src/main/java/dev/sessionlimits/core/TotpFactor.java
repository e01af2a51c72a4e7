package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A user's time-based one-time password factor (RFC 6238): the shared secret her authenticator app
 * holds, whether she confirmed the enrolment with a code, and the last time step a code was
 * accepted for (a code is accepted once: a step at or before it is a replay).
 *
 * @param username whose factor
 * @param secret the shared secret, in RFC 4648 base32 without padding (as the otpauth URI carries
 *     it); at least 128 bits
 * @param enrolledAt when the secret was made
 * @param confirmedAt when a code first proved she holds it; empty while the enrolment is pending,
 *     and a pending factor is never asked for at sign-in
 * @param lastUsedStep the last time step (seconds since the epoch / 30) a code was accepted for, or
 *     -1 for none
 */
public record TotpFactor(
    String username,
    String secret,
    Instant enrolledAt,
    Optional<Instant> confirmedAt,
    long lastUsedStep) {

  /** The shortest secret accepted: 26 base32 characters are 130 bits (RFC 4226 asks for 128). */
  public static final int MIN_SECRET_LENGTH = 26;

  /** Checks the fields. */
  public TotpFactor {
    User.requireValidUsername(username);
    requireNonNull(secret, "secret");
    requireNonNull(enrolledAt, "enrolledAt");
    requireNonNull(confirmedAt, "confirmedAt");
    if (secret.length() < MIN_SECRET_LENGTH || !secret.matches("[A-Z2-7]+")) {
      throw new IllegalArgumentException(
          "A TOTP secret is at least "
              + MIN_SECRET_LENGTH
              + " base32 characters (A-Z, 2-7) without padding, got "
              + secret.length()
              + " characters");
    }
    if (lastUsedStep < -1) {
      throw new IllegalArgumentException("lastUsedStep is -1 or a time step, got " + lastUsedStep);
    }
  }

  /** Whether a code proved the enrolment: only then is the factor asked for at sign-in. */
  public boolean confirmed() {
    return confirmedAt.isPresent();
  }

  /** Never shows the secret. */
  @Override
  public String toString() {
    return "TotpFactor[username="
        + username
        + ", enrolledAt="
        + enrolledAt
        + ", confirmedAt="
        + confirmedAt
        + ", lastUsedStep="
        + lastUsedStep
        + "]";
  }
}
