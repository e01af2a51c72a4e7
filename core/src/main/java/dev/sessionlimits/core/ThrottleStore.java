package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Counts of wrong passwords, by what they are counted against (a user name, an address, a device
 * cookie), for throttling password guessing; and the secrets the throttle signs device cookies
 * with. Shared by every node that shares the store, so a back-off one node starts holds on all.
 *
 * <p>A count remembers only its last failure: the caller derives any back-off from the count and
 * that time, and passes the instant before which a count is forgotten ({@code since}).
 */
public interface ThrottleStore {

  /** A new store in this JVM's memory. */
  static ThrottleStore inMemory() {
    return new InMemoryThrottleStore();
  }

  /** What a count is kept for. */
  enum Kind {
    /** A user name, for the clients that present no device cookie of that user. */
    USER,
    /** A client address. */
    ADDRESS,
    /** One device cookie (its nonce). */
    DEVICE;

    String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What failures are counted against.
   *
   * @param value the user name, address or device nonce: 1 to {@value #MAX_VALUE} characters
   */
  record Key(Kind kind, String value) {

    /** The longest value a key may have. */
    public static final int MAX_VALUE = 200;

    public Key {
      requireNonNull(kind, "kind");
      requireNonNull(value, "value");
      if (value.isEmpty() || value.length() > MAX_VALUE) {
        throw new IllegalArgumentException(
            "a throttle key's value must have 1 to "
                + MAX_VALUE
                + " characters, got "
                + value.length());
      }
    }

    /** The key as one string, {@code kind:value}, such as {@code user:alice}. */
    public String text() {
      return kind.code() + ":" + value;
    }
  }

  /**
   * How many failures were counted against a key, the last of them at {@code lastFailure}.
   *
   * @param count at least 1
   */
  record Failures(int count, Instant lastFailure) {
    public Failures {
      requireNonNull(lastFailure, "lastFailure");
      if (count < 1) {
        throw new IllegalArgumentException("a failure count is at least 1, got " + count);
      }
    }
  }

  /** The counts of those {@code keys} whose last failure is at or after {@code since}. */
  Map<Key, Failures> failures(Collection<Key> keys, Instant since);

  /**
   * Counts one more failure against {@code key} at {@code now}, atomically however many nodes count
   * at once, and returns the new count. A count whose last failure was before {@code since} starts
   * again at 1. The last failure is the later of the stored one and {@code now}.
   */
  Failures countFailure(Key key, Instant now, Instant since);

  /** Forgets the count of {@code key}. */
  void clearFailures(Key key);

  /** Forgets the counts whose last failure was before {@code before}; returns how many. */
  int purgeFailures(Instant before);

  /**
   * The secret called {@code name}: the stored one, or else {@code fresh}'s, stored now. Every
   * caller, on any node, gets the same bytes, however many ask at once.
   */
  byte[] secret(String name, Supplier<byte[]> fresh);
}
