package dev.sessionlimits.identity.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sign-in against a real OpenLDAP slapd, started by the test, memberOf kept by its overlay. */
class OpenLdapTest {

  private static final String PEOPLE = "ou=people," + Slapd.BASE;
  private static final DirectoryAnswer REJECTED = new DirectoryAnswer.Rejected();

  @TempDir static Path sharedDir;

  private static Slapd slapd;

  @TempDir Path dir;

  @BeforeAll
  static void startSlapd() throws Exception {
    slapd = Slapd.start(sharedDir);
  }

  @AfterAll
  static void stopSlapd() throws Exception {
    if (slapd != null) {
      slapd.close();
    }
  }

  private static LdapDirectory client(String url, String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put(LdapConfig.URL, url);
    env.put(LdapConfig.USER_BASE, Slapd.BASE);
    env.put(LdapConfig.BIND_DN, Slapd.SERVICE_DN);
    env.put(LdapConfig.BIND_PASSWORD, Slapd.SERVICE_PASSWORD);
    env.put(LdapConfig.ADMIN_GROUP, "cn=admins,ou=groups," + Slapd.BASE);
    env.put(LdapConfig.TIMEOUT, "2s");
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return new LdapDirectory(LdapConfig.fromEnvironment(env).orElseThrow());
  }

  @Test
  void aUserSignsInWithTheGroupsTheMemberOfOverlayComputed() {
    try (LdapDirectory client = client(slapd.url())) {
      assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
          .isEqualTo(
              new DirectoryAnswer.SignedIn(
                  "alice", "uid=alice," + PEOPLE, List.of("admins", "staff"), true));
      assertThat(client.authenticate("BOB", "bob-secret".toCharArray()))
          .isEqualTo(
              new DirectoryAnswer.SignedIn("bob", "uid=bob," + PEOPLE, List.of("staff"), false));
    }
  }

  @Test
  void aWrongPasswordAnUnknownUserAndAUserWithoutAPasswordAreRejected() {
    try (LdapDirectory client = client(slapd.url())) {
      assertThat(client.authenticate("alice", "bob-secret".toCharArray())).isEqualTo(REJECTED);
      assertThat(client.authenticate("nobody", "alice-secret".toCharArray())).isEqualTo(REJECTED);
      assertThat(client.authenticate("nopass", "anything".toCharArray())).isEqualTo(REJECTED);
      assertThat(client.authenticate("alice", new char[0])).isEqualTo(REJECTED);
    }
  }

  @Test
  void aFilterInjectionMatchesNobodyEvenWhereOneUserIsAlone() {
    try (LdapDirectory client =
        client(slapd.url(), LdapConfig.USER_BASE, "ou=solo," + Slapd.BASE)) {
      assertThat(client.authenticate("dave", "dave-secret".toCharArray()))
          .isInstanceOf(DirectoryAnswer.SignedIn.class);
      assertThat(client.authenticate("*", "dave-secret".toCharArray())).isEqualTo(REJECTED);
      assertThat(client.authenticate("*)(uid=*", "dave-secret".toCharArray())).isEqualTo(REJECTED);
      assertThat(client.authenticate("d*", "dave-secret".toCharArray())).isEqualTo(REJECTED);
    }
  }

  @Test
  void theAdminGroupByCommonNameAndAnOtherUserFilterWork() {
    try (LdapDirectory client =
        client(
            slapd.url(),
            LdapConfig.ADMIN_GROUP,
            "Staff",
            LdapConfig.USER_FILTER,
            "(&(objectClass=inetOrgPerson)(cn={0}))")) {
      assertThat(client.authenticate("smith", "alice-secret".toCharArray())).isEqualTo(REJECTED);
      assertThat(client.authenticate("bob", "bob-secret".toCharArray()))
          .isEqualTo(
              new DirectoryAnswer.SignedIn("Bob", "uid=bob," + PEOPLE, List.of("staff"), true));
    }
  }

  @Test
  void aRefusedServiceAccountIsUnavailableNotARejection() {
    try (LdapDirectory client = client(slapd.url(), LdapConfig.BIND_PASSWORD, "wrong")) {
      assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
          .isInstanceOf(DirectoryAnswer.Unavailable.class);
    }
  }

  @Test
  void aKilledSlapdIsUnavailableNeverASignIn() throws Exception {
    Slapd own = Slapd.start(dir);
    try (LdapDirectory client = client(own.url())) {
      assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
          .isInstanceOf(DirectoryAnswer.SignedIn.class);

      own.kill();

      assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
          .isInstanceOf(DirectoryAnswer.Unavailable.class);
      assertThat(client.authenticate("alice", "wrong".toCharArray()))
          .isInstanceOf(DirectoryAnswer.Unavailable.class);
    } finally {
      own.close();
    }
  }
}
