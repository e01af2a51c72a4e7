package dev.sessionlimits.spring.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.spring.load.Browsers.Login;
import dev.sessionlimits.store.jdbc.Await;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rounds every load test runs: {@value #ROUNDS} rounds of {@value #BROWSERS} simultaneous
 * logins at a limit of one session per user, checked (the starter) or only measured (stock).
 */
final class LoadChecks {

  static final int BROWSERS = 50;
  static final int ROUNDS = 10;

  /** The built-in actions, the refusing one first. */
  static final List<String> ACTIONS =
      List.of(
          "DENY_ACCESS", "DESTROY_NEXT_EXPIRING", "DESTROY_OLDEST_SESSION", "DESTROY_OLD_SESSIONS");

  private LoadChecks() {}

  /** The starter's two lines of setup: one session per user, and what a login over it does. */
  static Map<String, String> starter(String action) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("sessionlimits.sessions-per-user", "1");
    properties.put("sessionlimits.quota-exhaustion-action", action);
    return properties;
  }

  /** {@code first} and then {@code second}, the later winning. */
  static Map<String, String> with(Map<String, String> first, Map<String, String> second) {
    Map<String, String> both = new LinkedHashMap<>(first);
    both.putAll(second);
    return both;
  }

  /**
   * {@value #ROUNDS} rounds against the instances {@code apps} (logins round-robin over them), each
   * held to the starter's promise: exactly one live session, the store agreeing, no 5xx; under
   * DENY_ACCESS the other logins refused, under an evicting action all admitted and every evicted
   * browser told why (401 with {@code X-Session-End-Reason}). Between rounds the live browser signs
   * out and the store is seen empty.
   */
  static List<Round> starterRounds(
      Browsers browsers, List<SampleApp> apps, Login how, String action)
      throws InterruptedException {
    return starterRounds(browsers, apps, List.of(how), action, () -> {});
  }

  /**
   * As above, round {@code i} signing in the {@code (i - 1) % logins.size()}th way of {@code
   * logins} (so {@code List.of(FORM, BASIC)} alternates), and running {@code whileLive} after each
   * round's checks, before the sign-out.
   */
  static List<Round> starterRounds(
      Browsers browsers,
      List<SampleApp> apps,
      List<Login> logins,
      String action,
      Runnable whileLive)
      throws InterruptedException {
    List<URI> bases = apps.stream().map(SampleApp::base).toList();
    SampleApp any = apps.get(0);
    List<Round> rounds = new ArrayList<>();
    assertThat(any.storeSessionsOf(SampleApplication.USER)).as("sessions before round 1").isZero();
    for (int i = 1; i <= ROUNDS; i++) {
      Login how = logins.get((i - 1) % logins.size());
      Round round = browsers.loginTogether(bases, how);
      rounds.add(round);
      String what =
          action
              + ", "
              + how
              + ", "
              + apps.size()
              + " instance(s), round "
              + i
              + ": "
              + round.summary();
      System.out.println(what);
      assertThat(round.serverErrors()).as(what).isZero();
      assertThat(round.live()).as(what).isEqualTo(1);
      assertThat(any.storeSessionsOf(SampleApplication.USER)).as(what + "; the store").isEqualTo(1);
      if ("DENY_ACCESS".equals(action)) {
        assertThat(round.admitted()).as(what).isEqualTo(1);
        assertThat(round.refused()).as(what).isEqualTo(BROWSERS - 1);
      } else {
        assertThat(round.admitted()).as(what).isEqualTo(BROWSERS);
        assertThat(round.told()).as(what).isEqualTo(BROWSERS - 1);
      }
      assertThat(round.text200()).as(what).isZero();
      whileLive.run();
      browsers.signOut(bases, round);
      Await.until(
          "no session of " + SampleApplication.USER + " left after round " + i,
          Duration.ofSeconds(10),
          () -> any.storeSessionsOf(SampleApplication.USER) == 0);
    }
    return rounds;
  }

  /**
   * {@value #ROUNDS} rounds against a stock application, measured and not judged; {@code reset}
   * ends every session between rounds.
   */
  static List<Round> stockRounds(Browsers browsers, SampleApp app, Runnable reset)
      throws InterruptedException {
    List<Round> rounds = new ArrayList<>();
    for (int i = 1; i <= ROUNDS; i++) {
      Round round = browsers.loginTogether(List.of(app.base()), Login.FORM);
      System.out.println("stock, round " + i + ": " + round.summary());
      rounds.add(round);
      reset.run();
    }
    return rounds;
  }
}
