package dev.sessionlimits.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.ExternalIdentities;
import dev.sessionlimits.core.ExternalIdentity;
import dev.sessionlimits.core.Group;
import dev.sessionlimits.core.GroupSource;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.SecondFactors;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.TestServer;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules of changing users, without HTTP: the last administrator, and whose sessions end. */
class UserServiceTest {

  private static final String PASSWORD = "alice-plum-harbor-lantern";
  private static final QuotaPolicy UNLIMITED =
      new QuotaPolicy(-1, -1, ExhaustionAction.DENY_ACCESS, Duration.ofMinutes(30), Duration.ZERO);

  private final MutableClock clock = new MutableClock(TestServer.START);
  private final UserStore store = UserStore.inMemory();
  private final SessionManager sessions = new SessionManager(SessionStore.inMemory(), clock);
  private final GroupStore groups = GroupStore.inMemory();
  private final ExternalIdentities identities = ExternalIdentities.inMemory();
  private final UserService users =
      new UserService(
          sessions,
          store,
          new Passwords(TestServer.CHEAP),
          groups,
          identities,
          SecondFactors.inMemory(),
          clock);

  @Test
  void theOnlyEnabledAdministratorCanBeNeitherDisabledNorDemotedNorDeleted() {
    User root = users.create("root", PASSWORD, true, false, null);
    String session = signIn("root");

    assertThatThrownBy(
            () -> users.update(root, new UserService.Change(null, true, true, null), "root", null))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.LAST_ADMIN));
    assertThatThrownBy(
            () ->
                users.update(root, new UserService.Change(null, false, false, null), "root", null))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.LAST_ADMIN));
    assertThatThrownBy(() -> users.delete("root", "root"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.getMessage()).startsWith("root is the only enabled administrator"));

    assertThat(users.existing("root")).isEqualTo(root);
    assertThat(sessions.get(session).orElseThrow().end()).as("nothing ended").isNull();
    users.create("second", PASSWORD, true, false, null);
    assertThat(
            users
                .update(root, new UserService.Change(null, false, false, null), "root", null)
                .after()
                .admin())
        .isFalse();
  }

  @Test
  void disablingAUserEndsAllOfTheirSessionsAndNoOneElses() {
    User alice = users.create("alice", PASSWORD, false, false, null);
    String first = signIn("alice");
    String second = signIn("alice");
    String bobs = signIn("bob");

    UserService.Changed changed =
        users.update(alice, new UserService.Change(null, false, true, null), "root", first);

    assertThat(changed.endedSessions()).containsExactlyInAnyOrder(first, second);
    assertThat(endReason(first)).contains(EndReason.USER_DISABLED);
    assertThat(endReason(bobs)).isEmpty();
    assertThat(users.existing("alice").disabled()).isTrue();
  }

  @Test
  void aNewPasswordEndsEverySessionOfTheUserButTheOneItWasSetFrom() {
    User alice = users.create("alice", PASSWORD, false, false, 5);
    String here = signIn("alice");
    String there = signIn("alice");

    UserService.Changed changed =
        users.update(
            alice,
            new UserService.Change("alice-new-orchard-kettle", false, false, 5),
            "alice",
            here);

    assertThat(changed.endedSessions()).containsExactly(there);
    assertThat(endReason(there)).contains(EndReason.PASSWORD_CHANGED);
    assertThat(endReason(here)).isEmpty();
    assertThat(changed.after().passwordHash()).isNotEqualTo(alice.passwordHash());
    assertThat(changed.after().sessionsLimit()).isEqualTo(5);
  }

  @Test
  void aChangeOfLimitOrRoleAloneEndsNoSession() {
    User alice = users.create("alice", PASSWORD, false, false, null);
    String session = signIn("alice");

    assertThat(
            users
                .update(alice, new UserService.Change(null, true, false, 2), "root", null)
                .endedSessions())
        .isEmpty();
    assertThat(endReason(session)).isEmpty();
  }

  @Test
  void changingTheOwnPasswordKeepsTheSessionItWasMadeIn() {
    User alice = users.create("alice", PASSWORD, false, false, null);
    String here = signIn("alice");
    String there = signIn("alice");

    assertThat(users.changeOwnPassword(alice, "alice-new-orchard-kettle", here))
        .containsExactly(there);
    assertThat(endReason(here)).isEmpty();
    assertThat(sessions.get(there).orElseThrow().end().cause().actor()).isEqualTo("alice");
  }

  @Test
  void changingThePasswordOfAUserDeletedMeanwhileIsNotAuthenticated() {
    User alice = users.create("alice", PASSWORD, false, false, null);
    users.delete("alice", "root");

    assertThatThrownBy(() -> users.changeOwnPassword(alice, "alice-new-orchard-kettle", "s"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.NOT_AUTHENTICATED));
  }

  @Test
  void deletingAUserEndsAllOfTheirSessions() {
    users.create("alice", PASSWORD, false, false, null);
    String session = signIn("alice");

    assertThat(users.delete("alice", "root")).containsExactly(session);
    assertThat(endReason(session)).contains(EndReason.REVOKED_BY_ADMIN);
    assertThatThrownBy(() -> users.existing("alice"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void deletingAUserForgetsHerGroupsAndExternalIdentitiesSoANewUserOfHerNameInheritsNeither() {
    users.create("alice", PASSWORD, false, false, null);
    groups.create(Group.named("staff", TestServer.START));
    groups.replaceMemberships("alice", GroupSource.LOCAL, Set.of("staff"));
    groups.replaceMemberships("alice", GroupSource.OIDC, Set.of("staff", "ops"));
    ExternalIdentity directory = ExternalIdentity.ldap("uid=alice,ou=people,dc=example,dc=org");
    identities.link("alice", directory);
    groups.replaceMemberships("bob", GroupSource.LOCAL, Set.of("staff"));

    users.delete("alice", "root");

    assertThat(groups.membershipsOf("alice")).isEmpty();
    assertThat(identities.identitiesOf("alice")).isEmpty();
    assertThat(identities.usernameFor(directory)).isEmpty();
    assertThat(groups.membershipsOf("bob")).hasSize(1);
    assertThat(groups.find("staff")).as("the group stays").isPresent();
  }

  @Test
  void aTakenNameIsRefused() {
    users.create("alice", PASSWORD, false, false, null);

    assertThatThrownBy(() -> users.create("alice", PASSWORD, true, false, null))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.error()).isEqualTo(ApiError.USER_EXISTS));
    assertThat(users.existing("alice").admin()).isFalse();
  }

  private String signIn(String user) {
    var admitted =
        (SessionManager.LoginResult.Admitted)
            sessions.login(LoginAttempt.password(user, "192.0.2.1", "Firefox"), UNLIMITED);
    return admitted.session().id();
  }

  private Optional<EndReason> endReason(String sessionId) {
    Session session = sessions.get(sessionId).orElseThrow();
    return Optional.ofNullable(session.end()).map(end -> end.reason());
  }
}
