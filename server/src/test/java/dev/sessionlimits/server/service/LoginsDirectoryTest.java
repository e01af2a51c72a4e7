package dev.sessionlimits.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.ExternalIdentities;
import dev.sessionlimits.core.ExternalIdentity;
import dev.sessionlimits.core.GroupSource;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.ThrottleStore;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.identity.ldap.LdapConfig;
import dev.sessionlimits.server.TestDirectory;
import dev.sessionlimits.server.TestServer;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.ClientAddresses;
import dev.sessionlimits.server.http.Requests;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Password checks against a real (in-memory) directory, without HTTP. */
class LoginsDirectoryTest {

  private static final String IP = "192.0.2.7";

  private final MutableClock clock = new MutableClock(TestServer.START);
  private final UserStore users = UserStore.inMemory();
  private final GroupStore groups = GroupStore.inMemory();
  private final ExternalIdentities identities = ExternalIdentities.inMemory();
  private final ThrottleStore counts = ThrottleStore.inMemory();
  private final AuditLog audit = AuditLog.inMemory();
  private final Passwords passwords = new Passwords(Passwords.Cost.CHEAP);

  private TestDirectory directory;
  private DirectoryPasswords directoryPasswords;
  private Logins logins;

  @BeforeEach
  void start() throws Exception {
    directory = new TestDirectory();
    LdapConfig config = LdapConfig.fromEnvironment(directory.environment()).orElseThrow();
    directoryPasswords =
        DirectoryPasswords.open(
            config, new ExternalUsers(users, groups, identities, clock), identities);
    SecureRandom random = new SecureRandom();
    logins =
        new Logins(
            users,
            passwords,
            new LoginThrottle(counts, clock, LoginThrottle.Policy.DEFAULT),
            new DeviceCookies(
                DeviceCookies.newKey(random),
                clock,
                random,
                new Requests(new ClientAddresses(List.of()), false, null),
                false),
            new Auditor(audit, clock),
            Optional.of(directoryPasswords));
  }

  @AfterEach
  void stop() {
    try {
      directoryPasswords.close();
    } finally {
      directory.close();
    }
  }

  @Test
  void aDirectoryPasswordVerifiesAsLdapAndLinksTheNewAccountToTheEntry() {
    Logins.Verified verified = logins.checkPassword("dana", "dana-directory-secret", IP, null);

    assertThat(verified.authMethod()).isEqualTo(Logins.LDAP);
    assertThat(verified.user().username()).isEqualTo("dana");
    assertThat(
            identities.usernameFor(ExternalIdentity.ldap("uid=dana,ou=people,dc=example,dc=org")))
        .contains("dana");
    assertThat(groups.membershipsOf("dana"))
        .containsExactly(new GroupStore.Membership("contractors", GroupSource.LDAP));
  }

  @Test
  void theFirstDirectorySignInAuditsTheAccountItCreatesAndLaterOnesDoNot() {
    logins.checkPassword("dana", "dana-directory-secret", IP, null);
    logins.checkPassword("dana", "dana-directory-secret", IP, null);

    List<AuditEvent> created =
        audit.recent(100, Long.MAX_VALUE).stream()
            .filter(e -> e.type().equals("user_created"))
            .toList();
    assertThat(created)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.subject()).isEqualTo("dana");
              assertThat(e.actor()).isNull();
              assertThat(e.details()).contains("\"external\":\"ldap\"", "\"admin\":false");
            });
  }

  @Test
  void aLocalPasswordVerifiesAsPassword() {
    users.create(
        new User(
            "alice",
            passwords.hash("alice-plum-harbor-lantern"),
            false,
            false,
            null,
            clock.instant(),
            clock.instant()));

    Logins.Verified verified = logins.checkPassword("alice", "alice-plum-harbor-lantern", IP, null);

    assertThat(verified.authMethod()).isEqualTo(Logins.PASSWORD);
    assertThat(directory.asked("alice")).isFalse();
  }

  @Test
  void theAdministratorsGroupDecidesTheFlagAtEverySignIn() {
    assertThat(logins.checkPassword("erin", "erin-directory-secret", IP, null).user().admin())
        .isTrue();
    assertThat(logins.checkPassword("frank", "frank-directory-secret", IP, null).user().admin())
        .isFalse();
  }

  @Test
  void aWrongDirectoryPasswordCountsOneFailureForTheNameAndTheAddress() {
    assertThatThrownBy(() -> logins.checkPassword("dana", "wrong", IP, null))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.error().code()).isEqualTo("invalid_credentials"));

    assertThat(failures()).containsValues(1);
    assertThat(failures()).hasSize(2);
  }

  @Test
  void aDirectoryThatDoesNotAnswerIsDirectoryUnavailableAndCountsNoFailure() {
    directory.stop();

    assertThatThrownBy(() -> logins.checkPassword("dana", "dana-directory-secret", IP, null))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.error().code()).isEqualTo("directory_unavailable"));

    assertThat(failures()).isEmpty();
    assertThat(users.find("dana")).isEmpty();
  }

  @Test
  void aDirectoryUsersPasswordChangeIsPasswordManagedElsewhereWhateverShePresents() {
    logins.checkPassword("dana", "dana-directory-secret", IP, null);

    assertThatThrownBy(() -> logins.confirmPassword("dana", "anything-at-all", IP, null))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.error().code()).isEqualTo("password_managed_elsewhere");
              assertThat(e.getMessage()).contains("directory");
            });
    assertThat(failures()).isEmpty();
  }

  private Map<ThrottleStore.Key, Integer> failures() {
    Map<ThrottleStore.Key, ThrottleStore.Failures> stored =
        counts.failures(
            List.of(
                new ThrottleStore.Key(ThrottleStore.Kind.USER, "dana"),
                new ThrottleStore.Key(ThrottleStore.Kind.ADDRESS, IP)),
            clock.instant().minusSeconds(3600));
    return stored.entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().count()));
  }
}
