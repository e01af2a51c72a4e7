package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

/**
 * The answer of a caller that must not block (an event loop, a selector thread) to "what is it?":
 * {@link Known}, the value, or {@link MustWait}, "I cannot tell without waiting for I/O; ask again
 * where waiting is allowed". Used instead of null, which a caller could take for "nothing".
 *
 * @param <T> the value's type
 */
public sealed interface Immediate<T> {

  /** The value is known now. */
  record Known<T>(T value) implements Immediate<T> {
    public Known {
      requireNonNull(value, "value");
    }
  }

  /** Cannot tell without waiting for I/O. */
  record MustWait<T>() implements Immediate<T> {}

  /** {@link Known}. */
  static <T> Immediate<T> known(T value) {
    return new Known<>(value);
  }

  /** {@link MustWait}. */
  static <T> Immediate<T> mustWait() {
    return new MustWait<>();
  }
}
