package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/** The rule of a user's effective limit, by example and over many random situations. */
class UserLimitTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  private static Group group(String name, Integer limit) {
    return new Group(name, limit, "", T0, T0);
  }

  @Test
  void theUsersOwnLimitWinsOverEveryGroup() {
    UserLimit limit = UserLimit.of(2, List.of(group("big", 50), group("all", -1)), 5);

    assertThat(limit).isEqualTo(new UserLimit(2, UserLimit.Source.USER, Optional.empty()));
  }

  @Test
  void withoutOneTheHighestGroupLimitCountsAndUnlimitedIsHighest() {
    List<Group> groups = List.of(group("a", 3), group("b", 9), group("c", null));

    assertThat(UserLimit.of(null, groups, 100))
        .isEqualTo(new UserLimit(9, UserLimit.Source.GROUP, Optional.of("b")));
    List<Group> withUnlimited = new ArrayList<>(groups);
    withUnlimited.add(group("d", -1));
    assertThat(UserLimit.of(null, withUnlimited, 100))
        .isEqualTo(new UserLimit(-1, UserLimit.Source.GROUP, Optional.of("d")));
  }

  @Test
  void ofGroupsWithTheSameHighestLimitTheFirstByNameIsNamed() {
    assertThat(UserLimit.of(null, List.of(group("zeta", 4), group("alpha", 4)), 1).group())
        .contains("alpha");
  }

  @Test
  void withoutAnyLimitOfHerOwnOrHerGroupsTheGlobalCounts() {
    assertThat(UserLimit.of(null, List.of(group("c", null)), 7))
        .isEqualTo(new UserLimit(7, UserLimit.Source.GLOBAL, Optional.empty()));
    assertThat(UserLimit.of(null, List.of(), -1).unlimited()).isTrue();
  }

  @Test
  void aLimitNamesItsGroupExactlyWhenItComesFromOneAndIsAValidLimit() {
    assertThatThrownBy(() -> new UserLimit(3, UserLimit.Source.GROUP, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UserLimit(3, UserLimit.Source.USER, Optional.of("g")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UserLimit(0, UserLimit.Source.GLOBAL, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theAdministratorsPolicyTakesTheEffectiveLimitAndForLoginIsUnchanged() {
    ExhaustionActions actions = ExhaustionActions.builtIns();
    Settings settings =
        Settings.DEFAULTS.with(
            Map.of("SESSIONS_PER_USER", 2L, "SESSIONS_PER_IP", 5L, "QUOTA_EXEMPT_ADMINS", true),
            actions.names());
    UserLimit fromGroup = new UserLimit(8, UserLimit.Source.GROUP, Optional.of("staff"));

    QuotaPolicy policy = QuotaPolicy.forUser(settings, fromGroup, false, actions);
    assertThat(policy.userLimit()).isEqualTo(8);
    assertThat(policy.ipLimit()).isEqualTo(5);
    assertThat(QuotaPolicy.forUser(settings, fromGroup, true, actions).userLimit()).isEqualTo(-1);
    assertThat(QuotaPolicy.forLogin(settings, null, false, actions))
        .isEqualTo(QuotaPolicy.forUser(settings, UserLimit.of(null, List.of(), 2), false, actions));
  }

  // ---- the rule over random situations

  private static final String[] NAMES = {"a", "b", "c", "d", "e"};

  /** A user's own limit (or none), her groups and the global limit. */
  record Situation(Integer own, List<Group> groups, int global) {}

  private static Gen<Integer> limits() {
    return Generate.frequency(
        Pair.of(1, Generate.constant(QuotaPolicy.UNLIMITED)),
        Pair.of(4, Generate.range(1, 6)),
        Pair.of(2, Generate.constant((Integer) null)));
  }

  private static Gen<Situation> situations() {
    Gen<Group> groups = Generate.pick(List.of(NAMES)).zip(limits(), UserLimitTest::group);
    Gen<Integer> global = limits().map(l -> (l == null) ? 3 : l);
    return limits().zip(SourceDSL.lists().of(groups).ofSizeBetween(0, 6), global, Situation::new);
  }

  @Test
  void theLimitIsTheOwnElseNoGroupHasAHigherOneElseTheGlobalWhateverTheOrderOfTheGroups() {
    qt().withExamples(2_000)
        .forAll(situations())
        .checkAssert(
            s -> {
              UserLimit limit = UserLimit.of(s.own(), s.groups(), s.global());
              List<Group> limiting =
                  s.groups().stream().filter(g -> g.sessionsLimit() != null).toList();
              if (s.own() != null) {
                assertThat(limit.source()).isEqualTo(UserLimit.Source.USER);
                assertThat(limit.value()).isEqualTo(s.own());
              } else if (limiting.isEmpty()) {
                assertThat(limit.source()).isEqualTo(UserLimit.Source.GLOBAL);
                assertThat(limit.value()).isEqualTo(s.global());
              } else {
                assertThat(limit.source()).isEqualTo(UserLimit.Source.GROUP);
                assertThat(limiting)
                    .anyMatch(
                        g ->
                            g.name().equals(limit.group().orElseThrow())
                                && g.sessionsLimit() == limit.value());
                for (Group g : limiting) {
                  assertThat(UserLimit.isHigher(g.sessionsLimit(), limit.value()))
                      .as("%s is higher than %s", g, limit)
                      .isFalse();
                }
              }
              List<Group> reversed = new ArrayList<>(s.groups());
              Collections.reverse(reversed);
              assertThat(UserLimit.of(s.own(), reversed, s.global())).isEqualTo(limit);
            });
  }
}
