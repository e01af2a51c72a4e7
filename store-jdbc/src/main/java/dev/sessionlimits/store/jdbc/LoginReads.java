package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.setInstant;

import dev.sessionlimits.core.Session;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The first half of a login's transaction ({@link JdbcLogins}): it locks the quota rows of the
 * scopes that limit the login, address first, then user, and only then reads those scopes' unended
 * sessions, statement by statement on H2 and in one round trip on PostgreSQL.
 */
final class LoginReads {

  static final String USER = "user";
  static final String IP = "ip";

  /** The unended sessions a login read, each as stored and as this node sees it, live or not. */
  static final class Unended {
    final Map<String, Session> stored = new HashMap<>();
    final Map<String, Session> expired = new HashMap<>();
    final Map<String, Session> ofUser = new LinkedHashMap<>();
    final Map<String, Session> fromIp = new LinkedHashMap<>();
  }

  private final NodeView view;
  private final boolean together;

  LoginReads(Dialect dialect, NodeView view) {
    this.view = view;
    this.together = dialect.sendsStatementsTogether();
  }

  /**
   * Locks the quota rows of the limited scopes and reads their unended sessions into {@code
   * unended}; false if a quota row is missing.
   */
  boolean lockAndRead(
      Connection connection,
      Session session,
      boolean userLimited,
      boolean ipLimited,
      Instant now,
      Unended unended)
      throws SQLException {
    return together
        ? inOneRoundTrip(connection, session, userLimited, ipLimited, now, unended)
        : oneByOne(connection, session, userLimited, ipLimited, now, unended);
  }

  /** Inserts the lock row of {@code subject}, outside any login's transaction, if it is missing. */
  static void createLockRow(Connection connection, String scope, String subject, Instant now)
      throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(SessionSql.CREATE_LOCK)) {
      insert.setString(1, scope);
      insert.setString(2, subject);
      setInstant(insert, 3, now);
      insert.setString(4, scope);
      insert.setString(5, subject);
      insert.executeUpdate();
    } catch (SQLException e) {
      if (!Database.isUniqueViolation(e)) {
        throw e;
      }
    }
  }

  private boolean oneByOne(
      Connection connection,
      Session session,
      boolean userLimited,
      boolean ipLimited,
      Instant now,
      Unended unended)
      throws SQLException {
    if ((ipLimited && !lock(connection, IP, session.clientIp()))
        || (userLimited && !lock(connection, USER, session.user()))) {
      return false;
    }
    if (userLimited) {
      read(connection, SessionSql.UNENDED_OF_USER, session.user(), now, unended, unended.ofUser);
    }
    if (ipLimited) {
      read(
          connection, SessionSql.UNENDED_FROM_IP, session.clientIp(), now, unended, unended.fromIp);
    }
    return true;
  }

  /**
   * The same statements as {@link #oneByOne}, sent together (with the driver's BEGIN) as one
   * prepared statement and answered in one round trip.
   */
  private boolean inOneRoundTrip(
      Connection connection,
      Session session,
      boolean userLimited,
      boolean ipLimited,
      Instant now,
      Unended unended)
      throws SQLException {
    String sql =
        !ipLimited
            ? SessionSql.LOCK_AND_READ_USER
            : userLimited ? SessionSql.LOCK_AND_READ_BOTH : SessionSql.LOCK_AND_READ_IP;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int index = 1;
      if (ipLimited) {
        statement.setString(index++, IP);
        statement.setString(index++, session.clientIp());
      }
      if (userLimited) {
        statement.setString(index++, USER);
        statement.setString(index++, session.user());
        statement.setString(index++, session.user());
      }
      if (ipLimited) {
        statement.setString(index, session.clientIp());
      }
      statement.execute();
      statement.getMoreResults(); // past BEGIN and PLAIN_INDEX_SCANS, which have no rows
      statement.getMoreResults();
      int locks = (ipLimited && userLimited) ? 2 : 1;
      for (int i = 0; i < locks; i++) {
        try (ResultSet rows = statement.getResultSet()) {
          if (!rows.next()) {
            return false;
          }
        }
        statement.getMoreResults();
      }
      if (userLimited) {
        try (ResultSet rows = statement.getResultSet()) {
          collect(rows, now, unended, unended.ofUser);
        }
        statement.getMoreResults();
      }
      if (ipLimited) {
        try (ResultSet rows = statement.getResultSet()) {
          collect(rows, now, unended, unended.fromIp);
        }
      }
      return true;
    }
  }

  private void read(
      Connection connection,
      String sql,
      String key,
      Instant now,
      Unended unended,
      Map<String, Session> live)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, key);
      try (ResultSet rows = select.executeQuery()) {
        collect(rows, now, unended, live);
      }
    }
  }

  /**
   * Reads unended sessions of one user or address: each row as stored into {@code unended}, and as
   * this node sees it ({@link NodeView#overlay}) into {@code live} or the expired ones by {@code
   * now}.
   */
  private void collect(ResultSet rows, Instant now, Unended unended, Map<String, Session> live)
      throws SQLException {
    while (rows.next()) {
      Session row = SessionRows.read(rows);
      unended.stored.put(row.id(), row);
      Session seen = view.overlay(row);
      if (seen.isLive(now)) {
        live.put(seen.id(), seen);
      } else {
        unended.expired.put(seen.id(), seen);
      }
    }
  }

  private static boolean lock(Connection connection, String scope, String subject)
      throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement(SessionSql.LOCK)) {
      lock.setString(1, scope);
      lock.setString(2, subject);
      try (ResultSet rows = lock.executeQuery()) {
        return rows.next();
      }
    }
  }
}
