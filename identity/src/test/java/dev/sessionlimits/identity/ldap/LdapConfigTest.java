package dev.sessionlimits.identity.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every SESSIONLIMITS_LDAP_* variable: defaults, valid values, and messages for wrong ones. */
class LdapConfigTest {

  @TempDir Path dir;

  /** URL and user base, plus {@code extra} name/value pairs (a null value removes the name). */
  private static Map<String, String> env(String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put(LdapConfig.URL, "ldap://ldap.example.org");
    env.put(LdapConfig.USER_BASE, "ou=people,dc=example,dc=org");
    for (int i = 0; i < extra.length; i += 2) {
      if (extra[i + 1] == null) {
        env.remove(extra[i]);
      } else {
        env.put(extra[i], extra[i + 1]);
      }
    }
    return env;
  }

  private static LdapConfig config(String... extra) {
    return LdapConfig.fromEnvironment(env(extra)).orElseThrow();
  }

  /** The message of the start-stopping exception for these settings. */
  private static String problem(String... extra) {
    try {
      LdapConfig.fromEnvironment(env(extra));
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted " + List.of(extra));
  }

  @Test
  void withoutAUrlThereIsNoDirectorySignIn() {
    assertThat(LdapConfig.fromEnvironment(Map.of())).isEmpty();
    assertThat(LdapConfig.fromEnvironment(Map.of(LdapConfig.URL, "  "))).isEmpty();
  }

  @Test
  void otherLdapVariablesWithoutAUrlStopTheStart() {
    assertThatThrownBy(
            () ->
                LdapConfig.fromEnvironment(
                    Map.of(LdapConfig.USER_BASE, "dc=example,dc=org", LdapConfig.TIMEOUT, "5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(LdapConfig.USER_BASE)
        .hasMessageContaining(LdapConfig.TIMEOUT)
        .hasMessageContaining("SESSIONLIMITS_LDAP_URL is not");
  }

  @Test
  void aUrlAndAUserBaseAreEnoughAndTheRestHasDefaults() {
    LdapConfig config = config();

    assertThat(config.servers())
        .containsExactly(new LdapConfig.Server(false, "ldap.example.org", 389));
    assertThat(config.startTls()).isFalse();
    assertThat(config.serviceBind()).isEmpty();
    assertThat(config.userBase()).isEqualTo("ou=people,dc=example,dc=org");
    assertThat(config.userFilter()).isEqualTo("(uid={0})");
    assertThat(config.userNameAttribute()).isEqualTo("uid");
    assertThat(config.groupAttribute()).isEqualTo("memberOf");
    assertThat(config.adminGroup()).isEmpty();
    assertThat(config.caFile()).isEmpty();
    assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void everyVariableIsRead() throws Exception {
    Path ca = TestCertificates.create(dir).pem;
    LdapConfig config =
        config(
            LdapConfig.URL,
            "ldap://dc1.example.org:3268  ldap://[::1]",
            LdapConfig.START_TLS,
            "TRUE",
            LdapConfig.BIND_DN,
            "cn=sessionlimits,ou=services,dc=example,dc=org",
            LdapConfig.BIND_PASSWORD,
            " spaces kept ",
            LdapConfig.USER_FILTER,
            "(&(objectClass=user)(sAMAccountName={0}))",
            LdapConfig.GROUP_ATTRIBUTE,
            "isMemberOf",
            LdapConfig.ADMIN_GROUP,
            "cn=admins,ou=groups,dc=example,dc=org",
            LdapConfig.CA_FILE,
            ca.toString(),
            LdapConfig.TIMEOUT,
            "PT2.5S");

    assertThat(config.servers())
        .containsExactly(
            new LdapConfig.Server(false, "dc1.example.org", 3268),
            new LdapConfig.Server(false, "::1", 389));
    assertThat(config.startTls()).isTrue();
    assertThat(config.serviceBind())
        .contains(
            new LdapConfig.ServiceBind(
                "cn=sessionlimits,ou=services,dc=example,dc=org", " spaces kept "));
    assertThat(config.userNameAttribute()).isEqualTo("sAMAccountName");
    assertThat(config.groupAttribute()).isEqualTo("isMemberOf");
    assertThat(config.adminGroup()).contains("cn=admins,ou=groups,dc=example,dc=org");
    assertThat(config.caFile()).contains(ca);
    assertThat(config.timeout()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void ldapsUrlsDefaultToPort636() {
    assertThat(config(LdapConfig.URL, "ldaps://ldap.example.org").servers())
        .containsExactly(new LdapConfig.Server(true, "ldap.example.org", 636));
  }

  @Test
  void aUrlThatIsNotLdapHostAndPortIsNamedInTheMessage() {
    for (String bad :
        List.of(
            "http://ldap.example.org",
            "ldap.example.org:389",
            "ldap://",
            "ldap://ldap.example.org:99999",
            "ldap://ldap.example.org/dc=example,dc=org",
            "ldapi://%2fvar%2frun%2fslapd")) {
      assertThat(problem(LdapConfig.URL, bad))
          .as(bad)
          .contains(LdapConfig.URL, "\"" + bad + "\"", "ldap://host[:port]");
    }
    assertThat(problem(LdapConfig.URL, "ldap://good.example.org http://bad.example.org"))
        .contains("\"http://bad.example.org\"")
        .doesNotContain("\"ldap://good.example.org\"");
  }

  @Test
  void startTlsIsTrueOrFalseAndOnlyForPlainLdap() {
    assertThat(problem(LdapConfig.START_TLS, "yes"))
        .contains(LdapConfig.START_TLS, "\"yes\"", "true or false");
    assertThat(problem(LdapConfig.URL, "ldaps://ldap.example.org", LdapConfig.START_TLS, "true"))
        .contains(LdapConfig.START_TLS, "\"ldaps://ldap.example.org\"", "ldap:// URLs");
    assertThat(config(LdapConfig.START_TLS, "false").startTls()).isFalse();
  }

  @Test
  void theBindDnAndPasswordComeTogetherAndTheDnMustParse() {
    assertThat(problem(LdapConfig.BIND_DN, "cn=svc,dc=example,dc=org"))
        .contains(LdapConfig.BIND_DN, LdapConfig.BIND_PASSWORD, "got only " + LdapConfig.BIND_DN);
    assertThat(problem(LdapConfig.BIND_PASSWORD, "hunter2"))
        .contains("got only " + LdapConfig.BIND_PASSWORD)
        .doesNotContain("hunter2");
    assertThat(problem(LdapConfig.BIND_DN, "not a dn", LdapConfig.BIND_PASSWORD, "hunter2"))
        .contains(LdapConfig.BIND_DN, "\"not a dn\"", "must be a DN")
        .doesNotContain("hunter2");
  }

  @Test
  void theUserBaseIsRequiredAndMustBeADn() {
    assertThat(problem(LdapConfig.USER_BASE, null))
        .contains(LdapConfig.USER_BASE, "must be set with " + LdapConfig.URL);
    assertThat(problem(LdapConfig.USER_BASE, "people"))
        .contains(LdapConfig.USER_BASE, "\"people\"", "must be a DN");
  }

  @Test
  void theUserFilterNeedsThePlaceholderAndMustParse() {
    assertThat(problem(LdapConfig.USER_FILTER, "(uid=alice)"))
        .contains(LdapConfig.USER_FILTER, "\"(uid=alice)\"", "has no {0}");
    assertThat(problem(LdapConfig.USER_FILTER, "(uid={0}"))
        .contains(LdapConfig.USER_FILTER, "\"(uid={0}\"", "an LDAP filter");
    assertThat(problem(LdapConfig.USER_FILTER, "uid={0})(cn=x"))
        .contains(LdapConfig.USER_FILTER, "\"uid={0})(cn=x\"");
    assertThat(config(LdapConfig.USER_FILTER, "(|(uid={0})(mail={0}))").userNameAttribute())
        .isEqualTo("uid");
  }

  @Test
  void theGroupAttributeIsAnAttributeNameOrAnOid() {
    assertThat(config(LdapConfig.GROUP_ATTRIBUTE, "1.2.840.113556.1.2.102").groupAttribute())
        .isEqualTo("1.2.840.113556.1.2.102");
    for (String bad : List.of("member of", "memberOf;x", "1member", "(memberOf)")) {
      assertThat(problem(LdapConfig.GROUP_ATTRIBUTE, bad))
          .as(bad)
          .contains(LdapConfig.GROUP_ATTRIBUTE, "\"" + bad + "\"", "attribute name");
    }
  }

  @Test
  void theAdminGroupIsADnOrACommonName() {
    assertThat(config(LdapConfig.ADMIN_GROUP, "Domain Admins").adminGroup())
        .contains("Domain Admins");
    assertThat(problem(LdapConfig.ADMIN_GROUP, "cn=admins,,dc=example"))
        .contains(LdapConfig.ADMIN_GROUP, "\"cn=admins,,dc=example\"", "DN", "CN");
  }

  @Test
  void theCaFileMustBeAReadablePemFileOfCertificates() throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertThat(problem(LdapConfig.CA_FILE, missing.toString()))
        .contains(LdapConfig.CA_FILE, "\"" + missing + "\"", "PEM file");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
    assertThat(problem(LdapConfig.CA_FILE, empty.toString()))
        .contains(LdapConfig.CA_FILE, "\"" + empty + "\"", "PEM file");
  }

  @Test
  void theTimeoutIsSecondsMillisecondsOrIsoWithinBounds() {
    assertThat(config(LdapConfig.TIMEOUT, "7").timeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(config(LdapConfig.TIMEOUT, "7s").timeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(config(LdapConfig.TIMEOUT, "250ms").timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(config(LdapConfig.TIMEOUT, "PT1M").timeout()).isEqualTo(Duration.ofMinutes(1));
    for (String bad : List.of("0", "50ms", "301s", "PT10M", "5 s", "soon", "-5")) {
      assertThat(problem(LdapConfig.TIMEOUT, bad))
          .as(bad)
          .contains(LdapConfig.TIMEOUT, "\"" + bad + "\"", "100 ms .. 5 min");
    }
  }

  @Test
  void everyWrongVariableIsReportedAtOnce() {
    assertThat(problem(LdapConfig.START_TLS, "maybe", LdapConfig.TIMEOUT, "forever"))
        .contains(LdapConfig.START_TLS, LdapConfig.TIMEOUT);
  }

  @Test
  void theBindPasswordNeverAppearsInTheConfigurationsText() {
    LdapConfig config =
        config(
            LdapConfig.BIND_DN,
            "cn=svc,dc=example,dc=org",
            LdapConfig.BIND_PASSWORD,
            "s3cret-Passw0rd");

    assertThat(config.toString())
        .doesNotContain("s3cret-Passw0rd")
        .contains("cn=svc,dc=example,dc=org", "password=(set)");
    assertThat(config.serviceBind().orElseThrow().toString()).doesNotContain("s3cret-Passw0rd");
  }

  @Test
  void theRecordRefusesStartTlsOverLdapsAndAFilterWithoutThePlaceholder() {
    List<LdapConfig.Server> ldaps = List.of(new LdapConfig.Server(true, "h", 636));
    assertThatThrownBy(
            () ->
                new LdapConfig(
                    ldaps,
                    true,
                    Optional.empty(),
                    "dc=x",
                    "(uid={0})",
                    "memberOf",
                    Optional.empty(),
                    Optional.empty(),
                    Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new LdapConfig(
                    ldaps,
                    false,
                    Optional.empty(),
                    "dc=x",
                    "(uid=alice)",
                    "memberOf",
                    Optional.empty(),
                    Optional.empty(),
                    Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
