package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.unlimited;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.UserStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the parts of {@link AbstractJdbcStoreTest} share: the store under test and its parts, the
 * sessions it announced as ended, the times and addresses the tests use, and helpers.
 */
interface JdbcStoreUnderTest {

  Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  String IP_A = "203.0.113.7";
  String IP_B = "198.51.100.4";

  /** The purge batch of the store under test. */
  int BATCH = 3;

  /** The pool on this test's own empty database. */
  HikariDataSource pool();

  /** The store under test, on {@link #pool}, with a purge batch of {@link #BATCH}. */
  JdbcStore store();

  /** {@link #store}'s sessions. */
  SessionStore sessions();

  /** {@link #store}'s users. */
  UserStore users();

  /** {@link #store}'s settings. */
  SettingsStore settings();

  /** {@link #store}'s audit log. */
  AuditLog audit();

  /** The sessions {@link #sessions} announced to its subscribers as ended, in order. */
  List<Session> announced();

  /** Opens {@code candidate} with no limits; its timeouts are already in it. */
  default Session opened(Session candidate) {
    return opened(candidate, unlimited());
  }

  /** Opens {@code candidate} under {@code policy}; it must be admitted. */
  default Session opened(Session candidate, QuotaPolicy policy) {
    OpenResult result = sessions().open(candidate, policy);
    assertThat(result).as("opening %s", candidate.id()).isInstanceOf(OpenResult.Opened.class);
    return ((OpenResult.Opened) result).session();
  }

  /**
   * Waits until another connection is waiting for a lock that {@code holder}'s transaction holds
   * (PostgreSQL: {@code pg_blocking_pids}; H2: {@code INFORMATION_SCHEMA.SESSIONS.BLOCKER_ID}), and
   * checks that {@code waiter} is still not done, so the race a test names is the one it runs.
   * Fails if the waiter finishes, or nobody waits within ten seconds.
   */
  default void awaitALockWaitOn(Connection holder, CompletableFuture<?> waiter)
      throws SQLException {
    boolean postgres = Dialect.of(holder) == Dialect.POSTGRESQL;
    long holderId;
    try (Statement statement = holder.createStatement();
        ResultSet rows =
            statement.executeQuery(
                postgres ? "SELECT pg_backend_pid() AS id" : "SELECT SESSION_ID() AS id")) {
      rows.next();
      holderId = rows.getLong("id");
    }
    String waiters =
        postgres
            ? "SELECT COUNT(*) AS waiters FROM pg_stat_activity WHERE ? = ANY"
                + " (pg_blocking_pids(pid))"
            : "SELECT COUNT(*) AS waiters FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID = ?";
    Await.until(
        "a connection waits for a lock held by " + holderId,
        Duration.ofSeconds(10),
        () -> {
          assertThat(waiter).as("the waiter, which must wait for the holder's lock").isNotDone();
          try (Connection connection = pool().getConnection();
              PreparedStatement select = connection.prepareStatement(waiters)) {
            if (postgres) {
              select.setInt(1, (int) holderId);
            } else {
              select.setLong(1, holderId);
            }
            try (ResultSet rows = select.executeQuery()) {
              rows.next();
              return rows.getLong("waiters") > 0;
            }
          } catch (SQLException e) {
            throw new AssertionError(e);
          }
        });
    assertThat(waiter).isNotDone();
  }

  /** Inserts {@code session} as a row of {@code sl_sessions} on {@code connection}. */
  static void insertRow(Connection connection, Session session) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO sl_sessions (id, token_hash, user_name, client_ip, user_agent,"
                + " auth_method, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?)")) {
      insert.setString(1, session.id());
      insert.setString(2, session.tokenHash().hex());
      insert.setString(3, session.user());
      insert.setString(4, session.clientIp());
      insert.setString(5, session.userAgent());
      insert.setString(6, session.authMethod());
      insert.setObject(7, OffsetDateTime.ofInstant(session.createdAt(), ZoneOffset.UTC));
      insert.setObject(8, OffsetDateTime.ofInstant(session.lastSeenAt(), ZoneOffset.UTC));
      insert.setObject(9, OffsetDateTime.ofInstant(session.expiresAt(), ZoneOffset.UTC));
      insert.executeUpdate();
    }
  }

  /** Runs {@code sql} on a connection of its own from {@link #pool}. */
  default void execute(String sql) throws SQLException {
    try (Connection connection = pool().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** The quota lock rows as {@code scope:subject}. */
  default List<String> lockRows() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = pool().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT scope, subject FROM sl_quota_locks")) {
      while (result.next()) {
        rows.add(result.getString(1) + ":" + result.getString(2));
      }
    }
    return rows;
  }
}
