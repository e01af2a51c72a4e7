package dev.sessionlimits.server.service;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.util.encoders.Base32;

/**
 * Time-based one-time passwords as authenticator apps make them (RFC 6238 with its defaults: HMAC
 * SHA-1, 6 digits, 30 s steps), computed by java-otp; secrets are 160 random bits, carried in
 * base32 (Bouncy Castle's) as otpauth URIs carry them.
 */
public final class Totp {

  /** The length of a step. */
  static final Duration STEP = TimeBasedOneTimePasswordGenerator.DEFAULT_TIME_STEP;

  /** Steps either side of the current one whose codes are accepted too: clocks drift. */
  static final int DRIFT_STEPS = 1;

  private static final int SECRET_BYTES = 20;

  private Totp() {}

  /** A new secret, base32 without padding (32 characters). */
  static String newSecret(SecureRandom random) {
    byte[] key = new byte[SECRET_BYTES];
    random.nextBytes(key);
    return Base32.toBase32String(key).replace("=", "");
  }

  /** The step {@code now} falls in. */
  public static long stepOf(Instant now) {
    return Math.floorDiv(now.getEpochSecond(), STEP.getSeconds());
  }

  /** The code of {@code secret} for {@code step}, six digits. */
  public static String code(String secret, long step) {
    TimeBasedOneTimePasswordGenerator generator = new TimeBasedOneTimePasswordGenerator();
    SecretKeySpec key = new SecretKeySpec(decode(secret), "HmacSHA1");
    try {
      return generator.generateOneTimePasswordString(
          key, Instant.ofEpochSecond(step * STEP.getSeconds()), Locale.ROOT);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("An HMAC-SHA1 key was refused", e);
    }
  }

  /**
   * The step, within {@link #DRIFT_STEPS} of {@code now}'s, whose code {@code code} is (the latest
   * one if several are), or empty. Every candidate is compared, in constant time, so the answer's
   * timing does not tell which step matched.
   */
  static OptionalLong matchingStep(String secret, String code, Instant now) {
    String given = (code == null) ? "" : code.strip();
    if (!given.matches("[0-9]{6}")) {
      return OptionalLong.empty();
    }
    long current = stepOf(now);
    long matched = Long.MIN_VALUE;
    for (long step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
      if (MessageDigest.isEqual(code(secret, step).getBytes(), given.getBytes())) {
        matched = step;
      }
    }
    return matched == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(matched);
  }

  private static byte[] decode(String secret) {
    int padding = (8 - secret.length() % 8) % 8;
    return Base32.decode(secret + "=".repeat(padding));
  }
}
