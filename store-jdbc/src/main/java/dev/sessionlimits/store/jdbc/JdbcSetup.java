package dev.sessionlimits.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.StoreUnavailableException;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * What {@link JdbcStore}'s factories share before a store exists: the connection pool's settings,
 * the schema migration, and how a failure to connect is told without a JDBC URL's secrets.
 */
final class JdbcSetup {

  private static final int POOL_SIZE = 10;
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

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
