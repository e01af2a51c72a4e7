package dev.sessionlimits.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;

/**
 * Slows down password guessing: after a few wrong passwords for one user name, or from one address,
 * further attempts are refused for a time that doubles with every further failure (exponential
 * back-off), up to a cap. Only wrong passwords count: a login refused by the quota never does, and a
 * correct password clears the user's count. Counts are forgotten an hour after the last failure.
 *
 * <p>The counts live in this node's memory; in a cluster each node throttles on its own.
 */
final class LoginThrottle {

  /** When throttling starts and how it grows. */
  record Policy(int freeUserFailures, int freeAddressFailures, Duration base, Duration max,
      Duration forgetAfter) {

    static final Policy DEFAULT = new Policy(5, 20, Duration.ofSeconds(1), Duration.ofMinutes(15),
        Duration.ofHours(1));

    Policy {
      if (freeUserFailures < 1 || freeAddressFailures < 1 || base.isNegative() || base.isZero()
          || max.compareTo(base) < 0 || forgetAfter.compareTo(max) < 0) {
        throw new IllegalArgumentException("invalid throttle policy: " + freeUserFailures + ", "
            + freeAddressFailures + ", " + base + ", " + max + ", " + forgetAfter);
      }
    }
  }

  private record Failures(int count, Instant blockedUntil) {}

  private final InstantSource clock;
  private final Policy policy;
  private final Cache<String, Failures> byUser;
  private final Cache<String, Failures> byAddress;

  LoginThrottle(InstantSource clock, Policy policy) {
    this.clock = clock;
    this.policy = policy;
    Ticker ticker = () -> {
      Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    };
    this.byUser = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(policy.forgetAfter())
        .maximumSize(100_000).build();
    this.byAddress = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(policy.forgetAfter())
        .maximumSize(100_000).build();
  }

  /** How long a login for {@code user} from {@code ip} must wait; zero when it may go ahead. */
  Duration retryAfter(String user, String ip) {
    Instant now = clock.instant();
    Duration wait = remaining(byUser.getIfPresent(userKey(user)), now);
    Duration addressWait = remaining(byAddress.getIfPresent(ip), now);
    return (addressWait.compareTo(wait) > 0) ? addressWait : wait;
  }

  /** Records a wrong password for {@code user} from {@code ip}. */
  void failed(String user, String ip) {
    Instant now = clock.instant();
    byUser.asMap().compute(userKey(user), (k, f) -> next(f, policy.freeUserFailures(), now));
    byAddress.asMap().compute(ip, (k, f) -> next(f, policy.freeAddressFailures(), now));
  }

  /** A correct password for {@code user}: its count starts again. */
  void succeeded(String user) {
    byUser.invalidate(userKey(user));
  }

  private Failures next(Failures previous, int free, Instant now) {
    int count = (previous == null) ? 1 : previous.count() + 1;
    if (count < free) {
      return new Failures(count, null);
    }
    int doublings = Math.min(count - free, 30);
    Duration block = policy.base().multipliedBy(1L << doublings);
    if (block.compareTo(policy.max()) > 0) {
      block = policy.max();
    }
    return new Failures(count, now.plus(block));
  }

  private static Duration remaining(Failures failures, Instant now) {
    if (failures == null || failures.blockedUntil() == null || !now.isBefore(failures.blockedUntil())) {
      return Duration.ZERO;
    }
    return Duration.between(now, failures.blockedUntil());
  }

  private static String userKey(String user) {
    String u = (user == null) ? "" : user.toLowerCase(Locale.ROOT);
    return (u.length() > 100) ? u.substring(0, 100) : u;
  }
}
