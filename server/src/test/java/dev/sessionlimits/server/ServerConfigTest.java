package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.identity.ldap.LdapConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  @Test
  void everyVariableIsOptional() {
    ServerConfig config = ServerConfig.fromEnvironment(Map.of());
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(config.adminPassword()).isNull();
    assertThat(config.configDir()).isNull();
    assertThat(config.dbUrl()).isNull();
    assertThat(config.trustedProxies()).isEmpty();
    assertThat(config.cookieSecure()).isFalse();
  }

  @Test
  void readsEveryVariable() {
    ServerConfig config =
        ServerConfig.fromEnvironment(
            Map.of(
                "SESSIONLIMITS_PORT", "9090",
                "SESSIONLIMITS_DATA_DIR", "/var/lib/sessionlimits",
                "SESSIONLIMITS_ADMIN_PASSWORD", "violet canyon marmalade",
                "SESSIONLIMITS_CONFIG_DIR", "/etc/sessionlimits",
                "SESSIONLIMITS_DB_URL", "jdbc:postgresql://db:5432/sl",
                "SESSIONLIMITS_TRUSTED_PROXIES", "10.0.0.0/8, 2001:DB8::/32 ,192.168.1.1",
                "SESSIONLIMITS_COOKIE_SECURE", "TRUE"));
    assertThat(config.port()).isEqualTo(9090);
    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/sessionlimits"));
    assertThat(config.adminPassword()).isEqualTo("violet canyon marmalade");
    assertThat(config.configDir()).isEqualTo(Path.of("/etc/sessionlimits"));
    assertThat(config.dbUrl()).isEqualTo("jdbc:postgresql://db:5432/sl");
    assertThat(config.trustedProxies())
        .containsExactly("10.0.0.0/8", "2001:db8::/32", "192.168.1.1/32");
    assertThat(config.cookieSecure()).isTrue();
    assertThat(config.toString()).doesNotContain("violet canyon marmalade");
  }

  @Test
  void badValuesAreRefusedNamingTheVariableTheValueAndWhatIsValid() {
    assertThatThrownBy(
            () ->
                ServerConfig.fromEnvironment(
                    Map.of(
                        "SESSIONLIMITS_PORT", "80800",
                        "SESSIONLIMITS_COOKIE_SECURE", "yes",
                        "SESSIONLIMITS_TRUSTED_PROXIES", "10.0.0.0/8, proxy.local",
                        "SESSIONLIMITS_DB_URL", "jdbc:mysql://u:secret@db/x",
                        "SESSIONLIMITS_ADMIN_PASSWORD", "short")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "SESSIONLIMITS_PORT must be a port number 0..65535 (0 picks a free one), got \"80800\"")
        .hasMessageContaining("SESSIONLIMITS_COOKIE_SECURE must be true or false, got \"yes\"")
        .hasMessageContaining("SESSIONLIMITS_TRUSTED_PROXIES")
        .hasMessageContaining("\"proxy.local\"")
        .hasMessageContaining("SESSIONLIMITS_DB_URL must be a PostgreSQL JDBC URL")
        .hasMessageContaining(
            "SESSIONLIMITS_ADMIN_PASSWORD must be at least 8 characters long, got 5 characters")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret", "short\""));
  }

  @Test
  void metricsAllowDefaultsToLoopbackAndABadBlockIsRefusedNamingTheVariable() {
    assertThat(ServerConfig.defaults().metrics().allowed())
        .containsExactly("127.0.0.0/8", "::1/128");
    assertThat(
            ServerConfig.fromEnvironment(
                    Map.of("SESSIONLIMITS_METRICS_ALLOW", "10.1.2.3, 2001:DB8::/32"))
                .metrics()
                .allowed())
        .containsExactly("10.1.2.3/32", "2001:db8::/32");
    assertThatThrownBy(
            () ->
                ServerConfig.fromEnvironment(
                    Map.of("SESSIONLIMITS_METRICS_ALLOW", "10.0.0.0/8, prometheus.local")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SESSIONLIMITS_METRICS_ALLOW must be a comma-separated list")
        .hasMessageContaining("\"prometheus.local\" is not one");
  }

  @Test
  void aCommonOrGuessableAdminPasswordStopsTheStartNamingTheVariableButNotThePassword() {
    for (String weak :
        new String[] {"12345678", "qwerty123", "        ", "admin2026", "Sessionlimits1"}) {
      assertThatThrownBy(
              () -> ServerConfig.fromEnvironment(Map.of("SESSIONLIMITS_ADMIN_PASSWORD", weak)))
          .as(weak)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("SESSIONLIMITS_ADMIN_PASSWORD is too easy to guess: ")
          .hasMessageContaining("leave it unset")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(weak));
    }
    assertThatThrownBy(
            () ->
                new ServerConfig(
                    0,
                    Path.of("."),
                    "password",
                    null,
                    null,
                    java.util.List.of(),
                    false,
                    ServerConfig.DEFAULT_REAUTH_WINDOW,
                    null,
                    null,
                    null,
                    null,
                    java.util.Optional.empty(),
                    new dev.sessionlimits.server.ops.MetricsAccess(
                        dev.sessionlimits.server.ops.MetricsAccess.DEFAULT),
                    new dev.sessionlimits.store.jdbc.SessionCacheSize(1000),
                    java.util.Optional.empty()))
        .hasMessageContaining("too easy to guess: This is a top-10 common password.");
  }

  @Test
  void theReauthenticationWindowIsFiveMinutesUnlessSetWithinItsRange() {
    assertThat(ServerConfig.defaults().reauthWindow()).isEqualTo(Duration.ofMinutes(5));
    assertThat(
            ServerConfig.fromEnvironment(Map.of("SESSIONLIMITS_REAUTH_WINDOW", "120"))
                .reauthWindow())
        .isEqualTo(Duration.ofSeconds(120));
    for (String bad : new String[] {"29", "3601", "5m", "-300"}) {
      assertThatThrownBy(
              () -> ServerConfig.fromEnvironment(Map.of("SESSIONLIMITS_REAUTH_WINDOW", bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "SESSIONLIMITS_REAUTH_WINDOW must be a number of seconds 30..3600 (how recently"
                  + " the password must have been entered for a sensitive change), got \""
                  + bad
                  + "\"");
    }
  }

  @Test
  void emptyVariablesTakeTheirDefaults() {
    ServerConfig config =
        ServerConfig.fromEnvironment(
            Map.of(
                "SESSIONLIMITS_PORT",
                "",
                "SESSIONLIMITS_ADMIN_PASSWORD",
                "",
                "SESSIONLIMITS_TRUSTED_PROXIES",
                " "));
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.adminPassword()).isNull();
    assertThat(config.trustedProxies()).isEmpty();
  }

  @Test
  void withoutAnLdapUrlNoDirectorySignsUsersIn() {
    assertThat(ServerConfig.fromEnvironment(Map.of()).ldap()).isEmpty();
  }

  @Test
  void readsTheDirectoryFromTheLdapVariablesWithTheirDefaults() {
    ServerConfig config =
        ServerConfig.fromEnvironment(
            Map.of(
                "SESSIONLIMITS_LDAP_URL", "ldaps://ldap.example.org",
                "SESSIONLIMITS_LDAP_BIND_DN", "cn=sessionlimits,ou=services,dc=example,dc=org",
                "SESSIONLIMITS_LDAP_BIND_PASSWORD", "service-secret",
                "SESSIONLIMITS_LDAP_USER_BASE", "ou=people,dc=example,dc=org",
                "SESSIONLIMITS_LDAP_ADMIN_GROUP", "admins"));

    LdapConfig ldap = config.ldap().orElseThrow();
    assertThat(ldap.servers())
        .containsExactly(new LdapConfig.Server(true, "ldap.example.org", 636));
    assertThat(ldap.userBase()).isEqualTo("ou=people,dc=example,dc=org");
    assertThat(ldap.userFilter()).isEqualTo("(uid={0})");
    assertThat(ldap.groupAttribute()).isEqualTo("memberOf");
    assertThat(ldap.adminGroup()).contains("admins");
    assertThat(config.toString())
        .contains("ldaps://ldap.example.org:636")
        .doesNotContain("service-secret");
  }

  @Test
  void aBadLdapVariableStopsTheStartNamingItAmongTheOtherProblems() {
    assertThatThrownBy(
            () ->
                ServerConfig.fromEnvironment(
                    Map.of(
                        "SESSIONLIMITS_PORT", "x",
                        "SESSIONLIMITS_LDAP_URL", "ldap://ldap.example.org",
                        "SESSIONLIMITS_LDAP_USER_BASE", "ou=people,dc=example,dc=org",
                        "SESSIONLIMITS_LDAP_USER_FILTER", "(uid=alice)")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SESSIONLIMITS_PORT must be")
        .hasMessageContaining("SESSIONLIMITS_LDAP_USER_FILTER must be an LDAP filter with {0}")
        .hasMessageContaining("(uid=alice)");
    assertThatThrownBy(
            () ->
                ServerConfig.fromEnvironment(
                    Map.of("SESSIONLIMITS_LDAP_USER_BASE", "ou=people,dc=example,dc=org")))
        .hasMessageContaining(
            "SESSIONLIMITS_LDAP_USER_BASE is set but SESSIONLIMITS_LDAP_URL is not");
  }
}
