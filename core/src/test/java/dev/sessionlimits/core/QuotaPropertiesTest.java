package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * The invariants of the quota decision, over many random situations (QuickTheories: a failure is
 * shrunk to a small situation that still fails and reported with the seed that replays it, as
 * {@code -DQT_SEED=<seed>}).
 */
class QuotaPropertiesTest {

  private static final int EXAMPLES = 2_000;

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final List<ExhaustionAction> ACTIONS =
      List.of(
          ExhaustionAction.DENY_ACCESS,
          ExhaustionAction.DESTROY_NEXT_EXPIRING,
          ExhaustionAction.DESTROY_OLDEST_SESSION,
          ExhaustionAction.DESTROY_OLD_SESSIONS);
  private static final String[] USERS = {"alice", "bob", "carol"};
  private static final String[] IPS = {"192.0.2.1", "192.0.2.2", "192.0.2.3"};

  /** A login of alice from 192.0.2.1 among random sessions, under random limits. */
  record Situation(List<Session> sessions, QuotaPolicy policy) {
    LoginAttempt attempt() {
      return LoginAttempt.password("alice", IPS[0], "test");
    }

    List<Session> userSessions() {
      return sessions.stream().filter(s -> s.user().equals("alice")).toList();
    }

    List<Session> ipSessions() {
      return sessions.stream().filter(s -> s.clientIp().equals(IPS[0])).toList();
    }

    QuotaDecision decide() {
      return Quota.decide(attempt(), userSessions(), ipSessions(), policy, NOW);
    }

    @Override
    public String toString() {
      return policy
          + "\n"
          + sessions.stream()
              .map(
                  s ->
                      "  "
                          + s.id()
                          + " "
                          + s.user()
                          + "@"
                          + s.clientIp()
                          + " created "
                          + s.createdAt()
                          + " expires "
                          + s.expiresAt()
                          + (s.end() != null ? " ended" : ""))
              .collect(Collectors.joining("\n"));
    }
  }

  /** One session of a situation before it gets its id (its place in the list). */
  private record Drawn(
      int createdSecondsAgo, int expiresInSeconds, String user, String ip, boolean loggedOut) {
    Session session(int index) {
      Instant created = NOW.minusSeconds(createdSecondsAgo);
      Instant expires = NOW.plusSeconds(expiresInSeconds);
      Session s =
          Fixtures.live(
              String.format("s%02d", index),
              user,
              ip,
              created,
              expires.isBefore(created) ? created : expires);
      return loggedOut ? s.withEnd(SessionEnd.of(EndReason.LOGGED_OUT, NOW.minusSeconds(1))) : s;
    }
  }

  /**
   * Up to 13 sessions of three users from three addresses, and a random policy. About one session
   * in six has expired already; expiry times collide often to exercise tie-breaks. Shrinking
   * removes sessions and moves values towards the first user, address and action and smaller
   * numbers.
   */
  static Gen<Situation> situations() {
    Gen<Integer> expiresIn =
        Generate.frequency(
            Pair.of(5, Generate.range(1, 5).map(minutes -> 60 * minutes)),
            Pair.of(1, Generate.range(0, 59).map(seconds -> -seconds)));
    Gen<Boolean> loggedOut =
        Generate.frequency(
            Pair.of(7, Generate.constant(false)), Pair.of(1, Generate.constant(true)));
    Gen<Drawn> drawn =
        Generate.range(1, 7199)
            .zip(
                expiresIn,
                Generate.pick(List.of(USERS)),
                Generate.pick(List.of(IPS)),
                loggedOut,
                Drawn::new);
    Gen<List<Session>> sessions =
        SourceDSL.lists()
            .of(drawn)
            .ofSizeBetween(0, 13)
            .map(
                list ->
                    IntStream.range(0, list.size()).mapToObj(i -> list.get(i).session(i)).toList());
    Gen<Integer> limit =
        Generate.frequency(
            Pair.of(1, Generate.constant(QuotaPolicy.UNLIMITED)), Pair.of(3, Generate.range(1, 5)));
    Gen<QuotaPolicy> policy =
        limit.zip(
            limit,
            Generate.pick(ACTIONS),
            (user, ip, action) ->
                new QuotaPolicy(user, ip, action, Duration.ofMinutes(30), Duration.ZERO));
    return sessions.zip(policy, Situation::new);
  }

  /** Checks many drawn values; a failure is shrunk and reported with the seed that replays it. */
  static <T> void forAll(Gen<T> values, Consumer<T> check) {
    qt().withExamples(EXAMPLES).forAll(values).checkAssert(check);
  }

