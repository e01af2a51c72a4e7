package dev.sessionlimits.core;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small property-test runner: draws many cases from a seeded generator and checks each. A failure
 * names the seed and the case, so it can be replayed with {@code -Dsessionlimits.seed=<seed>}.
 */
final class Property {

  static final int DEFAULT_TRIES = 2_000;

  private Property() {}

  static <T> void forAll(int tries, Function<SplittableRandom, T> generator, Consumer<T> check) {
    long base = Long.getLong("sessionlimits.seed", 0x5E55_1041L);
    for (int i = 0; i < tries; i++) {
      long seed = base + i;
      T value = generator.apply(new SplittableRandom(seed));
      try {
        check.accept(value);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("property failed for seed " + seed + " (try " + (i + 1) + " of "
            + tries + ") with case:\n" + value + "\n" + e.getMessage(), e);
      }
    }
  }

  static <T> void forAll(Function<SplittableRandom, T> generator, Consumer<T> check) {
    forAll(DEFAULT_TRIES, generator, check);
  }
}
