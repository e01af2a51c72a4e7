package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Second factors in this JVM's memory: each user's entry changes under the map's bin lock. */
final class InMemorySecondFactors implements SecondFactors {

  private final ConcurrentHashMap<String, TotpFactor> factors = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<String>> recoveryCodes = new ConcurrentHashMap<>();

  @Override
  public Optional<TotpFactor> find(String username) {
    return Optional.ofNullable(factors.get(requireNonNull(username, "username")));
  }

  @Override
  public boolean beginEnrolment(String username, String secret, Instant now) {
    TotpFactor pending = new TotpFactor(username, secret, now, Optional.empty(), -1);
    TotpFactor after =
        factors.compute(
            username, (name, factor) -> factor != null && factor.confirmed() ? factor : pending);
    return after == pending;
  }

  @Override
  public boolean acceptStep(String username, String secret, long step, Instant now) {
    requireNonNull(secret, "secret");
    requireNonNull(now, "now");
    boolean[] accepted = {false};
    factors.computeIfPresent(
        username,
        (name, factor) -> {
          if (!factor.secret().equals(secret) || step <= factor.lastUsedStep()) {
            return factor;
          }
          accepted[0] = true;
          Optional<Instant> confirmed =
              factor.confirmed() ? factor.confirmedAt() : Optional.of(now);
          return new TotpFactor(name, factor.secret(), factor.enrolledAt(), confirmed, step);
        });
    return accepted[0];
  }

  @Override
  public void replaceRecoveryCodes(String username, List<String> codeHashes) {
    User.requireValidUsername(username);
    Set<String> fresh = ConcurrentHashMap.newKeySet();
    for (String hash : codeHashes) {
      fresh.add(requireNonNull(hash, "a recovery code hash"));
    }
    recoveryCodes.put(username, fresh);
  }

  @Override
  public boolean useRecoveryCode(String username, String codeHash) {
    requireNonNull(codeHash, "codeHash");
    Set<String> unused = recoveryCodes.get(requireNonNull(username, "username"));
    return unused != null && unused.remove(codeHash);
  }

  @Override
  public int unusedRecoveryCodes(String username) {
    Set<String> unused = recoveryCodes.get(requireNonNull(username, "username"));
    return unused == null ? 0 : unused.size();
  }

  @Override
  public void forget(String username) {
    requireNonNull(username, "username");
    factors.remove(username);
    recoveryCodes.remove(username);
  }
}
