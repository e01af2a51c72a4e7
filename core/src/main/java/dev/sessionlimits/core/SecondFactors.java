package dev.sessionlimits.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Users' second factors: a TOTP secret each, and single-use recovery codes (stored as hashes).
 * Shared by all nodes of a cluster; what must not happen twice (a code accepted for one time step,
 * a recovery code used) is decided atomically by the store, so two nodes cannot both accept it.
 * Every method throws {@link StoreUnavailableException} when the store cannot be reached or failed
 * ("try again"; nothing changed).
 */
public interface SecondFactors {

  /** A new store in this JVM's memory. */
  static SecondFactors inMemory() {
    return new InMemorySecondFactors();
  }

  /** {@code username}'s factor, confirmed or pending, if she has one. */
  Optional<TotpFactor> find(String username);

  /**
   * Starts an enrolment with {@code secret}, replacing a pending one; a confirmed factor stays as
   * it is (it must be removed first, by {@link #forget}).
   *
   * @return false, changing nothing, if {@code username} has a confirmed factor
   */
  boolean beginEnrolment(String username, String secret, Instant now);

  /**
   * Accepts a code for {@code step} of {@code username}'s factor, atomically: true only if the
   * factor (pending or confirmed) is still the one whose secret is {@code secret} and no code was
   * accepted for this step or a later one. A pending factor becomes confirmed at {@code now}.
   */
  boolean acceptStep(String username, String secret, long step, Instant now);

  /** Replaces {@code username}'s recovery codes with these hashes (all unused). */
  void replaceRecoveryCodes(String username, List<String> codeHashes);

  /**
   * Uses the recovery code whose hash is {@code codeHash}, atomically: true for exactly one of any
   * number of concurrent uses of an unused code of {@code username}, false for every other.
   */
  boolean useRecoveryCode(String username, String codeHash);

  /** How many of {@code username}'s recovery codes are unused. */
  int unusedRecoveryCodes(String username);

  /** Removes {@code username}'s factor and recovery codes: she turned it off, or was deleted. */
  void forget(String username);
}
