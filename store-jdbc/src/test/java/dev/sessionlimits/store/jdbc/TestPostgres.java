package dev.sessionlimits.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway PostgreSQL database for one test class, created on the server named by {@value
 * #URL_VARIABLE} (default {@value #DEFAULT_URL}) and dropped by {@link #close}.
 *
 * <p>When that server cannot be reached the test class is skipped, with the reason, except when the
 * environment variable {@code CI} is {@code true}: there a missing database is a broken build, so
 * the class fails. In the test-jar, for the server's tests too.
 */
public final class TestPostgres implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  static final String URL_VARIABLE = "SESSIONLIMITS_TEST_PG_URL";
  static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

  private static final String TABLES =
      "sl_sessions, sl_quota_locks, sl_users, sl_settings, sl_audit_events, sl_login_failures,"
          + " sl_secrets, sl_groups, sl_group_members, sl_member_locks, sl_identities,"
          + " sl_totp_factors, sl_recovery_codes, sl_provider_sessions, sl_api_keys,"
          + " sl_logout_tokens";

  private String adminUrl;
  private String name;
  private String url;
  private HikariDataSource dataSource;

  private TestPostgres() {}

  /**
   * A new, empty database, or an aborted (or, under CI, failed) test class if there is no server.
   */
  public static TestPostgres create() {
    TestPostgres database = new TestPostgres();
    database.createDatabase();
    return database;
  }

  /**
   * A database for the test class that registers it ({@code @RegisterExtension static final
   * TestPostgres postgres = TestPostgres.perClass();}): created before its first test, dropped
   * after its last.
   */
  public static TestPostgres perClass() {
    return new TestPostgres();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    createDatabase();
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    if (name != null) {
      close();
    }
  }

  private synchronized void createDatabase() {
    String admin = System.getenv().getOrDefault(URL_VARIABLE, DEFAULT_URL);
    String database =
        "sl_test_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 12)
                .toLowerCase(Locale.ROOT);
    try (Connection connection = DriverManager.getConnection(admin);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      unreachable(admin, e);
    }
    this.adminUrl = admin;
    this.name = database;
    this.url = withDatabase(admin, database);
  }

  private static void unreachable(String adminUrl, SQLException e) {
    String shown = adminUrl.contains("?") ? adminUrl.substring(0, adminUrl.indexOf('?')) : adminUrl;
    String reason =
        "PostgreSQL at "
            + shown
            + " cannot be used ("
            + e.getMessage()
            + "). Start it"
            + " (pg_ctlcluster --skip-systemctl-redirect <version> main start) or point "
            + URL_VARIABLE
            + " at a server where this user may create databases.";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(
          "CI=true, so the PostgreSQL tests fail rather than skip: " + reason, e);
    }
    // Surefire does not print why a whole class was skipped, so say it here too.
    System.err.println("Skipping the PostgreSQL tests: " + reason);
    Assumptions.abort("Skipped: " + reason);
  }

  /** The JDBC URL of this test database. */
  public synchronized String url() {
    return url;
  }

  /** A pool on this test database, made on first use and closed with it; already migrated. */
  public synchronized HikariDataSource dataSource() {
    if (dataSource == null) {
      HikariConfig config = new HikariConfig();
      config.setPoolName("test-" + name);
      config.setJdbcUrl(url);
      config.setMaximumPoolSize(12);
      dataSource = new HikariDataSource(config);
      JdbcStore.using(dataSource).close();
    }
    return dataSource;
  }

  /** Empties every table, as a fresh migration leaves them. */
  public void truncate() throws SQLException {
    try (Connection connection = dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("TRUNCATE " + TABLES + " RESTART IDENTITY");
      statement.execute("UPDATE sl_settings_version SET version = 0");
    }
  }

  @Override
  public synchronized void close() throws SQLException {
    if (dataSource != null) {
      dataSource.close();
      dataSource = null;
    }
    try (Connection admin = DriverManager.getConnection(adminUrl);
        Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  /** {@code url} naming database {@code database} instead of its own. */
  static String withDatabase(String url, String database) {
    int hosts = url.indexOf("//");
    if (!url.startsWith("jdbc:postgresql:") || hosts < 0) {
      throw new IllegalArgumentException(
          URL_VARIABLE + " must look like jdbc:postgresql://host:port/database?user=...");
    }
    int query = url.indexOf('?');
    String parameters = (query < 0) ? "" : url.substring(query);
    String base = (query < 0) ? url : url.substring(0, query);
    int slash = base.indexOf('/', hosts + 2);
    String server = (slash < 0) ? base : base.substring(0, slash);
    return server + "/" + database + parameters;
  }
}
