package dev.sessionlimits.identity.ldap;

import static dev.sessionlimits.identity.ldap.InMemoryDirectory.ADMINS;
import static dev.sessionlimits.identity.ldap.InMemoryDirectory.BASE;
import static dev.sessionlimits.identity.ldap.InMemoryDirectory.PEOPLE;
import static dev.sessionlimits.identity.ldap.InMemoryDirectory.SERVICE_DN;
import static dev.sessionlimits.identity.ldap.InMemoryDirectory.SERVICE_PASSWORD;
import static dev.sessionlimits.identity.ldap.InMemoryDirectory.SOLO;
import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.ResultCode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sign-in against UnboundID's in-memory directory: a real LDAP server on a loopback port. */
class InMemoryDirectoryTest {

  private static final DirectoryAnswer REJECTED = new DirectoryAnswer.Rejected();

  @TempDir Path dir;

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  private <T extends AutoCloseable> T open(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  /** A directory client for {@code url}, with the service account and the given extra settings. */
  private LdapDirectory client(String url, String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put(LdapConfig.URL, url);
    env.put(LdapConfig.USER_BASE, BASE);
    env.put(LdapConfig.BIND_DN, SERVICE_DN);
    env.put(LdapConfig.BIND_PASSWORD, SERVICE_PASSWORD);
    env.put(LdapConfig.TIMEOUT, "2s");
    for (int i = 0; i < extra.length; i += 2) {
      if (extra[i + 1] == null) {
        env.remove(extra[i]);
      } else {
        env.put(extra[i], extra[i + 1]);
      }
    }
    return open(new LdapDirectory(LdapConfig.fromEnvironment(env).orElseThrow()));
  }

  private InMemoryDirectory plainDirectory() throws Exception {
    return open(InMemoryDirectory.ldap(0, null));
  }

  private static String url(InMemoryDirectory directory) {
    return "ldap://127.0.0.1:" + directory.port();
  }

  @Test
  void aUserWithTheRightPasswordSignsInWithHerGroupsAndTheAdminGroupByDn() throws Exception {
    InMemoryDirectory directory = plainDirectory();
    LdapDirectory client =
        client(url(directory), LdapConfig.ADMIN_GROUP, "CN=Admins, OU=Groups,DC=Example,DC=org");

    assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
        .isEqualTo(
            new DirectoryAnswer.SignedIn(
                "alice", "uid=alice," + PEOPLE, List.of("admins", "staff"), true));
    assertThat(client.authenticate(" bob ", "bob-secret".toCharArray()))
        .isEqualTo(
            new DirectoryAnswer.SignedIn("bob", "uid=bob," + PEOPLE, List.of("staff"), false));
  }

  @Test
  void theAdminGroupMayBeNamedByItsCommonNameInAnyCase() throws Exception {
    LdapDirectory client = client(url(plainDirectory()), LdapConfig.ADMIN_GROUP, "ADMINS");

    assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
        .isInstanceOfSatisfying(
            DirectoryAnswer.SignedIn.class, s -> assertThat(s.admin()).isTrue());
    assertThat(client.authenticate("bob", "bob-secret".toCharArray()))
        .isInstanceOfSatisfying(
            DirectoryAnswer.SignedIn.class, s -> assertThat(s.admin()).isFalse());
  }

  @Test
  void withoutAnAdminGroupNobodyIsAdmin() throws Exception {
    LdapDirectory client = client(url(plainDirectory()));

    assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
        .isInstanceOfSatisfying(
            DirectoryAnswer.SignedIn.class, s -> assertThat(s.admin()).isFalse());
  }

  @Test
  void aWrongPasswordAnUnknownUserAndAnAmbiguousNameGetTheSameRejection() throws Exception {
    LdapDirectory client = client(url(plainDirectory()));

    assertThat(client.authenticate("alice", "bob-secret".toCharArray())).isEqualTo(REJECTED);
    assertThat(client.authenticate("nobody", "alice-secret".toCharArray())).isEqualTo(REJECTED);
    assertThat(client.authenticate("twin", "twin-secret".toCharArray())).isEqualTo(REJECTED);
  }

  @Test
  void anEmptyPasswordIsRefusedWithoutAskingTheDirectory() throws Exception {
    InMemoryDirectory directory = plainDirectory();
    LdapDirectory client = client(url(directory));
    directory.accessLog.clear();

    assertThat(client.authenticate("alice", new char[0])).isEqualTo(REJECTED);
    assertThat(directory.accessLog).noneMatch(line -> line.contains("REQUEST"));
  }

  @Test
  void aUserNameWithControlCharactersOrOnlySpacesIsRefused() throws Exception {
    LdapDirectory client = client(url(plainDirectory()));

    assertThat(client.authenticate("ali\u0000ce", "alice-secret".toCharArray()))
        .isEqualTo(REJECTED);
    assertThat(client.authenticate("alice\u0007", "alice-secret".toCharArray()))
        .isEqualTo(REJECTED);
    assertThat(client.authenticate("   ", "alice-secret".toCharArray())).isEqualTo(REJECTED);
    assertThat(client.authenticate("a".repeat(300), "alice-secret".toCharArray()))
        .isEqualTo(REJECTED);
  }

  @Test
  void aFilterInjectionIsEscapedSoItMatchesNobody() throws Exception {
    // Under ou=solo dave is alone: an unescaped (uid=*) would find him and let his password in.
    InMemoryDirectory directory = plainDirectory();
    LdapDirectory client = client(url(directory), LdapConfig.USER_BASE, SOLO);

    assertThat(client.authenticate("dave", "dave-secret".toCharArray()))
        .isInstanceOf(DirectoryAnswer.SignedIn.class);
    directory.accessLog.clear();
    assertThat(client.authenticate("*", "dave-secret".toCharArray())).isEqualTo(REJECTED);
    assertThat(client.authenticate("*)(uid=*", "dave-secret".toCharArray())).isEqualTo(REJECTED);
    assertThat(client.authenticate("dave)(|(uid=*", "dave-secret".toCharArray()))
        .isEqualTo(REJECTED);

    assertThat(client.userFilter("*)(uid=*").toString()).isEqualTo("(uid=\\2a\\29\\28uid=\\2a)");
    assertThat(directory.accessLog)
        .anyMatch(line -> line.contains("filter=\"(uid=\\2a)\""))
        .anyMatch(line -> line.contains("filter=\"(uid=\\2a\\29\\28uid=\\2a)\""))
        .noneMatch(line -> line.contains("BIND REQUEST") && line.contains("uid=dave"));
  }

  @Test
  void anActiveDirectoryStyleFilterFindsTheUserByHerAccountName() throws Exception {
    LdapDirectory client =
        client(
            url(plainDirectory()),
            LdapConfig.USER_FILTER,
            "(&(objectClass=inetOrgPerson)(sAMAccountName={0}))",
            LdapConfig.ADMIN_GROUP,
            ADMINS);

    assertThat(client.authenticate("Alice.Smith", "alice-secret".toCharArray()))
        .isEqualTo(
            new DirectoryAnswer.SignedIn(
                "alice.smith", "uid=alice," + PEOPLE, List.of("admins", "staff"), true));
    assertThat(client.authenticate("alice", "alice-secret".toCharArray())).isEqualTo(REJECTED);
  }

  @Test
  void anAnonymousSearchFindsTheUserWhenNoServiceAccountIsSet() throws Exception {
    LdapDirectory client =
        client(url(plainDirectory()), LdapConfig.BIND_DN, null, LdapConfig.BIND_PASSWORD, null);

    assertThat(client.authenticate("bob", "bob-secret".toCharArray()))
        .isInstanceOf(DirectoryAnswer.SignedIn.class);
  }

  @Test
  void aBusyOrOddlyAnsweringDirectoryIsUnavailableNeverASignIn() throws Exception {
    InMemoryDirectory directory = plainDirectory();
    LdapDirectory client = client(url(directory));

    for (ResultCode code :
        List.of(
            ResultCode.BUSY,
            ResultCode.UNAVAILABLE,
            ResultCode.UNWILLING_TO_PERFORM,
            ResultCode.OTHER)) {
      directory.userBindAnswer = code;
      assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
          .as("the user's bind answered %s", code)
          .isInstanceOfSatisfying(
              DirectoryAnswer.Unavailable.class,
              u -> assertThat(u.reason()).contains(code.getName()));
    }
    directory.userBindAnswer = null;
    assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
        .isInstanceOf(DirectoryAnswer.SignedIn.class);
  }

  @Test
  void onlyWrongCredentialsAMissingEntryOrNoPasswordCountAsRejectedOfEveryResultCode() {
    for (ResultCode code : ResultCode.values()) {
      boolean rejecting =
          code == ResultCode.INVALID_CREDENTIALS
              || code == ResultCode.NO_SUCH_OBJECT
              || code == ResultCode.INAPPROPRIATE_AUTHENTICATION;
      assertThat(LdapDirectory.classifyUserBind(code))
          .as("%s", code)
          .isInstanceOf(
              rejecting ? DirectoryAnswer.Rejected.class : DirectoryAnswer.Unavailable.class);
    }
  }

  @Test
  void aRefusedServiceAccountMakesTheDirectoryUnavailableNotTheUserWrong() throws Exception {
    LdapDirectory client = client(url(plainDirectory()), LdapConfig.BIND_PASSWORD, "wrong");

    assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
        .isInstanceOfSatisfying(
            DirectoryAnswer.Unavailable.class,
            u -> assertThat(u.reason()).contains("invalid credentials"));
  }

  @Test
  void aStoppedDirectoryIsUnavailableAndSignsInAgainWhenItIsBack() throws Exception {
    InMemoryDirectory directory = InMemoryDirectory.ldap(0, null);
    int port = directory.port();
    LdapDirectory client = client(url(directory));
    assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
        .isInstanceOf(DirectoryAnswer.SignedIn.class);

    directory.close();
    assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
        .isInstanceOf(DirectoryAnswer.Unavailable.class);

    open(InMemoryDirectory.ldap(port, null));
    assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
        .isInstanceOf(DirectoryAnswer.SignedIn.class);
  }

  @Test
  void aDirectoryThatAcceptsConnectionsButNeverAnswersIsUnavailableWithinTheTimeout()
      throws Exception {
    // The kernel completes the TCP handshake for the backlog; nothing ever reads or answers.
    ServerSocket silent = open(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    LdapDirectory client =
        client(
            "ldap://127.0.0.1:" + silent.getLocalPort(),
            LdapConfig.BIND_DN,
            null,
            LdapConfig.BIND_PASSWORD,
            null,
            LdapConfig.TIMEOUT,
            "500ms");

    long start = System.nanoTime();
    DirectoryAnswer answer = client.authenticate("alice", "alice-secret".toCharArray());
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(answer).isInstanceOf(DirectoryAnswer.Unavailable.class);
    assertThat(took)
        .isGreaterThanOrEqualTo(Duration.ofMillis(400))
        .isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void theNextUrlIsTriedWhenTheFirstDirectoryIsDown() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    LdapDirectory client = client("ldap://127.0.0.1:" + closedPort + " " + url(plainDirectory()));

    assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
        .isInstanceOf(DirectoryAnswer.SignedIn.class);
  }

  @Test
  void ldapsSignsInWhenTheCaFileTrustsTheDirectorysCertificate() throws Exception {
    TestCertificates certificate = TestCertificates.create(dir);
    InMemoryDirectory directory = open(InMemoryDirectory.ldaps(certificate));
    LdapDirectory client =
        client(
            "ldaps://localhost:" + directory.port(),
            LdapConfig.CA_FILE,
            certificate.pem.toString());

    assertThat(client.authenticate("alice", "alice-secret".toCharArray()))
        .isInstanceOf(DirectoryAnswer.SignedIn.class);
  }

  @Test
  void ldapsWithAnUntrustedCertificateIsUnavailable() throws Exception {
    TestCertificates certificate = TestCertificates.create(dir);
    TestCertificates another = TestCertificates.create(dir);
    InMemoryDirectory directory = open(InMemoryDirectory.ldaps(certificate));
    String url = "ldaps://localhost:" + directory.port();

    assertThat(
            client(url, LdapConfig.CA_FILE, another.pem.toString())
                .authenticate("alice", "alice-secret".toCharArray()))
        .isInstanceOf(DirectoryAnswer.Unavailable.class);
    assertThat(client(url).authenticate("alice", "alice-secret".toCharArray()))
        .as("the JDK's trust store does not know a self-signed certificate")
        .isInstanceOf(DirectoryAnswer.Unavailable.class);
  }

  @Test
  void aTrustedCertificateForAnotherHostNameIsUnavailable() throws Exception {
    TestCertificates elsewhere = TestCertificates.createForAnotherHost(dir);
    InMemoryDirectory directory = open(InMemoryDirectory.ldaps(elsewhere));

    assertThat(
            client(
                    "ldaps://localhost:" + directory.port(),
                    LdapConfig.CA_FILE,
                    elsewhere.pem.toString())
                .authenticate("alice", "alice-secret".toCharArray()))
        .isInstanceOfSatisfying(
            DirectoryAnswer.Unavailable.class,
            u -> assertThat(u.reason()).contains("Hostname verification failed"));
  }

  @Test
  void startTlsSignsInWithATrustedCertificateAndIsUnavailableWithAnUntrustedOne() throws Exception {
    TestCertificates certificate = TestCertificates.create(dir);
    TestCertificates another = TestCertificates.create(dir);
    InMemoryDirectory directory = open(InMemoryDirectory.ldap(0, certificate));
    String url = "ldap://localhost:" + directory.port();

    assertThat(
            client(
                    url,
                    LdapConfig.START_TLS,
                    "true",
                    LdapConfig.CA_FILE,
                    certificate.pem.toString())
                .authenticate("alice", "alice-secret".toCharArray()))
        .isInstanceOf(DirectoryAnswer.SignedIn.class);
    assertThat(
            client(url, LdapConfig.START_TLS, "true", LdapConfig.CA_FILE, another.pem.toString())
                .authenticate("alice", "alice-secret".toCharArray()))
        .isInstanceOf(DirectoryAnswer.Unavailable.class);
  }
}
