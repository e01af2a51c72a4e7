package dev.sessionlimits.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SettlingTest {

  @Test
  void theJitIsQuietUnderItsShareOfTheRunAndAJitThatCannotBeReadIsNothingToWaitFor() {
    assertThat(Settling.jitQuiet(49, 5_000, 0.01)).isTrue();
    assertThat(Settling.jitQuiet(50, 5_000, 0.01)).as("1% of 5 s is busy").isFalse();
    assertThat(Settling.jitQuiet(800, 2_000, 0.01)).isFalse();
    assertThat(Settling.jitQuiet(Double.NaN, 5_000, 0.01)).isTrue();
  }

  @Test
  void ratesAreSteadyWithinTheirToleranceEitherWay() {
    assertThat(Settling.steady(1_000, 1_100, 0.1)).isTrue();
    assertThat(Settling.steady(1_000, 900, 0.1)).isTrue();
    assertThat(Settling.steady(1_000, 1_101, 0.1)).isFalse();
    assertThat(Settling.steady(1_000, 899, 0.1)).isFalse();
    assertThat(Settling.steady(0, 0, 0.1)).as("no previous run").isFalse();
  }

  @Test
  void aCostThatRisesIsNotFallingAndOneThatFellByMoreThanItsShareIs() {
    assertThat(Settling.notFalling(4.0, 4.5, 0.03)).isTrue();
    assertThat(Settling.notFalling(4.0, 3.89, 0.03)).isTrue();
    assertThat(Settling.notFalling(4.0, 3.87, 0.03)).isFalse();
    assertThat(Settling.notFalling(21.5, 4.4, 0.03)).isFalse();
  }

  @Test
  void aBusyRunIsRunAgainUntilTheLastTryWhichCountsWhateverItsJitDid() {
    assertThat(Settling.counts(true, 0, 2)).isTrue();
    assertThat(Settling.counts(false, 0, 2)).isFalse();
    assertThat(Settling.counts(false, 1, 2)).isFalse();
    assertThat(Settling.counts(false, 2, 2)).isTrue();
  }

  @Test
  void aWarmUpSettlesOnlyOnTwoQuietRunsInARowThatAgreeInRate() {
    Settling.Streak streak = new Settling.Streak(0.1);

    assertThat(streak.settledAfter(9_000, true))
        .as("a first run has nothing to agree with")
        .isFalse();
    assertThat(streak.settledAfter(12_000, true)).as("the rate still rises by a third").isFalse();
    assertThat(streak.settledAfter(12_500, false)).as("the JIT was busy").isFalse();
    assertThat(streak.settledAfter(12_600, true)).as("the run before was busy").isFalse();
    assertThat(streak.settledAfter(12_400, true)).isTrue();
  }
}
