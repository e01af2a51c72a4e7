package dev.sessionlimits.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.ExternalIdentities;
import dev.sessionlimits.core.ExternalIdentity;
import dev.sessionlimits.core.GroupSource;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.TestServer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The local accounts of users the directory or the identity provider vouched for. */
class ExternalUsersTest {

  private static final ExternalIdentity ALICE_AT_KEYCLOAK =
      new ExternalIdentity("https://idp.example/realms/x", "3f9c-alice");

  private final MutableClock clock = new MutableClock(TestServer.START);
  private final UserStore users = UserStore.inMemory();
  private final GroupStore groups = GroupStore.inMemory();
  private final ExternalIdentities identities = ExternalIdentities.inMemory();
  private final ExternalUsers external = new ExternalUsers(users, groups, identities, clock);

  @Test
  void aFirstSignInCreatesAnAccountWithoutAPasswordInTheSourcesGroups() {
    ExternalUsers.Provisioned answer =
        external.provision(
            ALICE_AT_KEYCLOAK, "alice", Optional.of(true), GroupSource.OIDC, List.of("staff"));

    assertThat(answer).isInstanceOf(ExternalUsers.Ready.class);
    User alice = users.find("alice").orElseThrow();
    assertThat(alice.passwordHash()).isNull();
    assertThat(alice.admin()).isTrue();
    assertThat(groups.groupsOf("alice")).extracting(g -> g.name()).containsExactly("staff");
    assertThat(identities.usernameFor(ALICE_AT_KEYCLOAK)).contains("alice");
  }

  @Test
  void aLaterSignInKeepsTheAccountInStepWithTheSource() {
    external.provision(
        ALICE_AT_KEYCLOAK, "alice", Optional.of(true), GroupSource.OIDC, List.of("staff", "ops"));
    users.create(new User("root", "x", true, false, null, TestServer.START, TestServer.START));

    external.provision(
        ALICE_AT_KEYCLOAK, "alice-renamed", Optional.of(false), GroupSource.OIDC, List.of("ops"));

    User alice = users.find("alice").orElseThrow();
    assertThat(alice.admin()).isFalse();
    assertThat(groups.groupsOf("alice")).extracting(g -> g.name()).containsExactly("ops");
    assertThat(users.find("alice-renamed")).isEmpty();
  }

  @Test
  void aSourceThatDoesNotDecideAdministratorsLeavesTheStoredFlag() {
    external.provision(ALICE_AT_KEYCLOAK, "alice", Optional.of(true), GroupSource.LDAP, List.of());

    external.provision(ALICE_AT_KEYCLOAK, "alice", Optional.empty(), GroupSource.LDAP, List.of());

    assertThat(users.find("alice").orElseThrow().admin()).isTrue();
  }

  @Test
  void aLocalAccountOfTheSameNameIsNeverTakenOver() {
    users.create(new User("bob", "hash", false, false, null, TestServer.START, TestServer.START));

    ExternalUsers.Provisioned answer =
        external.provision(
            new ExternalIdentity("https://idp.example", "bob-sub"),
            "bob",
            Optional.of(true),
            GroupSource.OIDC,
            List.of());

    assertThat(answer).isInstanceOf(ExternalUsers.Conflict.class);
    assertThat(users.find("bob").orElseThrow().admin()).isFalse();
    assertThat(identities.identitiesOf("bob")).isEmpty();
  }

  @Test
  void anotherIdentityCannotClaimANameAlreadyLinked() {
    external.provision(ALICE_AT_KEYCLOAK, "alice", Optional.empty(), GroupSource.OIDC, List.of());

    ExternalUsers.Provisioned answer =
        external.provision(
            ExternalIdentity.ldap("uid=alice,ou=people,dc=example"),
            "alice",
            Optional.empty(),
            GroupSource.LDAP,
            List.of());

    assertThat(answer).isInstanceOf(ExternalUsers.Conflict.class);
  }

  @Test
  void groupNamesNoGroupMayHaveAreLeftOut() {
    external.provision(
        ALICE_AT_KEYCLOAK, "alice", Optional.empty(), GroupSource.OIDC, List.of("ok", " bad", ""));

    assertThat(groups.groupsOf("alice")).extracting(g -> g.name()).containsExactly("ok");
  }
}
