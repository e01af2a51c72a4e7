package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.server.cli.Cli;
import dev.sessionlimits.store.jdbc.JdbcStore;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code sessionlimits} commands against the embedded H2 store and PostgreSQL. */
class CliTest {

  private static final String STRONG = "violet-harbor-quantum-5917";

  @TempDir Path temp;
  private TestPostgres postgres;

  @AfterEach
  void dropDatabase() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  /** What a run printed and how it ended. */
  record Run(int code, String out, String err) {}

  private static Run withInput(Map<String, String> env, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(env, stdin, new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run cli(Map<String, String> env, String... args) {
    return withInput(env, "", args);
  }

  /** The environment of a store of {@code kind}: an H2 data directory or a PostgreSQL database. */
  private Map<String, String> env(String kind) {
    Map<String, String> env = new HashMap<>();
    if (kind.equals("postgres")) {
      postgres = TestPostgres.create();
      env.put("SESSIONLIMITS_DB_URL", postgres.url());
    } else {
      env.put("SESSIONLIMITS_DATA_DIR", temp.resolve("data").toString());
    }
    return env;
  }

  private static <T> T withStore(Map<String, String> env, Function<JdbcStore, T> read) {
    try (JdbcStore store = StoreFactory.openStore(ServerConfig.fromEnvironment(env))) {
      return read.apply(store);
    }
  }

  private static List<String> auditTypes(Map<String, String> env) {
    return withStore(env, s -> s.audit().recent(100, 0).stream().map(AuditEvent::type).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void usersAreAddedListedGivenPasswordsAndDisabledThroughTheServersRules(String kind) {
    Map<String, String> env = env(kind);
    assertThat(
            withInput(env, STRONG + "\n", "users", "add", "ada", "--admin", "--password-stdin")
                .code())
        .isZero();
    Run generated = cli(env, "users", "add", "bob", "--sessions-limit", "2");
    assertThat(generated.code()).isZero();
    assertThat(generated.out()).contains("The new password of bob (shown once): ");

    Run list = cli(env, "users", "list", "--json");
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("\"username\":\"ada\"").contains("\"username\":\"bob\"");
    assertThat(cli(env, "users", "list").out()).contains("bob").contains("USERNAME");

    assertThat(cli(env, "users", "add", "ada").code()).as("taken").isEqualTo(Cli.FAILED);
    Run weak = withInput(env, "password\n", "users", "set-password", "bob", "--password-stdin");
    assertThat(weak.code()).as("PasswordPolicy refuses").isEqualTo(Cli.FAILED);
    assertThat(weak.err()).isNotBlank();
    assertThat(
            withInput(env, STRONG + "\n", "users", "set-password", "bob", "--password-stdin")
                .code())
        .isZero();
    assertThat(cli(env, "users", "disable", "bob").code()).isZero();
    Run last = cli(env, "users", "disable", "ada");
    assertThat(last.code()).as("the last administrator stays").isEqualTo(Cli.FAILED);

    boolean disabled = withStore(env, s -> s.users().find("bob").orElseThrow().disabled());
    assertThat(disabled).isTrue();
    assertThat(auditTypes(env)).contains("user_created", "user_updated");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void sessionsAreListedAndRevoked(String kind) {
    Map<String, String> env = env(kind);
    assertThat(withInput(env, STRONG + "\n", "users", "add", "ada", "--password-stdin").code())
        .isZero();
    String first;
    try (JdbcStore store = StoreFactory.openStore(ServerConfig.fromEnvironment(env));
        TestServer server =
            TestServer.start(
                Stores.of(store, store::isHealthy),
                Map.of(),
                b -> b.clock(InstantSource.system()))) {
      Browser one = server.browser();
      assertThat(one.login("ada", STRONG).status()).isEqualTo(201);
      assertThat(server.browser().login("ada", STRONG).status()).isEqualTo(201);
      first = one.get("/api/v1/me/sessions").text();
    }
    Run list = cli(env, "sessions", "list", "--user", "ada", "--json");
    assertThat(list.code()).isZero();
    String id = list.out().replaceAll("(?s).*?\"id\":\"([^\"]+)\".*", "$1");
    assertThat(first).isNotBlank();
    Run revoked = cli(env, "sessions", "revoke", "--id", id);
    assertThat(revoked.code()).as("%s %s", list, revoked).isZero();
    assertThat(cli(env, "sessions", "revoke", "--id", id).code()).isEqualTo(Cli.FAILED);
    assertThat(cli(env, "sessions", "revoke", "--user", "ada").out()).contains("Revoked 1");
    assertThat(cli(env, "sessions", "list").out()).doesNotContain("ada");
    assertThat(auditTypes(env)).contains("session_revoked", "sessions_revoked");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void settingsAreReadAndChangedAsTheApiDoes(String kind) {
    Map<String, String> env = env(kind);
    assertThat(cli(env, "settings", "set", "SESSIONS_PER_USER=3").code()).isZero();
    Run get = cli(env, "settings", "get", "SESSIONS_PER_USER");
    assertThat(get.out()).isEqualTo("SESSIONS_PER_USER=3 (api)" + System.lineSeparator());
    assertThat(cli(env, "settings", "get", "--json").out())
        .contains("\"SESSIONS_PER_USER\":{\"value\":3,\"source\":\"api\"}");
    Run bad = cli(env, "settings", "set", "SESSIONS_PER_USER=many");
    assertThat(bad.code()).isEqualTo(Cli.FAILED);
    assertThat(bad.err()).contains("SESSIONS_PER_USER");
    assertThat(cli(env, "settings", "get", "NO_SUCH").code()).isEqualTo(Cli.USAGE);
    assertThat(auditTypes(env)).containsOnlyOnce("settings_changed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgres"})
  void apiKeysAreCreatedOnceListedAndRevokedAndTheServerHonoursBoth(String kind) {
    Map<String, String> env = env(kind);
    Run created =
        cli(
            env,
            "api-keys",
            "create",
            "--name",
            "billing",
            "--scope",
            "sessions:read",
            "--expires-in-days",
            "30");
    assertThat(created.code()).as(created.toString()).isZero();
    String key = created.out().strip();
    assertThat(key).matches("slk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
    String id = key.substring(4, 20);
    assertThat(created.err()).contains(id, "expiring at").doesNotContain(key);

    Run list = cli(env, "api-keys", "list", "--json");
    assertThat(list.out()).contains("\"id\":\"" + id + "\"").doesNotContain(key.substring(21));
    assertThat(list.out()).containsPattern("\"expires_at\":\"[^\"]+\"");
    assertThat(cli(env, "api-keys", "list").out()).contains(id, "live", "sessions:read", "billing");
    assertThat(serviceStatus(env, key)).as("a live key").isNotEqualTo(401);

    assertThat(cli(env, "api-keys", "revoke", id).out()).contains("Revoked " + id);
    assertThat(cli(env, "api-keys", "revoke", id).out()).contains("revoked already");
    assertThat(cli(env, "api-keys", "revoke", "0123456789abcdef").code()).isEqualTo(Cli.FAILED);
    assertThat(serviceStatus(env, key)).as("a revoked key").isEqualTo(401);
    assertThat(cli(env, "api-keys", "list").out()).contains("revoked");
    assertThat(auditTypes(env)).contains("api_key_created", "api_key_revoked");

    assertThat(cli(env, "api-keys", "create", "--name", "x", "--scope", "sessions:all").code())
        .isEqualTo(Cli.USAGE);
    assertThat(
            cli(
                    env,
                    "api-keys",
                    "create",
                    "--name",
                    "x",
                    "--scope",
                    "sessions:end",
                    "--expires-in-days",
                    "0")
                .code())
        .isEqualTo(Cli.USAGE);
  }

  /**
   * The status of a service route's answer to {@code key}, from a server on {@code env}'s store.
   */
  private static int serviceStatus(Map<String, String> env, String key) {
    try (JdbcStore store = StoreFactory.openStore(ServerConfig.fromEnvironment(env));
        TestServer server =
            TestServer.start(Stores.of(store, store::isHealthy), Map.of(), b -> {})) {
      return server
          .browser()
          .get("/api/v1/service/sessions/no-such-token", "Authorization", "Bearer " + key)
          .status();
    }
  }

  @Test
  void aLostAdministratorPasswordIsResetAndSignsInOverHttp() {
    Map<String, String> env = env("h2");
    try (JdbcStore store = StoreFactory.openStore(ServerConfig.fromEnvironment(env));
        TestServer server =
            TestServer.start(Stores.of(store, store::isHealthy), Map.of(), b -> {})) {
      assertThat(server.browser().login("admin", TestServer.ADMIN_PASSWORD).status())
          .isEqualTo(201);
    }
    Run reset = withInput(env, STRONG + "\n", "reset-admin-password", "--password-stdin");
    assertThat(reset.code()).as(reset.err()).isZero();
    try (JdbcStore store = StoreFactory.openStore(ServerConfig.fromEnvironment(env));
        TestServer server =
            TestServer.start(Stores.of(store, store::isHealthy), Map.of(), b -> {})) {
      assertThat(server.browser().login("admin", TestServer.ADMIN_PASSWORD).status())
          .isEqualTo(401);
      assertThat(server.browser().login("admin", STRONG).status()).isEqualTo(201);
      assertThat(store.audit().recent(10, 0).stream().map(AuditEvent::type))
          .contains("admin_password_reset");
    }
    assertThat(cli(env, "reset-admin-password", "--user", "nobody").code()).isEqualTo(Cli.FAILED);
  }

  @Test
  void aBackupTakenWhileTheServerRunsRestoresIntoAStoppedDirectory() throws Exception {
    Path data = temp.resolve("running");
    Map<String, String> env = Map.of("SESSIONLIMITS_DATA_DIR", data.toString());
    Path zip = temp.resolve("backup.zip");
    try (ChildServer server =
        ChildServer.start(
            Map.of(
                "SESSIONLIMITS_DATA_DIR",
                data.toString(),
                "SESSIONLIMITS_ADMIN_PASSWORD",
                TestServer.ADMIN_PASSWORD))) {
      Run refused = cli(env, "users", "list");
      assertThat(refused.code())
          .as("the database is in use: %s", refused.err())
          .isEqualTo(Cli.IN_USE);
      assertThat(refused.err()).contains("in use").contains("backup");

      Run backup = cli(env, "backup", zip.toString());
      assertThat(backup.code()).as(backup.err()).isZero();
      assertThat(zip).isRegularFile();
      assertThat(cli(env, "backup", zip.toString()).code()).as("never overwritten").isOne();
      assertThat(cli(env, "restore", zip.toString()).code())
          .as("never under a running server")
          .isEqualTo(Cli.IN_USE);
      assertThat(server.output()).contains("Backed up the embedded database to " + zip);
    }
    Map<String, String> restored = Map.of("SESSIONLIMITS_DATA_DIR", temp.resolve("new").toString());
    Run restore = cli(restored, "restore", zip.toString());
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(cli(restored, "users", "list").out()).contains("admin");
  }

  @Test
  void postgresBackupsAreLeftToPgDump() {
    Map<String, String> env = env("postgres");
    Run backup = cli(env, "backup", temp.resolve("b.zip").toString());
    assertThat(backup.code()).isEqualTo(Cli.USAGE);
    assertThat(backup.err()).contains("pg_dump");
  }

  @Test
  void usageErrorsExitTwoWithTheHelpText() {
    Map<String, String> env = env("h2");
    Run missing = cli(env, "users", "add");
    assertThat(missing.code()).isEqualTo(Cli.USAGE);
    assertThat(missing.err()).contains("Missing required parameter").contains("Usage:");
    Run unknown = cli(env, "frobnicate");
    assertThat(unknown.code()).isEqualTo(Cli.USAGE);
    assertThat(unknown.err()).contains("Usage: sessionlimits");
    Run badEnv = cli(Map.of("SESSIONLIMITS_PORT", "http"), "users", "list");
    assertThat(badEnv.code()).isEqualTo(Cli.USAGE);
    assertThat(badEnv.err()).contains("SESSIONLIMITS_PORT");
    Run help = cli(env, "sessions", "revoke", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--id").contains("--user");
    assertThat(Files.exists(temp.resolve("data"))).as("help opens no store").isFalse();
  }

  @Test
  void versionPrintsTheRelease() {
    Run version = cli(Map.of(), "version");
    assertThat(version.code()).isZero();
    assertThat(version.out().strip()).isEqualTo(Version.CURRENT);
    assertThat(cli(Map.of(), "--version").out().strip()).isEqualTo(Version.CURRENT);
  }
}
