package dev.sessionlimits.core;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.policy;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Bursts of concurrent logins, and random sequences of logins, endings and time: no limit is ever
 * exceeded. Part of the {@link SessionStoreContract}.
 */
public interface ConcurrencyContract extends StoreUnderContract {

  @ParameterizedTest(name = "limit {0}")
  @CsvSource({"1", "3"})
  default void aBurstOfSimultaneousLoginsUnderDenyAccessAdmitsExactlyTheLimit(int limit)
      throws Exception {
    QuotaPolicy policy = userLimit(limit, ExhaustionAction.DENY_ACCESS);
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String user = "burst" + round;
      AtomicInteger maxSeen = new AtomicInteger();
      AtomicBoolean bursting = new AtomicBoolean(true);
      Thread watcher =
          new Thread(
              () -> {
                while (bursting.get()) {
                  // Under DENY_ACCESS nothing ends during the burst, so whatever a read counts was
                  // live at once.
                  maxSeen.accumulateAndGet(store().liveSessionsOfUser(user, T0).size(), Math::max);
                }
              });
      watcher.start();
      List<OpenResult> results;
      try {
        results =
            Burst.run(
                threads, i -> store().open(candidate(user, "10.0.0." + i, T0, policy), policy));
      } finally {
        bursting.set(false);
        watcher.join();
      }

      assertThat(results)
          .as("round %d", round)
          .filteredOn(r -> r instanceof OpenResult.Opened)
          .hasSize(limit);
      assertThat(results).filteredOn(r -> r instanceof OpenResult.Refused).hasSize(threads - limit);
      assertThat(store().liveSessionsOfUser(user, T0)).hasSize(limit);
      assertThat(maxSeen.get()).isLessThanOrEqualTo(limit);
    }
  }

  @ParameterizedTest(name = "{0}, limit {1}")
  @CsvSource({"DESTROY_NEXT_EXPIRING, 1", "DESTROY_OLDEST_SESSION, 3", "DESTROY_OLD_SESSIONS, 3"})
  default void aBurstOfSimultaneousLoginsUnderAnEvictingActionLeavesExactlyTheLimit(
      String actionName, int limit) throws Exception {
    QuotaPolicy policy = userLimit(limit, ExhaustionActions.builtIns().require(actionName));
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String user = "burst" + round;

      List<OpenResult> results =
          Burst.run(threads, i -> store().open(candidate(user, "10.0.1." + i, T0, policy), policy));

      List<Session> opened = results.stream().map(r -> ((OpenResult.Opened) r).session()).toList();
      long endedByLimit =
          results.stream().mapToLong(r -> ((OpenResult.Opened) r).ended().size()).sum();
      List<Session> live = store().liveSessionsOfUser(user, T0);
      assertThat(opened).hasSize(threads);
      assertThat(live.size()).as("round %d", round).isLessThanOrEqualTo(limit).isPositive();
      assertThat(endedByLimit).isEqualTo(threads - live.size());
      assertThat(opened)
          .filteredOn(s -> store().find(s.tokenHash(), T0) instanceof Lookup.Live)
          .hasSize(live.size());
      if (!actionName.equals("DESTROY_OLD_SESSIONS")) {
        assertThat(live).hasSize(limit);
      }
    }
  }

  @Test
  default void aBurstAgainstTheAddressLimitAdmitsExactlyTheLimitAcrossUsers() throws Exception {
    QuotaPolicy policy = policy(-1, 2, ExhaustionAction.DENY_ACCESS);
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String ip = "192.0.2." + (100 + round);

      List<OpenResult> results =
          Burst.run(threads, i -> store().open(candidate("user" + i, ip, T0, policy), policy));

      assertThat(results)
          .as("round %d", round)
          .filteredOn(r -> r instanceof OpenResult.Opened)
          .hasSize(2);
      assertThat(store().liveSessionsFrom(ip, T0)).hasSize(2);
    }
  }

  /** One step of a random sequence; a logout or touch picks among the sessions opened so far. */
  sealed interface Step {}

  record Login(int user, int ip) implements Step {}

  record Logout(int pick) implements Step {}

  record Touch(int pick) implements Step {}

  record Wait(int seconds) implements Step {}

  /** Limits, the action at exhaustion and up to 30 steps; shrinking drops and simplifies steps. */
  record Sequence(int userLimit, int ipLimit, String action, List<Step> steps) {}

  private static Gen<Sequence> sequences() {
    Gen<Integer> pick = Generate.range(0, 1_000);
    Gen<Step> step =
        Generate.frequency(
            Pair.of(6, Generate.range(0, 1).zip(Generate.range(0, 1), Login::new)),
            Pair.of(2, pick.map(Logout::new)),
            Pair.of(1, pick.map(Touch::new)),
            Pair.of(1, Generate.range(1, 899).map(Wait::new)));
    return Generate.range(1, 3)
        .zip(
            Generate.range(2, 4),
            Generate.pick(List.copyOf(ExhaustionActions.builtIns().names())),
            SourceDSL.lists().of(step).ofSizeBetween(1, 30),
            Sequence::new);
  }

  @Test
  default void randomSequencesOfLoginsEndingsAndTimeNeverExceedALimit() {
    AtomicInteger runs = new AtomicInteger();
    qt().withExamples(sequenceTries())
        .withShrinkCycles(200)
        .forAll(sequences())
        .checkAssert(
            sequence -> {
              // Every run, shrinking's too, has its own users and addresses in the one store().
              int run = runs.incrementAndGet();
              String[] users = {"r" + run + "-alice", "r" + run + "-bob"};
              String net = "10." + (run >> 8 & 255) + "." + (run & 255) + ".";
              String[] ips = {net + "1", net + "2"};
              QuotaPolicy policy =
                  policy(
                      sequence.userLimit(),
                      sequence.ipLimit(),
                      ExhaustionActions.builtIns().require(sequence.action()));
              Instant now = T0;
              List<Session> opened = new ArrayList<>();
              for (int i = 0; i < sequence.steps().size(); i++) {
                Step step = sequence.steps().get(i);
                if (step instanceof Login login) {
                  Session candidate = candidate(users[login.user()], ips[login.ip()], now, policy);
                  if (store().open(candidate, policy) instanceof OpenResult.Opened o) {
                    opened.add(o.session());
                  }
                } else if (step instanceof Logout logout && !opened.isEmpty()) {
                  Session victim = opened.get(logout.pick() % opened.size());
                  store().end(victim.id(), SessionEnd.of(EndReason.LOGGED_OUT, now));
                } else if (step instanceof Touch touch && !opened.isEmpty()) {
                  store().touch(opened.get(touch.pick() % opened.size()).tokenHash(), now, IDLE);
                } else if (step instanceof Wait wait) {
                  now = now.plusSeconds(wait.seconds());
                }
                for (String user : users) {
                  assertThat(store().liveSessionsOfUser(user, now))
                      .as("%s after step %d", user, i)
                      .hasSizeLessThanOrEqualTo(policy.userLimit());
                }
                for (String ip : ips) {
                  assertThat(store().liveSessionsFrom(ip, now))
                      .as("%s after step %d", ip, i)
                      .hasSizeLessThanOrEqualTo(policy.ipLimit());
                }
              }
            });
  }

  /**
   * How many random sequences {@link #randomSequencesOfLoginsEndingsAndTimeNeverExceedALimit} runs.
   */
  default int sequenceTries() {
    return 40;
  }
}
