package dev.sessionlimits.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.Group;
import dev.sessionlimits.core.GroupSource;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.GroupStore.Membership;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserLimit;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.TestServer;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Groups, their limits and the users' effective limits, without HTTP. */
class GroupsTest {

  private final MutableClock clock = new MutableClock(TestServer.START);
  private final UserStore users = UserStore.inMemory();
  private final GroupStore store = GroupStore.inMemory();
  private final SettingsService settings =
      new SettingsService(
          SettingsStore.inMemory(), FileSettings.NONE, ExhaustionActions.builtIns(), clock);
  private final Groups groups = new Groups(store, users, settings, clock);

  private User user(String name, Integer limit) {
    User user = new User(name, "x", false, false, limit, clock.instant(), clock.instant());
    users.create(user);
    return user;
  }

  private static void assertError(Runnable call, ApiError error, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.error()).isEqualTo(error);
              if (message != null) {
                assertThat(e.getMessage()).isEqualTo(message);
              }
            });
  }

  @Test
  void aCreatedGroupIsListedWithItsLimitAndHowManyUsersBelongToIt() {
    Group staff = groups.create("staff", 3);
    groups.create("ops", null);
    user("alice", null);
    user("bob", null);
    groups.assign("alice", Set.of("staff", "ops"));
    groups.assign("bob", Set.of("staff"));
    store.replaceMemberships("alice", GroupSource.LDAP, Set.of("staff"));

    assertThat(staff.sessionsLimit()).isEqualTo(3);
    assertThat(staff.createdAt()).isEqualTo(TestServer.START);
    assertThat(groups.list())
        .containsExactly(
            new Groups.Listed(store.find("ops").orElseThrow(), 1), new Groups.Listed(staff, 2));
    assertThat(groups.existing("staff").members()).isEqualTo(2);
  }

  @Test
  void aSecondGroupOfANameIsRefusedAs409AndAMissingOneAs404() {
    groups.create("staff", 3);

    assertError(
        () -> groups.create("staff", 1),
        ApiError.GROUP_EXISTS,
        "A group named staff exists already.");
    assertError(
        () -> groups.existing("nobody"),
        ApiError.GROUP_NOT_FOUND,
        "There is no group named nobody.");
    assertError(() -> groups.setLimit("nobody", 1), ApiError.GROUP_NOT_FOUND, null);
    assertError(() -> groups.delete("nobody"), ApiError.GROUP_NOT_FOUND, null);
    assertThat(store.find("staff").orElseThrow().sessionsLimit()).isEqualTo(3);
  }

  @Test
  void aNewLimitKeepsTheMembersAndSaysWhatItWasBefore() {
    groups.create("staff", 3);
    user("alice", null);
    groups.assign("alice", Set.of("staff"));
    clock.advanceSeconds(60);

    Groups.Changed changed = groups.setLimit("staff", null);

    assertThat(changed.before().sessionsLimit()).isEqualTo(3);
    assertThat(changed.after().sessionsLimit()).isNull();
    assertThat(changed.after().updatedAt()).isEqualTo(TestServer.START.plusSeconds(60));
    assertThat(store.membershipsOf("alice")).containsExactly(local("staff"));
  }

  @Test
  void deletingAGroupRemovesItsMembershipsFromEverySource() {
    groups.create("staff", 3);
    user("alice", null);
    groups.assign("alice", Set.of("staff"));
    store.replaceMemberships("alice", GroupSource.OIDC, Set.of("staff"));

    groups.delete("staff");

    assertThat(store.membershipsOf("alice")).isEmpty();
    assertThat(groups.list()).isEmpty();
  }

  @Test
  void assigningGroupsReplacesOnlyTheLocalOnesAndUnknownNamesChangeNothing() {
    groups.create("staff", 3);
    groups.create("ops", 5);
    user("alice", null);
    store.replaceMemberships("alice", GroupSource.LDAP, Set.of("Domain Users"));
    groups.assign("alice", Set.of("staff"));

    assertError(
        () -> groups.assign("alice", Set.of("ops", "zeta", "alpha")),
        ApiError.UNKNOWN_GROUPS,
        "Nothing was changed, because there are no groups named \"alpha\", \"zeta\".");
    assertThatThrownBy(() -> groups.assign("alice", Set.of("nope")))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.body()).containsEntry("groups", List.of("nope")));
    assertThat(groups.assign("alice", Set.of("ops")))
        .containsExactly(new Membership("Domain Users", GroupSource.LDAP), local("ops"));
    assertThat(groups.assign("alice", Set.of()))
        .containsExactly(new Membership("Domain Users", GroupSource.LDAP));
    assertError(
        () -> groups.assign("nobody", Set.of("ops")),
        ApiError.USER_NOT_FOUND,
        "There is no user named nobody.");
    assertThat(store.membershipsOf("nobody")).isEmpty();
  }

  @Test
  void theEffectiveLimitIsTheUsersOwnElseHerGroupsHighestElseSessionsPerUser() {
    settings.update(Map.of("SESSIONS_PER_USER", 4));
    groups.create("small", 2);
    groups.create("large", 7);
    groups.create("unset", null);
    User own = user("own", 1);
    User grouped = user("grouped", null);
    User plain = user("plain", null);
    for (User u : List.of(own, grouped, plain)) {
      groups.assign(u.username(), u == plain ? Set.of("unset") : Set.of("small", "unset"));
    }
    store.replaceMemberships("grouped", GroupSource.OIDC, Set.of("large"));

    Map<String, Groups.Standing> standings = groups.standingsOf(List.of(own, grouped, plain));

    assertThat(standings.get("own").limit()).isEqualTo(limit(1, UserLimit.Source.USER, null));
    assertThat(standings.get("grouped").limit())
        .isEqualTo(limit(7, UserLimit.Source.GROUP, "large"));
    assertThat(standings.get("grouped").memberships())
        .containsExactly(new Membership("large", GroupSource.OIDC), local("small"), local("unset"));
    assertThat(standings.get("plain").limit()).isEqualTo(limit(4, UserLimit.Source.GLOBAL, null));
    for (User u : List.of(own, grouped, plain)) {
      assertThat(groups.standingOf(u)).isEqualTo(standings.get(u.username()));
      assertThat(groups.limitOf(u, settings.settings()))
          .isEqualTo(standings.get(u.username()).limit());
    }
  }

  @Test
  void thePolicyIsTheEffectiveLimitUnlessQuotasAreOffOrAnAdministratorIsExempt() {
    groups.create("staff", 2);
    User alice = user("alice", null);
    User root = new User("root", "x", true, false, null, clock.instant(), clock.instant());
    users.create(root);
    groups.assign("alice", Set.of("staff"));
    groups.assign("root", Set.of("staff"));

    assertThat(groups.policyOf(alice, settings.settings()).userLimit()).isEqualTo(2);
    assertThat(groups.policyOf(root, settings.settings()).userLimit()).isEqualTo(2);
    settings.update(Map.of("QUOTA_EXEMPT_ADMINS", true));
    assertThat(groups.policyOf(root, settings.settings()).userLimit())
        .isEqualTo(QuotaPolicy.UNLIMITED);
    settings.update(Map.of("QUOTA_CONSTRAINTS_ENABLED", false));
    assertThat(groups.policyOf(alice, settings.settings()).userLimit())
        .isEqualTo(QuotaPolicy.UNLIMITED);
  }

  private static Membership local(String group) {
    return new Membership(group, GroupSource.LOCAL);
  }

  private static UserLimit limit(int value, UserLimit.Source source, String group) {
    return new UserLimit(value, source, Optional.ofNullable(group));
  }
}
