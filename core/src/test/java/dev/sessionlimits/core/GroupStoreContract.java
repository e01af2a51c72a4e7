package dev.sessionlimits.core;

import static dev.sessionlimits.core.GroupSource.LDAP;
import static dev.sessionlimits.core.GroupSource.LOCAL;
import static dev.sessionlimits.core.GroupSource.OIDC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.core.GroupStore.Membership;
import dev.sessionlimits.core.GroupStore.Replaced;
import dev.sessionlimits.core.GroupStore.Replacement;
import dev.sessionlimits.core.GroupStore.UnknownGroups;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link GroupStore} must have: groups, each source's memberships replaced as a
 * whole, groups of a directory or provider made on first sight, and exact answers however many
 * changes run at once. A store's test class extends this and says how to make a fresh, empty store.
 */
public abstract class GroupStoreContract {

  protected static final Instant T0 = Instant.parse("2026-01-05T09:00:00.123456Z");

  private static final int THREADS = 8;
  private static final int ROUNDS = 10;

  protected GroupStore store;

  /** A new, empty store; closed after the test if it is {@link AutoCloseable}. */
  protected abstract GroupStore createStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = createStore();
  }

  @AfterEach
  void closeStore() throws Exception {
    if (store instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  private static Group group(String name, Integer limit) {
    return new Group(name, limit, "the " + name, T0, T0.plusSeconds(1));
  }

  private static User user(String name, Integer limit) {
    return new User(name, null, false, false, limit, T0, T0);
  }

  private List<String> groupNamesOf(String username) {
    return store.groupsOf(username).stream().map(Group::name).toList();
  }

  @Test
  void aCreatedGroupIsFoundAndListedByNameAsItWasGiven() {
    Group staff = group("staff", 3);
    Group unicode = new Group("Équipe Ops /eu", null, "", T0, T0);
    assertThat(store.create(staff)).isTrue();
    assertThat(store.create(unicode)).isTrue();
    assertThat(store.create(group("admins", -1))).isTrue();

    assertThat(store.find("staff")).contains(staff);
    assertThat(store.find("Équipe Ops /eu")).contains(unicode);
    assertThat(store.find("nobody")).isEmpty();
    assertThat(store.list())
        .extracting(Group::name)
        .containsExactly("admins", "staff", "Équipe Ops /eu");
  }

  @Test
  void aSecondGroupOfTheSameNameIsNotCreatedAndNamesAreComparedExactly() {
    assertThat(store.create(group("staff", 3))).isTrue();
    assertThat(store.create(group("staff", 9))).isFalse();
    assertThat(store.create(group("Staff", 9))).isTrue();

    assertThat(store.find("staff")).contains(group("staff", 3));
    assertThat(store.find("Staff")).contains(group("Staff", 9));
  }

  @Test
  void anUpdateReplacesTheGroupAndKeepsItsMembers() {
    store.create(group("staff", 3));
    store.replaceMemberships("alice", LOCAL, Set.of("staff"));
    Group changed = new Group("staff", null, "no limit", T0, T0.plusSeconds(60));

    assertThat(store.update(changed)).isTrue();
    assertThat(store.update(group("ghost", 1))).isFalse();
    assertThat(store.find("staff")).contains(changed);
    assertThat(store.find("ghost")).isEmpty();
    assertThat(store.groupsOf("alice")).containsExactly(changed);
  }

  @Test
  void deletingAGroupRemovesEveryMembershipOfIt() {
    store.create(group("staff", 3));
    store.create(group("ops", 5));
    store.replaceMemberships("alice", LOCAL, Set.of("staff", "ops"));
    store.replaceMemberships("alice", LDAP, Set.of("staff"));
    store.replaceMemberships("bob", OIDC, Set.of("staff"));

    assertThat(store.delete("staff")).isTrue();
    assertThat(store.delete("staff")).isFalse();
    assertThat(store.membershipsOf("alice")).containsExactly(new Membership("ops", LOCAL));
    assertThat(store.membershipsOf("bob")).isEmpty();

    store.create(group("staff", 1));
    assertThat(store.groupsOf("bob")).isEmpty();
  }

  @Test
  void memberCountsCountEachUserOnceWhateverHerSourcesAndLeaveOutGroupsWithoutMembers() {
    store.create(group("staff", 3));
    store.create(group("ops", 5));
    store.create(group("empty", 1));
    store.replaceMemberships("alice", LOCAL, Set.of("staff", "ops"));
    store.replaceMemberships("alice", LDAP, Set.of("staff"));
    store.replaceMemberships("bob", OIDC, Set.of("staff", "Domain Users"));

    assertThat(store.memberCounts())
        .containsExactlyInAnyOrderEntriesOf(Map.of("staff", 2, "ops", 1, "Domain Users", 1));

    store.delete("ops");
    store.forget("bob");
    assertThat(store.memberCounts()).containsExactlyInAnyOrderEntriesOf(Map.of("staff", 1));
  }

  @Test
  void replacingTheMembershipsOfOneSourceLeavesTheOtherSourcesAlone() {
    store.create(group("staff", 3));
    store.create(group("ops", 5));
    store.replaceMemberships("alice", LOCAL, Set.of("staff"));
    store.replaceMemberships("alice", LDAP, Set.of("staff", "ops"));
    store.replaceMemberships("alice", OIDC, Set.of("ops"));

    assertThat(store.replaceMemberships("alice", LDAP, Set.of("ops")))
        .isEqualTo(new Replaced(Set.of()));
    assertThat(store.membershipsOf("alice"))
        .containsExactly(
            new Membership("ops", LDAP),
            new Membership("ops", OIDC),
            new Membership("staff", LOCAL));
    assertThat(groupNamesOf("alice")).containsExactly("ops", "staff");

    store.replaceMemberships("alice", OIDC, Set.of());
    store.replaceMemberships("alice", LDAP, Set.of());
    assertThat(store.membershipsOf("alice")).containsExactly(new Membership("staff", LOCAL));
  }

  @Test
  void groupsNamedByTheDirectoryOrTheProviderAreCreatedWithoutALimit() {
    store.create(group("staff", 3));

    assertThat(store.replaceMemberships("alice", OIDC, Set.of("staff", "/eu/ops")))
        .isEqualTo(new Replaced(Set.of("/eu/ops")));
    assertThat(store.replaceMemberships("bob", LDAP, Set.of("Domain Users", "/eu/ops")))
        .isEqualTo(new Replaced(Set.of("Domain Users")));

    Group made = store.find("/eu/ops").orElseThrow();
    assertThat(made.sessionsLimit()).isNull();
    assertThat(made.description()).isEmpty();
    assertThat(made.updatedAt()).isEqualTo(made.createdAt());
    assertThat(store.find("staff")).contains(group("staff", 3));
    assertThat(groupNamesOf("alice")).containsExactly("/eu/ops", "staff");
    assertThat(groupNamesOf("bob")).containsExactly("/eu/ops", "Domain Users");
  }

  @Test
  void localMembershipsNeedExistingGroupsAndOtherwiseChangeNothing() {
    store.create(group("staff", 3));
    store.replaceMemberships("alice", LOCAL, Set.of("staff"));

    Replacement answer = store.replaceMemberships("alice", LOCAL, Set.of("staff", "x", "y"));

    assertThat(answer).isEqualTo(new UnknownGroups(Set.of("x", "y")));
    assertThat(store.find("x")).isEmpty();
    assertThat(store.membershipsOf("alice")).containsExactly(new Membership("staff", LOCAL));
  }

  @Test
  void aGroupReachedThroughSeveralSourcesIsOneOfTheUsersGroups() {
    store.create(group("staff", 3));
    store.replaceMemberships("alice", LOCAL, Set.of("staff"));
    store.replaceMemberships("alice", LDAP, Set.of("staff"));
    store.replaceMemberships("alice", OIDC, Set.of("staff"));

    assertThat(store.groupsOf("alice")).containsExactly(group("staff", 3));
    assertThat(store.membershipsOf("alice"))
        .containsExactly(
            new Membership("staff", LOCAL),
            new Membership("staff", LDAP),
            new Membership("staff", OIDC));
  }

  @Test
  void theLimitIsTheUsersOwnElseHerGroupsHighestElseTheGlobal() {
    store.create(group("small", 2));
    store.create(group("large", 7));
    store.create(group("unset", null));
    store.create(group("unlimited", -1));
    store.replaceMemberships("alice", LOCAL, Set.of("small", "unset"));
    store.replaceMemberships("alice", OIDC, Set.of("large"));
    store.replaceMemberships("carol", LDAP, Set.of("small", "unlimited"));
    store.replaceMemberships("dave", LOCAL, Set.of("unset"));

    assertThat(store.limitOf(user("alice", 1), 4)).isEqualTo(limit(1, UserLimit.Source.USER, null));
    assertThat(store.limitOf(user("alice", null), 4))
        .isEqualTo(limit(7, UserLimit.Source.GROUP, "large"));
    assertThat(store.limitOf(user("carol", null), 4))
        .isEqualTo(limit(-1, UserLimit.Source.GROUP, "unlimited"));
    assertThat(store.limitOf(user("dave", null), 4))
        .isEqualTo(limit(4, UserLimit.Source.GLOBAL, null));
    assertThat(store.limitOf(user("erin", null), -1))
        .isEqualTo(limit(-1, UserLimit.Source.GLOBAL, null));
  }

  private static UserLimit limit(int value, UserLimit.Source source, String group) {
    return new UserLimit(value, source, Optional.ofNullable(group));
  }

  @Test
  void forgettingAUserRemovesHerMembershipsOnlyAndKeepsTheGroups() {
    store.create(group("staff", 3));
    store.replaceMemberships("alice", LOCAL, Set.of("staff"));
    store.replaceMemberships("alice", OIDC, Set.of("staff", "made"));
    store.replaceMemberships("bob", LOCAL, Set.of("staff"));

    store.forget("alice");
    store.forget("nobody");

    assertThat(store.membershipsOf("alice")).isEmpty();
    assertThat(store.groupsOf("bob")).containsExactly(group("staff", 3));
    assertThat(store.list()).extracting(Group::name).containsExactly("made", "staff");
    store.replaceMemberships("alice", OIDC, Set.of("made"));
    assertThat(groupNamesOf("alice")).containsExactly("made");
  }

  @Test
  void invalidUserOrGroupNamesAreRefusedAndChangeNothing() {
    store.create(group("staff", 3));

    assertThatThrownBy(() -> store.replaceMemberships("al ice", LOCAL, Set.of("staff")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.replaceMemberships("alice", OIDC, Set.of("ok", " padded")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.replaceMemberships("alice", LDAP, Set.of("a\nb")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.list()).extracting(Group::name).containsExactly("staff");
    assertThat(store.membershipsOf("alice")).isEmpty();
  }

  @Test
  void concurrentReplacementsOfOneUsersMembershipsLeaveExactlyOneOfThem() throws Exception {
    for (int g = 0; g < THREADS; g++) {
      store.create(group("g" + g, null));
    }
    for (int round = 0; round < ROUNDS; round++) {
      int r = round;
      List<Set<String>> wanted =
          java.util.stream.IntStream.range(0, THREADS)
              .mapToObj(
                  i ->
                      Set.of(
                          "g" + i,
                          "g" + ((i + 1 + r % (THREADS - 1)) % THREADS),
                          "new" + r + "-" + i))
              .toList();
      Burst.run(
          THREADS,
          i -> store.replaceMemberships("alice", (i % 2 == 0) ? LDAP : OIDC, wanted.get(i)));
      for (GroupSource source : List.of(LDAP, OIDC)) {
        Set<String> held = new HashSet<>();
        store.membershipsOf("alice").stream()
            .filter(m -> m.source() == source)
            .forEach(m -> held.add(m.group()));
        assertThat(wanted).as("round %d, %s: %s", round, source, held).contains(held);
      }
    }
  }

  @Test
  void membersLoggingInAtOnceCreateTheirNewGroupOnceAndAllBelongToIt() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String name = "fresh" + round;
      List<Replacement> answers =
          Burst.run(
              THREADS,
              i -> store.replaceMemberships("user" + i, (i % 2 == 0) ? LDAP : OIDC, Set.of(name)));
      assertThat(answers)
          .as("round %d", round)
          .filteredOn(a -> a.equals(new Replaced(Set.of(name))))
          .hasSize(1);
      assertThat(answers).containsOnly(new Replaced(Set.of(name)), new Replaced(Set.of()));
      for (int i = 0; i < THREADS; i++) {
        assertThat(groupNamesOf("user" + i)).contains(name);
      }
    }
  }

  @Test
  void aGroupDeletedWhileMembersJoinItLeavesNoMembershipOfAMissingGroup() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String name = "doomed" + round;
      store.create(group(name, 2));
      Burst.run(
          THREADS,
          i -> {
            if (i == 0) {
              return store.delete(name);
            }
            GroupSource source = (i % 2 == 0) ? LOCAL : OIDC;
            return store.replaceMemberships("user" + i, source, Set.of(name));
          });
      boolean exists = store.find(name).isPresent();
      for (int i = 1; i < THREADS; i++) {
        List<Membership> memberships = store.membershipsOf("user" + i);
        if (!exists) {
          assertThat(memberships).as("round %d, user%d", round, i).isEmpty();
        }
        assertThat(groupNamesOf("user" + i))
            .isEqualTo(memberships.stream().map(Membership::group).distinct().toList());
      }
      store.delete(name);
    }
  }
}
