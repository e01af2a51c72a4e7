package dev.sessionlimits.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * What {@link JdbcStore}'s factories share before a store exists: the connection pools' settings
 * (the embedded and the cluster one), the schema migration, and how a failure to connect is told
 * without a JDBC URL's secrets.
 */
final class JdbcSetup {

  private static final int POOL_SIZE = 10;
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration POSTGRES_CONNECTION_TIMEOUT = Duration.ofSeconds(3);

  private JdbcSetup() {}

  static HikariConfig poolConfig(String name, String jdbcUrl, String driver) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(jdbcUrl);
    config.setDriverClassName(driver);
    config.setMaximumPoolSize(POOL_SIZE);
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    return config;
  }

  /**
   * The embedded database's file (without H2's suffix) in {@code dir}, an absolute, normalized
   * path, made first if missing, and readable by its owner only.
   */
  static String embeddedFile(Path dir) {
    String file = dir.resolve(JdbcStore.EMBEDDED_NAME).toString();
    if (file.indexOf(';') >= 0) {
      throw new IllegalArgumentException(
          "The data directory " + dir + " contains ';', which H2 cannot take in a database path");
    }
    try {
      OwnerOnlyFiles.directory(dir);
    } catch (IOException e) {
      throw new StoreUnavailableException(
          "Could not create the data directory " + dir + " readable by its owner only: " + e, e);
    }
    return file;
  }

  /** The embedded store's pool on the H2 database in {@code file} (without H2's suffix). */
  static HikariConfig embeddedPool(String file) {
    String url = "jdbc:h2:file:" + file + ";LOCK_TIMEOUT=10000;TRACE_LEVEL_FILE=0";
    HikariConfig config = poolConfig("sessionlimits-h2", url, "org.h2.Driver");
    config.setUsername("sa");
    config.setPassword("");
    return config;
  }

  /**
   * The cluster store's pool on PostgreSQL: unless the URL says otherwise, connecting gives up
   * after 3 seconds, waiting for a pooled connection after 3 (so an unreachable database fails
   * calls within seconds rather than queueing them), and a silent socket after 10.
   */
  static HikariConfig postgresPool(String jdbcUrl) {
    HikariConfig config = poolConfig("sessionlimits-postgres", jdbcUrl, "org.postgresql.Driver");
    config.addDataSourceProperty("connectTimeout", "3");
    config.addDataSourceProperty("loginTimeout", "5");
    config.addDataSourceProperty("socketTimeout", "10");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.setConnectionTimeout(POSTGRES_CONNECTION_TIMEOUT.toMillis());
    // A borrowed connection idle for a while is checked first; on a silent network that check is
    // part of a lookup's time, so it gets HikariCP's shortest bound. With the lookups' 500 ms for a
    // connection and for each read, a verify gives up within about 0.75 s.
    config.setValidationTimeout(Duration.ofMillis(250).toMillis());
    return config;
  }

  static void migrate(DataSource dataSource, Dialect dialect, String description) {
    try {
      Flyway.configure(JdbcStore.class.getClassLoader())
          .dataSource(dataSource)
          .locations(dialect.migrations())
          .javaMigrations(new IpKeyMigration())
          .table("sessionlimits_schema_history")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StoreUnavailableException(
          "Could not migrate the schema of " + description + " (" + dialect + "): " + rootCause(e),
          e);
    }
  }

  /**
   * Makes a HikariCP pool replace its connections (those in use when they are returned), so that
   * the next call connects anew; other pools are left to find their broken connections themselves.
   */
  static void dropConnections(DataSource dataSource) {
    if (dataSource instanceof HikariDataSource pool && pool.getHikariPoolMXBean() != null) {
      pool.getHikariPoolMXBean().softEvictConnections();
    }
  }

  static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return (root == e) ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
  }

  static String withoutParameters(String jdbcUrl) {
    int query = jdbcUrl.indexOf('?');
    return (query < 0) ? jdbcUrl : jdbcUrl.substring(0, query);
  }
}