  @Test
  void afterAnyAdmittedLoginNoLimitIsExceeded() {
    forAll(
        situations(),
        s -> {
          if (s.decide() instanceof QuotaDecision.Admit admit) {
            Set<String> ended = ids(admit);
            assertWithin(s.policy().userLimit(), liveAfter(s.userSessions(), ended) + 1, "user");
            assertWithin(s.policy().ipLimit(), liveAfter(s.ipSessions(), ended) + 1, "ip");
          }
        });
  }

  @Test
  void aLoginIsDeniedOnlyWhenALimitIsFullAndDenyNeverEndsAnything() {
    forAll(
        situations(),
        s -> {
          QuotaDecision decision = s.decide();
          boolean full =
              full(s.policy().userLimit(), s.userSessions())
                  || full(s.policy().ipLimit(), s.ipSessions());
          if (s.policy().action() == ExhaustionAction.DENY_ACCESS) {
            assertThat(decision instanceof QuotaDecision.Deny).isEqualTo(full);
            if (decision instanceof QuotaDecision.Admit admit) {
              assertThat(admit.evictions()).isEmpty();
            } else {
              QuotaDecision.Deny deny = (QuotaDecision.Deny) decision;
              assertThat(deny.active()).isGreaterThanOrEqualTo(deny.limit());
            }
          } else {
            assertThat(decision).isInstanceOf(QuotaDecision.Admit.class);
          }
        });
  }

  @Test
  void destroyOldSessionsLeavesOnlyTheNewSessionInAnExhaustedScope() {
    forAll(
        situations()
            .map(
                s ->
                    new Situation(
                        s.sessions(),
                        new QuotaPolicy(
                            s.policy().userLimit(),
                            s.policy().ipLimit(),
                            ExhaustionAction.DESTROY_OLD_SESSIONS,
                            s.policy().idleTimeout(),
                            Duration.ZERO))),
        s -> {
          Set<String> ended = ids((QuotaDecision.Admit) s.decide());
          if (full(s.policy().userLimit(), s.userSessions())) {
            assertThat(liveAfter(s.userSessions(), ended)).isZero();
          }
          if (full(s.policy().ipLimit(), s.ipSessions())) {
            assertThat(liveAfter(s.ipSessions(), ended)).isZero();
          }
        });
  }

  @Test
  void theSessionsEndedAreExactlyTheOnesTheActionsOrderNames() {
    forAll(
        situations(),
        s -> {
          Comparator<Session> order =
              (s.policy().action() == ExhaustionAction.DESTROY_NEXT_EXPIRING)
                  ? Session.BY_EXPIRY
                  : Session.BY_CREATION;
          if (s.policy().action() == ExhaustionAction.DENY_ACCESS
              || s.policy().action() == ExhaustionAction.DESTROY_OLD_SESSIONS) {
            return;
          }
          Set<String> expected = new HashSet<>();
          expected.addAll(firstToEnd(s.userSessions(), s.policy().userLimit(), order));
          expected.addAll(firstToEnd(s.ipSessions(), s.policy().ipLimit(), order));
          assertThat(ids((QuotaDecision.Admit) s.decide())).isEqualTo(expected);
        });
  }

  @Test
  void onlyLiveSessionsOfTheUserOrTheAddressAreEverEnded() {
    forAll(
        situations(),
        s -> {
          if (s.decide() instanceof QuotaDecision.Admit admit) {
            for (QuotaDecision.Eviction e : admit.evictions()) {
              assertThat(e.session().isLive(NOW)).isTrue();
              Scope scope = e.scope();
              assertThat(scope == Scope.USER ? e.session().user() : e.session().clientIp())
                  .isEqualTo(scope == Scope.USER ? "alice" : IPS[0]);
              assertThat(e.limit()).isEqualTo(s.policy().limit(scope));
            }
          }
        });
  }

