package dev.sessionlimits.server;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Argon2id password hashes (Password4j). New hashes use {@link Cost}; a stored hash is checked with
 * the parameters written in it, so hashes made under other costs keep working.
 *
 * <p>A login for an unknown user checks the password against a dummy hash of the same cost, so that
 * the answer takes about as long as for a real user and does not reveal which names exist.
 */
final class Passwords {

  /** The longest password accepted; longer ones are refused before hashing. */
  static final int MAX_LENGTH = 1024;

  private static final int SALT_BYTES = 16;
  private static final int OUTPUT_BYTES = 32;

  /** Argon2id cost: memory in KiB, iterations, lanes. */
  record Cost(int memoryKib, int iterations, int parallelism) {

    /** OWASP's recommendation for Argon2id: 19 MiB, 2 iterations, 1 lane. */
    static final Cost OWASP = new Cost(19_456, 2, 1);

    Cost {
      if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1) {
        throw new IllegalArgumentException("Argon2id needs memory >= 8 KiB per lane, iterations >= 1"
            + " and parallelism >= 1, got m=" + memoryKib + " t=" + iterations + " p=" + parallelism);
      }
    }
  }

  private final Argon2Function function;
  private final String dummyHash;

  Passwords(Cost cost) {
    this.function = Argon2Function.getInstance(cost.memoryKib(), cost.iterations(),
        cost.parallelism(), OUTPUT_BYTES, Argon2.ID);
    this.dummyHash = hash(generate(new SecureRandom()));
  }

  /** A new encoded hash of {@code password} ({@code $argon2id$v=19$m=...}). */
  String hash(String password) {
    return Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult();
  }

  /**
   * Whether {@code password} matches {@code encodedHash}. A null hash (unknown user, or an account
   * without a password) is never matched but costs the same time.
   */
  boolean verify(String password, String encodedHash) {
    if (encodedHash == null) {
      function.check(password, dummyHash);
      return false;
    }
    try {
      return Argon2Function.getInstanceFromHash(encodedHash).check(password, encodedHash);
    } catch (IllegalArgumentException e) {
      function.check(password, dummyHash);
      return false;
    }
  }

  /** A random password of 24 URL-safe characters (144 bits). */
  static String generate(SecureRandom random) {
    byte[] bytes = new byte[18];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
