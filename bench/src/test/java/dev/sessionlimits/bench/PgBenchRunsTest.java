package dev.sessionlimits.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.TokenHash;
import dev.sessionlimits.store.jdbc.JdbcStore;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgbench's ceiling for the evicting open runs on the store's own schema and writes what the store
 * writes: sessions the store finds, ends it would record, token hashes of its shape.
 */
class PgBenchRunsTest {

  @RegisterExtension static final TestPostgres postgres = TestPostgres.perClass();

  @TempDir Path scripts;

  @BeforeAll
  static void pgbenchRuns() {
    if (!PgBenchRuns.available()) {
      if ("true".equals(System.getenv("CI"))) {
        fail("pgbench (" + PgBenchRuns.PGBENCH + ") cannot be run; it comes with PostgreSQL");
      }
      assumeTrue(false, "pgbench cannot be run here");
    }
  }

  @Test
  void eachEvictingRunEndsItsClientsSessionsAsTheStoreWouldAndLeavesEachClientOneLiveSession()
      throws Exception {
    try (JdbcStore store = JdbcStore.using(postgres.dataSource());
        Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(PgBenchRuns.evictSetUp());
      String url = postgres.url();
      String database = url.substring(url.lastIndexOf('/') + 1).replaceFirst("\\?.*", "");
      PgBenchRuns runs =
          new PgBenchRuns(database, store.nodeId(), scripts, postgres.dataSource()::getConnection);

      assertThat(runs.run("evict", 2, 1, 0)).isPositive();
      long endedByEvict = count(s, "end_node = '" + store.nodeId() + "'");
      assertThat(runs.run("evict-no-notify", 2, 1, 0)).isPositive();

      assertThat(endedByEvict).isPositive();
      assertThat(count(s, "ended_at IS NOT NULL AND end_node IS NULL")).isPositive();
      assertThat(count(s, "ended_at IS NOT NULL AND end_reason <> 'session_limit_reached'"))
          .isZero();
      assertThat(count(s, "end_node IS NOT NULL AND end_xid IS NULL")).isZero();
      assertThat(count(s, "token_hash !~ '^[0-9a-f]{64}$'")).isZero();
      // Each run starts every client's chain anew: one live session for each of the 8 users.
      assertThat(count(s, "ended_at IS NULL")).isEqualTo(8);
      try (ResultSet live =
          s.executeQuery(
              "SELECT token_hash FROM sl_sessions WHERE user_name = 'pgb0' AND ended_at IS NULL")) {
        assertThat(live.next()).isTrue();
        Lookup found = store.sessions().find(new TokenHash(live.getString(1)), Instant.now());
        assertThat(found).isInstanceOf(Lookup.Live.class);
      }
    }
  }

  /** The sessions of pgbench's users for which {@code condition} holds. */
  private static long count(Statement s, String condition) throws SQLException {
    try (ResultSet r =
        s.executeQuery(
            "SELECT count(*) FROM sl_sessions WHERE user_name LIKE 'pgb%' AND " + condition)) {
      r.next();
      return r.getLong(1);
    }
  }
}
