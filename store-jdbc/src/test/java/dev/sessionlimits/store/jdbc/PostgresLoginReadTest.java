package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.unlimited;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.SessionStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A user's logins on PostgreSQL read past that user's ended sessions once, not at every login until
 * VACUUM comes by (issue 19): each login's read walks the live-session index entry by entry, which
 * marks the entries of sessions ended since dead, where a bitmap scan of the same index (the plan
 * PostgreSQL chose before, at about the same cost) never did. Measured on the index itself with
 * pageinspect, with autovacuum off for the table so that nothing else marks or removes entries. The
 * table holds 8,000 sessions of 4,000 other users, analyzed, as one in use: on a table of a few
 * hundred rows PostgreSQL walks the index either way, and the test would not tell the plans apart
 * (with the bitmap plan it counts 8,400 unmarked entries: all 400 of the user's).
 */
class PostgresLoginReadTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private static final int OTHERS = 8000;
  private static final int LOGINS = 400;

  /** Leaf entries of the user index of live sessions not marked dead: live ones and high keys. */
  private static final String UNMARKED_ENTRIES =
      "SELECT count(*) FROM generate_series(1, pg_relation_size('sl_sessions_live_user')"
          + " / current_setting('block_size')::int - 1) AS page,"
          + " LATERAL bt_page_items('sl_sessions_live_user', page::int) AS item"
          + " WHERE (bt_page_stats('sl_sessions_live_user', page::int)).type = 'l'"
          + " AND NOT item.dead";

  @Test
  void aUsersLoginsMarkTheIndexEntriesOfTheSessionsTheyEndedDead() throws Exception {
    try (TestPostgres postgres = TestPostgres.create();
        JdbcStore store = JdbcStore.postgres(postgres.url());
        Connection admin = DriverManager.getConnection(postgres.url());
        Statement sql = admin.createStatement()) {
      sql.execute("ALTER TABLE sl_sessions SET (autovacuum_enabled = false)");
      sql.execute("CREATE EXTENSION IF NOT EXISTS pageinspect");
      SessionStore sessions = store.sessions();
      QuotaPolicy none = unlimited();
      for (int i = 0; i < OTHERS; i++) {
        sessions.open(candidate("other" + i / 2, "10.7.0.1", T0, none), none);
      }
      sql.execute("ANALYZE sl_sessions");
      QuotaPolicy atOne = userLimit(1, ExhaustionAction.DESTROY_OLDEST_SESSION);
      for (int i = 0; i < LOGINS; i++) {
        OpenResult result =
            sessions.open(candidate("hank", "10.7.0.2", T0.plusSeconds(i + 1), atOne), atOne);
        assertThat(result).isInstanceOf(OpenResult.Opened.class);
      }

      long unmarked;
      try (ResultSet rows = sql.executeQuery(UNMARKED_ENTRIES)) {
        rows.next();
        unmarked = rows.getLong(1);
      }

      // The others' entries, hank's live session, the one its last login ended, and a high key per
      // leaf page; without the marking, also every one of the 399 ended before.
      assertThat(unmarked)
          .as("leaf entries not marked dead after %d logins of one user", LOGINS)
          .isBetween((long) OTHERS + 1, (long) OTHERS + 40);
    }
  }
}
