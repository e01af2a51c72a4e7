package dev.sessionlimits.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.DuplicateSessionException;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The second half of a login's transaction ({@link JdbcLogins}): it ends the sessions the login
 * planned to end, in ascending id order, and inserts the new session; on PostgreSQL in one round
 * trip that also commits.
 */
final class LoginWrites {

  /** The most sessions a login ends in its second round trip; it ends more one by one. */
  static final int PIPELINED_ENDS = 16;

  private static final String[][] ENDS_AND_INSERT = SessionSql.endsAndInsert(PIPELINED_ENDS);

  /**
   * One session a login ends, as this node sees it, with its end; for an expiry, also the {@code
   * expires_at} stored when the login read it, which the end requires unchanged.
   */
  record PlannedEnd(Session session, SessionEnd end, Instant storedExpiry) {
    PlannedEnd {
      requireNonNull(session, "session");
      requireNonNull(end, "end");
    }
  }

  private final SessionEnds ends;

  LoginWrites(SessionEnds ends) {
    this.ends = ends;
  }

  /**
   * Ends {@code toEnd} one statement each, then inserts {@code session}; the ids it ended. Runs the
   * login again if an expiry was not recorded because the session was extended meanwhile, so it
   * counts again.
   */
  Set<String> endAndInsert(Connection connection, Collection<PlannedEnd> toEnd, Session session)
      throws SQLException {
    Set<String> done = new HashSet<>();
    for (PlannedEnd planned : toEnd) {
      String id = planned.session().id();
      if (ends.end(connection, id, planned.end(), planned.storedExpiry())) {
        done.add(id);
      } else if (planned.storedExpiry() != null && stillUnended(connection, id)) {
        throw extendedMeanwhile(id);
      }
    }
    insert(connection, session);
    return done;
  }

  /**
   * PostgreSQL: {@link #endAndInsert} in one round trip that also commits; the ids it ended. A
   * login that records expiries commits only after checking them, leaving the commit to the caller.
   */
  Set<String> endInsertAndCommit(
      Connection connection, Collection<PlannedEnd> toEnd, Session session) throws SQLException {
    boolean expiries = false;
    for (PlannedEnd planned : toEnd) {
      expiries |= planned.storedExpiry() != null;
    }
    Set<String> done = new HashSet<>();
    try (PreparedStatement statement =
        connection.prepareStatement(ENDS_AND_INSERT[toEnd.size()][expiries ? 0 : 1])) {
      int index = 1;
      for (PlannedEnd planned : toEnd) {
        String id = planned.session().id();
        index =
            SessionRows.bindEnd(
                statement, index, id, planned.end(), planned.storedExpiry(), ends.nodeId());
      }
      SessionRows.bindInsert(statement, index, session);
      try {
        statement.execute();
      } catch (SQLException e) {
        if (Database.isUniqueViolation(e)) {
          throw duplicate(session);
        }
        throw e;
      }
      // One update count per end, in order; then the INSERT's (and the COMMIT's).
      for (PlannedEnd planned : toEnd) {
        if (statement.getUpdateCount() == 1) {
          done.add(planned.session().id());
        }
        statement.getMoreResults();
      }
    }
    if (expiries) {
      for (PlannedEnd planned : toEnd) {
        String id = planned.session().id();
        if (planned.storedExpiry() != null && !done.contains(id) && stillUnended(connection, id)) {
          throw extendedMeanwhile(id);
        }
      }
    }
    return done;
  }

  /** A touch was written since the login's read: the session is live after all, so count again. */
  private static Database.RunAgain extendedMeanwhile(String sessionId) {
    return new Database.RunAgain(
        "session " + sessionId + " was extended while a login counted" + " it as expired");
  }

  private static boolean stillUnended(Connection connection, String sessionId) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SessionSql.STILL_UNENDED)) {
      select.setString(1, sessionId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    }
  }

  static void insert(Connection connection, Session session) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(SessionSql.INSERT)) {
      SessionRows.bindInsert(insert, 1, session);
      insert.executeUpdate();
    } catch (SQLException e) {
      if (Database.isUniqueViolation(e)) {
        throw duplicate(session);
      }
      throw e;
    }
  }

  /** The driver's message would carry the whole token hash; this one names only its prefix. */
  static DuplicateSessionException duplicate(Session session) {
    return new DuplicateSessionException(session.id(), session.tokenHash());
  }
}
