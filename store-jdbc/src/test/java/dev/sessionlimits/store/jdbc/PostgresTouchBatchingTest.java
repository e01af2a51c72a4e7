package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.unlimited;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Touches on PostgreSQL are written in batches: few UPDATE statements for many touches, written by
 * the background flush with the right expiry, never an expiry moved backwards, never a touch of an
 * ended session. A statement-level trigger counts the UPDATE statements on {@code sl_sessions}.
 */
class PostgresTouchBatchingTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  private static TestPostgres postgres;
  private JdbcStore node;
  private Connection sql;

  @BeforeAll
  static void createDatabase() throws SQLException {
    postgres = TestPostgres.create();
    postgres.dataSource();
    try (Connection connection = DriverManager.getConnection(postgres.url());
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE test_update_statements (n BIGINT NOT NULL)");
      statement.execute("INSERT INTO test_update_statements VALUES (0)");
      statement.execute(
          "CREATE FUNCTION test_count_update() RETURNS trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN UPDATE test_update_statements SET n = n + 1; RETURN NULL; END $$");
      statement.execute(
          "CREATE TRIGGER test_count_updates AFTER UPDATE ON sl_sessions"
              + " FOR EACH STATEMENT EXECUTE FUNCTION test_count_update()");
    }
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void startNode() throws SQLException {
    postgres.truncate();
    node = JdbcStore.postgres(postgres.url());
    sql = DriverManager.getConnection(postgres.url());
  }

  @AfterEach
  void stopNode() throws SQLException {
    if (node != null) {
      node.close();
    }
    if (sql != null) {
      sql.close();
    }
  }

  @Test
  void manyTouchesBecomeAFewUpdateStatementsWrittenByThemselvesWithTheRightExpiries()
      throws Exception {
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sessions.add(opened(node, candidate("user" + i, "10.6.0." + i, T0, unlimited())));
    }
    long before = updateStatements();
    int steps = 10;

    for (int step = 1; step <= steps; step++) {
      for (Session s : sessions) {
        Lookup touched = node.sessions().touch(s.tokenHash(), T0.plusSeconds(step), IDLE);
        assertThat(((Lookup.Live) touched).session().lastSeenAt()).isEqualTo(T0.plusSeconds(step));
      }
    }
    Instant last = T0.plusSeconds(steps);

    // Written by the background flush, every TouchBatcher.FLUSH_INTERVAL: how soon is a goal of
    // the benchmarks, not of a test on a loaded machine, so the bound here is only generous slack.
    Await.until(
        "every touch is in the database",
        TouchBatcher.FLUSH_INTERVAL.multipliedBy(40),
        () -> sessions.stream().allMatch(s -> last.equals(stored(s.id(), "last_seen_at"))));
    int touches = sessions.size() * steps;
    long statements = updateStatements() - before;
    assertThat(statements)
        .as("UPDATE statements for %d touches", touches)
        .isPositive()
        .isLessThanOrEqualTo(touches / 20);
    for (Session s : sessions) {
      assertThat(stored(s.id(), "expires_at")).isEqualTo(last.plus(IDLE));
    }
  }

  @Test
  void aStaleOrShorterTouchNeverMovesTheStoredExpiryBackwards() throws Exception {
    try (JdbcStore other = JdbcStore.postgres(postgres.url())) {
      Session session = opened(node, candidate("alice", "10.6.1.1", T0, unlimited()));
      node.sessions().touch(session.tokenHash(), T0.plusSeconds(10), IDLE);
      node.touches().flush();
      other.sessions().touch(session.tokenHash(), T0.plusSeconds(20), IDLE);
      other.touches().flush();
      assertThat(stored(session.id(), "last_seen_at")).isEqualTo(T0.plusSeconds(20));

      // This node's cache still holds the touch at 10 s: one at 15 s is stale by now.
      node.sessions().touch(session.tokenHash(), T0.plusSeconds(15), IDLE);
      node.touches().flush();
      assertThat(stored(session.id(), "last_seen_at")).isEqualTo(T0.plusSeconds(20));
      assertThat(stored(session.id(), "expires_at")).isEqualTo(T0.plusSeconds(20).plus(IDLE));

      // A later touch under a halved idle timeout keeps the later expiry.
      Lookup shorter =
          other.sessions().touch(session.tokenHash(), T0.plusSeconds(30), IDLE.dividedBy(2));
      other.touches().flush();
      assertThat(((Lookup.Live) shorter).session().expiresAt())
          .isEqualTo(T0.plusSeconds(20).plus(IDLE));
      assertThat(stored(session.id(), "last_seen_at")).isEqualTo(T0.plusSeconds(30));
      assertThat(stored(session.id(), "expires_at")).isEqualTo(T0.plusSeconds(20).plus(IDLE));
    }
  }

  @Test
  void aQueuedTouchOfASessionEndedMeanwhileIsNotWritten() throws Exception {
    Session session = opened(node, candidate("bob", "10.6.2.1", T0, unlimited()));
    node.touches().flush();
    // On a busy machine the background flush could otherwise write the touch before the end.
    node.touches().holdScheduledFlushes();
    node.sessions().touch(session.tokenHash(), T0.plusSeconds(40), IDLE);
    // Ended behind the store's back, so that no notice drops the queued touch first.
    try (PreparedStatement end =
        sql.prepareStatement(
            "UPDATE sl_sessions SET ended_at = ?,"
                + " end_reason = 'revoked_by_admin' WHERE id = ?")) {
      end.setObject(1, OffsetDateTime.parse("2026-01-05T09:00:30Z"));
      end.setString(2, session.id());
      assertThat(end.executeUpdate()).isEqualTo(1);
    }

    assertThat(node.touches().flush()).isEqualTo(1);

    assertThat(stored(session.id(), "last_seen_at")).isEqualTo(T0);
    assertThat(stored(session.id(), "expires_at")).isEqualTo(T0.plus(IDLE));
  }

  @Test
  void aLoginCountsAnotherNodesQueuedTouchOnlyIfItIsWrittenAndRecordsTheExpiriesItLeftOut()
      throws Exception {
    try (JdbcStore other = JdbcStore.postgres(postgres.url())) {
      QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
      Session first = opened(node, candidate("carol", "10.6.3.1", T0, policy));
      // Touched on the other node a moment before its idle expiry; the touch is still queued.
      Instant justBefore = T0.plus(IDLE).minusMillis(300);
      assertThat(other.sessions().touch(first.tokenHash(), justBefore, IDLE))
          .isInstanceOf(Lookup.Live.class);

      Instant after = T0.plus(IDLE).plusMillis(100);
      OpenResult second =
          node.sessions().open(candidate("carol", "10.6.3.2", after, policy), policy);
      other.touches().flush();

      // Either the touch was written first and the login was refused, or the login recorded the
      // expiry and the touch could no longer revive the session: never two live sessions.
      assertThat(node.sessions().liveSessionsOfUser("carol", after)).hasSize(1);
      if (second instanceof OpenResult.Opened) {
        assertThat(node.sessions().get(first.id()))
            .hasValueSatisfying(
                s -> assertThat(s.end().reason()).isEqualTo(EndReason.IDLE_TIMEOUT));
      }
    }
  }

  @Test
  void closingTheStoreWritesItsQueuedTouches() throws Exception {
    Session session = opened(node, candidate("dave", "10.6.4.1", T0, unlimited()));
    node.sessions().touch(session.tokenHash(), T0.plusSeconds(50), IDLE);

    node.close();
    node = null;

    assertThat(stored(session.id(), "last_seen_at")).isEqualTo(T0.plusSeconds(50));
  }

  @Test
  void aPurgeFirstWritesTheQueuedTouchesSoItDoesNotEndASessionThatWasJustUsed() {
    Session session = opened(node, candidate("erin", "10.6.5.1", T0, unlimited()));
    node.sessions().touch(session.tokenHash(), T0.plus(IDLE).minusSeconds(1), IDLE);

    assertThat(node.sessions().purge(T0.plus(IDLE).plusSeconds(1)).expired()).isZero();

    assertThat(node.sessions().get(session.id()))
        .hasValueSatisfying(s -> assertThat(s.end()).isNull());
    assertThat(stored(session.id(), "last_seen_at")).isEqualTo(T0.plus(IDLE).minusSeconds(1));
  }

  // ---- helpers

  private static Session opened(JdbcStore store, Session candidate) {
    return opened(store, candidate, unlimited());
  }

  private static Session opened(JdbcStore store, Session candidate, QuotaPolicy policy) {
    OpenResult result = store.sessions().open(candidate, policy);
    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    return ((OpenResult.Opened) result).session();
  }

  private long updateStatements() throws SQLException {
    try (Statement statement = sql.createStatement();
        ResultSet rows = statement.executeQuery("SELECT n FROM test_update_statements")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private Instant stored(String sessionId, String column) {
    try (PreparedStatement select =
        sql.prepareStatement("SELECT " + column + " FROM sl_sessions WHERE id = ?")) {
      select.setString(1, sessionId);
      try (ResultSet rows = select.executeQuery()) {
        assertThat(rows.next()).isTrue();
        return Sql.instant(rows, column);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
