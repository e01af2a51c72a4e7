package dev.sessionlimits.server.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sessionlimits.core.ThrottleStore;
import dev.sessionlimits.core.ThrottleStore.Failures;
import dev.sessionlimits.core.ThrottleStore.Key;
import dev.sessionlimits.core.ThrottleStore.Kind;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.EndMessages;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Slows down password guessing as OWASP's "Slow Down Online Guessing Attacks with Device Cookies"
 * does. A browser that signed in to an account before presents a device cookie of that account
 * ({@link DeviceCookies}); its attempts are judged only by the failures made with that same cookie,
 * so no one else's wrong passwords ever lock it out. Every other attempt (an untrusted client) is
 * judged by the failures of all untrusted clients for that user name and by those from its address.
 * After a few failures of a key, attempts are refused for a time that doubles with every further
 * failure, up to a cap. Only wrong passwords count: a login refused by the quota never does, and a
 * correct password clears the count it was judged by (the device's, or the user name's). Counts are
 * forgotten an hour after their last failure.
 *
 * <p>The counts live in the {@link ThrottleStore}, so on a cluster every node throttles on the same
 * counts: each attempt reads them before it hashes, so a back-off begun on one node holds on all.
 *
 * <p>The throttle is asked before the password is hashed ({@link #begin}), and told the outcome
 * after ({@link Attempt}). A check under way counts as a possible failure: a key has as many checks
 * under way at once on this node as it has failures left before the back-off, at least one, so a
 * burst of simultaneous wrong passwords to one node hashes no more of them than the same attempts
 * one after another would (over several nodes, at most that many per node). A further attempt waits
 * for one under way to end (a correct password clears the count, so a burst of right ones only
 * queues), up to a bounded time.
 */
public final class LoginThrottle {

  /** When throttling starts and how it grows. */
  public record Policy(
      int freeUserFailures,
      int freeAddressFailures,
      int freeDeviceFailures,
      Duration base,
      Duration max,
      Duration forgetAfter) {

    /** 5 free failures per user and device, 20 per address; 1 s to 15 min; forgotten after 1 h. */
    public static final Policy DEFAULT =
        new Policy(5, 20, 5, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofHours(1));

    /** Checks that each count is at least 1 and {@code 0 < base <= max <= forgetAfter}. */
    public Policy {
      if (freeUserFailures < 1
          || freeAddressFailures < 1
          || freeDeviceFailures < 1
          || base.isNegative()
          || base.isZero()
          || max.compareTo(base) < 0
          || forgetAfter.compareTo(max) < 0) {
        throw new IllegalArgumentException(
            "invalid throttle policy: "
                + freeUserFailures
                + ", "
                + freeAddressFailures
                + ", "
                + freeDeviceFailures
                + ", "
                + base
                + ", "
                + max
                + ", "
                + forgetAfter);
      }
    }

    int free(Kind kind) {
      return switch (kind) {
        case USER -> freeUserFailures;
        case ADDRESS -> freeAddressFailures;
        case DEVICE -> freeDeviceFailures;
      };
    }
  }

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
    private final List<Key> keys;

    /** Whether the key it is judged by had failures when it began: else success clears nothing. */
    private final boolean judgedHadFailures;

    private boolean settled;

    private Attempt(List<Key> keys, boolean judgedHadFailures) {
      this.keys = keys;
      this.judgedHadFailures = judgedHadFailures;
    }

    /** Whether this attempt was judged by a device cookie's own failures. */
    boolean trusted() {
      return keys.get(0).kind() == Kind.DEVICE;
    }

    /** The password was wrong: it counts against every key the attempt was judged by. */
    void failed() {
      Map<Key, Failures> counted = new HashMap<>();
      try {
        Instant now = clock.instant();
        for (Key key : keys) {
          counted.put(key, store.countFailure(key, now, now.minus(policy.forgetAfter())));
        }
      } finally {
        settle(counted, null);
      }
    }

    /**
     * The password was right: the count it was judged by starts again (the device's, or the user
     * name's for an untrusted client; never the address's, which others may share).
     */
    void succeeded() {
      Key judged = keys.get(0);
      try {
        // Most sign-ins follow no failure: they need no write. A failure counted meanwhile by
        // another check stays, which only errs on the careful side.
        if (judgedHadFailures) {
          store.clearFailures(judged);
        }
      } finally {
        settle(Map.of(), judged);
      }
    }

    /** Ends the attempt uncounted unless it was settled. */
    @Override
    public void close() {
      settle(Map.of(), null);
    }

    private void settle(Map<Key, Failures> counted, Key cleared) {
      lock.lock();
      try {
        if (settled) {
          return;
        }
        settled = true;
        recent.putAll(counted);
        if (cleared != null) {
          recent.invalidate(cleared);
        }
        for (Key key : keys) {
          pending.computeIfPresent(key, (k, n) -> (n > 1) ? n - 1 : null);
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * How long this node trusts the counts it wrote itself over what it read from the store: long
   * enough to cover the read that began before its own write landed.
   */
  private static final Duration RECENT = Duration.ofSeconds(30);

  private final ThrottleStore store;
  private final InstantSource clock;
  private final Policy policy;
  /*
   * Checks under way on this node, per key. Changed only under lock; an entry is removed when it
   * drops to zero, so the map holds no more than the requests in flight. Hand-written rather than a
   * Semaphore per key: how many may run depends on the failure count, which changes as attempts
   * settle, and waiting attempts must also see a back-off begin.
   *
   * The counts this node itself wrote last ('recent') close a gap: an attempt reads the store, then
   * takes the lock; a check settled in between would be missing from what it read, so the later of
   * the two is used.
   */
  private final Map<Key, Integer> pending = new HashMap<>();
  private final Cache<Key, Failures> recent;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  /** Throttles with the counts of {@code store} under {@code policy}. */
  public LoginThrottle(ThrottleStore store, InstantSource clock, Policy policy) {
    this.store = store;
    this.clock = clock;
    this.policy = policy;
    this.recent = Caffeine.newBuilder().expireAfterWrite(RECENT).maximumSize(100_000).build();
  }

  /**
   * Asks to check a password for {@code user} from {@code ip}, before hashing it; {@code device} is
   * the nonce of a valid device cookie of that user, or null for an untrusted client. {@link
   * Blocked} while backing off; an {@link Attempt} (settle it) once there is room; {@link Busy} if
   * there was none within {@code maxWait}.
   */
  Admission begin(String user, String ip, String device, Duration maxWait)
      throws InterruptedException {
    List<Key> keys =
        (device != null)
            ? List.of(new Key(Kind.DEVICE, device))
            : List.of(new Key(Kind.USER, userKey(user)), new Key(Kind.ADDRESS, ip));
    long nanosLeft = maxWait.toNanos();
    while (true) {
      Instant read = clock.instant();
      Map<Key, Failures> stored = store.failures(keys, read.minus(policy.forgetAfter()));
      lock.lock();
      try {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        boolean room = true;
        boolean judgedHadFailures = false;
        for (Key key : keys) {
          Failures failures = later(stored.get(key), recent.getIfPresent(key), now);
          judgedHadFailures |= key.equals(keys.get(0)) && failures != null;
          int free = policy.free(key.kind());
          Duration remaining = remaining(failures, free, now);
          if (remaining.compareTo(wait) > 0) {
            wait = remaining;
          }
          int count = (failures == null) ? 0 : failures.count();
          room &= pending.getOrDefault(key, 0) < Math.max(1, free - count);
        }
        if (!wait.isZero()) {
          return new Blocked(wait);
        }
        if (room) {
          keys.forEach(key -> pending.merge(key, 1, Integer::sum));
          return new Attempt(keys, judgedHadFailures);
        }
        if (nanosLeft <= 0) {
          return new Busy();
        }
        nanosLeft = changed.awaitNanos(nanosLeft);
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * {@link #begin} for a check that answers over HTTP: the attempt, or the answer that refuses it.
   *
   * @param device the device cookie's id for {@code user}, or null
   * @throws ApiException 429 {@code too_many_attempts} (with {@code Retry-After}) while throttled,
   *     503 {@code overloaded} when no check could start within {@link Passwords#MAX_WAIT}
   */
  Attempt admit(String user, String ip, String device) {
    Admission admission;
    try {
      admission = begin(user, ip, device, Passwords.MAX_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Passwords.overloaded();
    }
    if (admission instanceof Blocked blocked) {
      Duration wait = blocked.retryAfter();
      long seconds = Math.max(1, wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0));
      throw ApiError.TOO_MANY_ATTEMPTS
          .exception(EndMessages.span(Duration.ofSeconds(seconds)))
          .withFields(Map.of("retry_after", seconds))
          .withHeaders(Map.of("Retry-After", Long.toString(seconds)));
    }
    if (!(admission instanceof Attempt attempt)) {
      throw Passwords.overloaded();
    }
    return attempt;
  }

  /** Forgets the counts whose last failure is older than the policy keeps them. */
  public int purge() {
    return store.purgeFailures(clock.instant().minus(policy.forgetAfter()));
  }

  /** The later of a stored count and one this node wrote, if not forgotten by {@code now}. */
  private Failures later(Failures stored, Failures written, Instant now) {
    if (written == null || written.lastFailure().isBefore(now.minus(policy.forgetAfter()))) {
      return stored;
    }
    if (stored == null
        || written.lastFailure().isAfter(stored.lastFailure())
        || written.count() > stored.count()) {
      return written;
    }
    return stored;
  }

  /** How long {@code failures} still blocks: base doubled for each failure beyond the free ones. */
  private Duration remaining(Failures failures, int free, Instant now) {
    if (failures == null || failures.count() < free) {
      return Duration.ZERO;
    }
    int doublings = Math.min(failures.count() - free, 30);
    Duration block = policy.base().multipliedBy(1L << doublings);
    if (block.compareTo(policy.max()) > 0) {
      block = policy.max();
    }
    Instant until = failures.lastFailure().plus(block);
    return now.isBefore(until) ? Duration.between(now, until) : Duration.ZERO;
  }

  private static String userKey(String user) {
    String u = (user == null) ? "" : user.toLowerCase(Locale.ROOT);
    if (u.isEmpty()) {
      return "(none)";
    }
    return (u.length() > 100) ? u.substring(0, 100) : u;
  }
}