  @Test
  void enforcementLeavesEveryUserAndAddressWithinItsLimitAndEndsNoMoreThanTheExcess() {
    forAll(
        situations(),
        s -> {
          List<QuotaDecision.Eviction> evictions =
              Quota.enforce(s.sessions(), u -> s.policy(), s.policy(), NOW);
          Set<String> ended =
              evictions.stream().map(e -> e.session().id()).collect(Collectors.toSet());
          assertThat(ended).hasSameSizeAs(evictions);
          List<Session> live = Quota.live(s.sessions(), NOW);
          long userExcess = 0;
          for (String user : USERS) {
            List<Session> own = live.stream().filter(x -> x.user().equals(user)).toList();
            assertWithin(s.policy().userLimit(), liveAfter(own, ended), user);
            userExcess +=
                (s.policy().userLimit() < 0) ? 0 : Math.max(0, own.size() - s.policy().userLimit());
          }
          for (String ip : IPS) {
            assertWithin(
                s.policy().ipLimit(),
                liveAfter(live.stream().filter(x -> x.clientIp().equals(ip)).toList(), ended),
                ip);
          }
          if (s.policy().ipLimit() == QuotaPolicy.UNLIMITED) {
            assertThat((long) ended.size()).isEqualTo(userExcess);
          }
        });
  }

  /** A situation in which carol may be an exempt administrator (a policy without limits). */
  record WithExempt(Situation situation, boolean carolExempt) {
    QuotaPolicy policyOf(String user) {
      return (carolExempt && user.equals("carol"))
          ? new QuotaPolicy(
              QuotaPolicy.UNLIMITED,
              QuotaPolicy.UNLIMITED,
              situation.policy().action(),
              Duration.ofMinutes(30),
              Duration.ZERO)
          : situation.policy();
    }
  }

  @Test
  void enforcementNeitherCountsNorEndsExemptSessionsAndTrimsEveryAddressToExactlyItsLimit() {
    forAll(
        situations().zip(Generate.booleans(), WithExempt::new),
        w -> {
          Situation s = w.situation();
          List<QuotaDecision.Eviction> evictions =
              Quota.enforce(s.sessions(), w::policyOf, s.policy(), NOW);
          Set<String> ended =
              evictions.stream().map(e -> e.session().id()).collect(Collectors.toSet());
          List<Session> live = Quota.live(s.sessions(), NOW);
          int ipLimit = s.policy().ipLimit();
          Set<String> endedForUsers =
              evictions.stream()
                  .filter(e -> e.scope() == Scope.USER)
                  .map(e -> e.session().id())
                  .collect(Collectors.toSet());
          long expected = 0;
          for (String user : USERS) {
            List<Session> own = live.stream().filter(x -> x.user().equals(user)).toList();
            int limit = w.policyOf(user).userLimit();
            assertWithin(limit, liveAfter(own, ended), user);
            expected += (limit < 0) ? 0 : Math.max(0, own.size() - limit);
          }
          for (String ip : IPS) {
            List<Session> counted =
                live.stream()
                    .filter(
                        x ->
                            x.clientIp().equals(ip)
                                && w.policyOf(x.user()).ipLimit() != QuotaPolicy.UNLIMITED)
                    .toList();
            assertWithin(ipLimit, liveAfter(counted, ended), ip);
            long remaining = counted.stream().filter(x -> !endedForUsers.contains(x.id())).count();
            expected += (ipLimit < 0) ? 0 : Math.max(0, remaining - ipLimit);
          }
          live.stream()
              .filter(
                  x ->
                      w.policyOf(x.user()).ipLimit() == QuotaPolicy.UNLIMITED
                          && w.policyOf(x.user()).userLimit() == QuotaPolicy.UNLIMITED)
              .forEach(
                  x -> assertThat(ended).as("exempt session %s", x.id()).doesNotContain(x.id()));
          assertThat((long) ended.size()).as("sessions ended").isEqualTo(expected);
        });
  }

  private static Set<String> firstToEnd(
      List<Session> sessions, int limit, Comparator<Session> order) {
    List<Session> live = Quota.live(sessions, NOW);
    if (limit == QuotaPolicy.UNLIMITED || live.size() < limit) {
      return Set.of();
    }
    return live.stream()
        .sorted(order)
        .limit(live.size() - limit + 1L)
        .map(Session::id)
        .collect(Collectors.toSet());
  }

  private static boolean full(int limit, List<Session> sessions) {
    return limit != QuotaPolicy.UNLIMITED && Quota.live(sessions, NOW).size() >= limit;
  }

  private static Set<String> ids(QuotaDecision.Admit admit) {
    return admit.evictions().stream().map(e -> e.session().id()).collect(Collectors.toSet());
  }

  private static int liveAfter(List<Session> sessions, Set<String> ended) {
    return (int) Quota.live(sessions, NOW).stream().filter(x -> !ended.contains(x.id())).count();
  }

  private static void assertWithin(int limit, int count, String what) {
    if (limit != QuotaPolicy.UNLIMITED) {
      assertThat(count).as("live sessions of %s", what).isLessThanOrEqualTo(limit);
    }
  }
}
