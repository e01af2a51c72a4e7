package dev.sessionlimits.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Slows down password guessing: after a few wrong passwords for one user name, or from one address,
 * further attempts are refused for a time that doubles with every further failure (exponential
 * back-off), up to a cap. Only wrong passwords count: a login refused by the quota never does, and a
 * correct password clears the user's count. Counts are forgotten an hour after the last failure.
 *
 * <p>The throttle is asked before the password is hashed ({@link #begin}), and told the outcome after
 * ({@link Attempt}). A check under way counts as a possible failure: a user name (or address) has as
 * many checks under way at once as it has failures left before the back-off, at least one, so a
 * burst of simultaneous wrong passwords hashes no more of them than the same attempts one after
 * another would. A further attempt waits for one under way to end (a correct password clears the
 * count, so a burst of right ones only queues), up to a bounded time.
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

  /** What {@link #begin} decided. */
  sealed interface Admission permits Attempt, Blocked, Busy {}

  /** Refused: wrong passwords were given too often; try again after {@code retryAfter}. */
  record Blocked(Duration retryAfter) implements Admission {}

  /** Not admitted within the wait: too many checks for this name or address are under way. */
  record Busy() implements Admission {}

  /**
   * A password check that may go ahead, counted as under way until it is settled: {@link #failed},
   * {@link #succeeded}, or {@link #close} (neither: the password was never checked).
   */
  final class Attempt implements Admission, AutoCloseable {
    private final String userKey;
    private final String ip;
    private boolean settled;

    private Attempt(String userKey, String ip) {
      this.userKey = userKey;
      this.ip = ip;
    }

    /** The password was wrong: it counts for the user name and the address. */
    void failed() {
      settle(() -> {
        Instant now = clock.instant();
        byUser.asMap().compute(userKey, (k, f) -> next(f, policy.freeUserFailures(), now));
        byAddress.asMap().compute(ip, (k, f) -> next(f, policy.freeAddressFailures(), now));
      });
    }

    /** The password was right: the user name's count starts again. */
    void succeeded() {
      settle(() -> byUser.invalidate(userKey));
    }

    /** Ends the attempt uncounted unless it was settled. */
    @Override
    public void close() {
      settle(() -> {});
    }

    private void settle(Runnable outcome) {
      lock.lock();
      try {
        if (settled) {
          return;
        }
        settled = true;
        outcome.run();
        release(pendingByUser, userKey);
        release(pendingByAddress, ip);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private final InstantSource clock;
  private final Policy policy;
  private final Cache<String, Failures> byUser;
  private final Cache<String, Failures> byAddress;
  /*
   * Checks under way, per key. Changed (with the counts they are weighed against) only under lock;
   * an entry is removed when it drops to zero, so the maps hold no more than the requests in flight.
   * Hand-written rather than a Semaphore per key: how many may run depends on the failure count,
   * which changes as attempts settle, and waiting attempts must also see a back-off begin.
   */
  private final Map<String, Integer> pendingByUser = new HashMap<>();
  private final Map<String, Integer> pendingByAddress = new HashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

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

  /**
   * Asks to check a password for {@code user} from {@code ip}, before hashing it: {@link Blocked}
   * while backing off; an {@link Attempt} (settle it) once there is room; {@link Busy} if there was
   * none within {@code maxWait}.
   */
  Admission begin(String user, String ip, Duration maxWait) throws InterruptedException {
    String userKey = userKey(user);
    long nanosLeft = maxWait.toNanos();
    lock.lock();
    try {
      while (true) {
        Instant now = clock.instant();
        Failures userFailures = byUser.getIfPresent(userKey);
        Failures addressFailures = byAddress.getIfPresent(ip);
        Duration wait = remaining(userFailures, now);
        Duration addressWait = remaining(addressFailures, now);
        if (addressWait.compareTo(wait) > 0) {
          wait = addressWait;
        }
        if (!wait.isZero()) {
          return new Blocked(wait);
        }
        if (hasRoom(pendingByUser, userKey, userFailures, policy.freeUserFailures())
            && hasRoom(pendingByAddress, ip, addressFailures, policy.freeAddressFailures())) {
          pendingByUser.merge(userKey, 1, Integer::sum);
          pendingByAddress.merge(ip, 1, Integer::sum);
          return new Attempt(userKey, ip);
        }
        if (nanosLeft <= 0) {
          return new Busy();
        }
        nanosLeft = changed.awaitNanos(nanosLeft);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Whether one more check may be under way: while all under way could fail without a back-off. */
  private static boolean hasRoom(Map<String, Integer> pending, String key, Failures failures,
      int free) {
    int count = (failures == null) ? 0 : failures.count();
    return pending.getOrDefault(key, 0) < Math.max(1, free - count);
  }

  private static void release(Map<String, Integer> pending, String key) {
    pending.computeIfPresent(key, (k, n) -> (n > 1) ? n - 1 : null);
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
