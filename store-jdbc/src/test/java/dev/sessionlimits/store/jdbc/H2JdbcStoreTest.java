package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.unlimited;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2JdbcStoreTest extends AbstractJdbcStoreTest {

  @TempDir Path dataDir;

  @Override
  HikariDataSource emptyDatabase() {
    return pool("test", true);
  }

  @Test
  void aCallersPoolWhoseConnectionsDoNotAutocommitStillKeepsEveryLogin() throws Exception {
    try (HikariDataSource manual = pool("manual", false);
        JdbcStore node = JdbcStore.using(manual)) {
      QuotaPolicy one = userLimit(1, ExhaustionAction.DESTROY_OLDEST_SESSION);
      Session limited = candidate("gina", IP_A, T0, one);
      Session free = candidate("hugo", IP_A, T0, unlimited());

      assertThat(node.sessions().open(limited, one)).isInstanceOf(OpenResult.Opened.class);
      assertThat(node.sessions().open(free, unlimited())).isInstanceOf(OpenResult.Opened.class);

      // A statement of an unlimited login, left uncommitted, would be rolled back by the pool.
      try (Connection other = manual.getConnection();
          Statement sql = other.createStatement();
          ResultSet rows =
              sql.executeQuery(
                  "SELECT count(*) FROM sl_sessions WHERE id IN ('"
                      + limited.id()
                      + "', '"
                      + free.id()
                      + "')")) {
        rows.next();
        assertThat(rows.getInt(1)).as("sessions stored").isEqualTo(2);
      }
    }
  }

  private HikariDataSource pool(String name, boolean autoCommit) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + dataDir.resolve(name) + ";LOCK_TIMEOUT=10000");
    config.setUsername("sa");
    config.setPassword("");
    config.setMaximumPoolSize(8);
    config.setAutoCommit(autoCommit);
    return new HikariDataSource(config);
  }
}
