package dev.sessionlimits.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.TokenHash;
import dev.sessionlimits.store.jdbc.JdbcStore;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The big table's fill writes rows the store reads, ends and purges, and keeps the schema. */
class BigTableTest {

  @RegisterExtension static final TestPostgres postgres = TestPostgres.perClass();

  @Test
  void aFilledTableKeepsItsSchemaAndItsRowsAreSessionsTheStoreFindsAndPurges() throws Exception {
    try (JdbcStore store = JdbcStore.using(postgres.dataSource());
        Connection c = postgres.dataSource().getConnection()) {
      List<String> schema = schema(c);

      BigTable.fill(postgres.dataSource()::getConnection, 1_000);

      assertThat(schema(c)).isEqualTo(schema);
      assertThat(count(c, "SELECT count(*) FROM sl_sessions")).isEqualTo(1_000);
      assertThat(count(c, "SELECT count(*) FROM sl_quota_locks WHERE scope = 'user'"))
          .isEqualTo(BigTable.users(1_000));
      SessionStore sessions = store.sessions();
      Lookup live = sessions.find(TokenHash.of(BigTable.tokenSeed(123)), BenchStores.T0);
      assertThat(live).isInstanceOf(Lookup.Live.class);
      Lookup.Live found = (Lookup.Live) live;
      assertThat(found.session().user()).isEqualTo("fu" + 123 % BigTable.users(1_000));
      assertThat(found.session().clientIp()).isEqualTo("10.0.0.1");
      assertThat(sessions.find(TokenHash.of(BigTable.tokenSeed(120)), BenchStores.T0))
          .isInstanceOf(Lookup.Ended.class);
      assertThat(BigTable.sizes(c)).containsKeys("sl_sessions_pk", "sl_sessions_live_expires");

      BigTable.backlog(c, "e1", BenchStores.T0.minusSeconds(30), false, 7);
      BigTable.backlog(c, "x1", BigTable.forgettable(BenchStores.T0).minusSeconds(1), true, 5);

      assertThat(sessions.purge(BenchStores.T0)).isEqualTo(new SessionStore.PurgeResult(7, 5));
      assertThat(count(c, "SELECT count(*) FROM sl_quota_locks WHERE subject LIKE 'bu%'")).isZero();
    }
  }

  /** Every index and constraint on the sessions' table, and every foreign key to it. */
  private static List<String> schema(Connection c) throws SQLException {
    List<String> found = new java.util.ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT indexdef AS d FROM pg_indexes WHERE tablename = 'sl_sessions'"
                    + " UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM"
                    + " pg_constraint WHERE conrelid = 'sl_sessions'::regclass"
                    + " OR confrelid = 'sl_sessions'::regclass ORDER BY 1")) {
      while (r.next()) {
        found.add(r.getString("d"));
      }
    }
    return found;
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
