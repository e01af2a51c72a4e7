package dev.sessionlimits.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import javax.sql.DataSource;

/**
 * What a failed database call means, decided in this one place for both databases.
 *
 * <p>Design note. The classes follow HikariCP's test for a connection it must throw away ({@code
 * ProxyConnection.checkException}): SQLSTATE class {@code 08} (connection exception), the server
 * going away ({@code 57P01..57P03}), the driver's disconnect states ({@code 01002}, {@code JZ0C0},
 * {@code JZ0C1}) and {@link SQLTimeoutException}. To those it adds the JDBC exception classes that
 * say the same, PostgreSQL's states for a server that cannot do the work (insufficient resources
 * {@code 53}, system error {@code 58}, a read-only standby {@code 25006}), and H2's error codes for
 * a database file it cannot read or write. Unavailability opens the store's {@link Circuit}.
 * Timeouts that say only that the database is slow or contended (a statement or lock timeout, a
 * pool with every connection in use) are {@link Kind#BUSY}: also "try again", but not an outage.
 * Everything else, a syntax error ({@code 42}), bad data ({@code 22}), a violated constraint
 * ({@code 23}), a missing table, is a programming error: retrying will not help and calling it an
 * outage would hide it.
 */
final class SqlFailures {

  /** What a failure means. */
  enum Kind {
    /** A deadlock or serialization failure: the work may succeed if run again. */
    CONFLICT,
    /** The database cannot be reached or cannot do the work: try again later. */
    UNAVAILABLE,
    /**
     * The call got no connection or lock in time, or its statement was cancelled for taking too
     * long: try again later, but the database itself may be fine.
     */
    BUSY,
    /** The database refused what was asked: a programming error or data it cannot hold. */
    ERROR
  }

  /** HikariCP's connection-fatal SQLSTATEs besides class 08, and a standby after failover. */
  private static final Set<String> UNAVAILABLE_STATES =
      Set.of(
          "57P01", "57P02", "57P03", "01002", "JZ0C0", "JZ0C1", // as HikariCP
          "25006"); // read_only_sql_transaction

  /** A statement cancelled by its timeout (both), a lock not granted in time (PostgreSQL, H2). */
  private static final Set<String> BUSY_STATES = Set.of("57014", "55P03", "HYT00");

  /** Classes of SQLSTATE that mean unavailability: connection, resources, system error. */
  private static final Set<String> UNAVAILABLE_CLASSES = Set.of("08", "53", "58");

  /**
   * H2's error codes (its SQLSTATE is the code) for a database it cannot use: 90028 and 90031 I/O
   * errors, 90030 file corrupted, 90098 database closed (H2 closes itself after a write fails),
   * 90100 no disk space, 90108 out of memory, 90121 database closing, 90067 connection broken.
   */
  private static final Set<String> H2_UNAVAILABLE =
      Set.of("90028", "90031", "90030", "90098", "90100", "90108", "90121", "90067");

  /** Deadlock and serialization failures: 40001 on both, PostgreSQL's 40P01, H2's 90131. */
  private static final Set<String> CONFLICT_STATES = Set.of("40001", "40P01", "90131");

  private SqlFailures() {}

  /**
   * What {@code e} means when {@code source} threw it or a connection from it: as {@link
   * #classify(SQLException)}, but a HikariCP pool that has been closed (the server is stopping) is
   * unavailability too, whatever its exception says.
   */
  static Kind classify(SQLException e, DataSource source) {
    Kind kind = classify(e);
    if (kind == Kind.ERROR && source instanceof HikariDataSource pool && pool.isClosed()) {
      return Kind.UNAVAILABLE;
    }
    return kind;
  }

  /** What {@code e} (with its chained exceptions and causes) means. */
  static Kind classify(SQLException e) {
    Kind kind = Kind.ERROR;
    for (SQLException next = e; next != null; next = next.getNextException()) {
      if (isConflict(next)) {
        return Kind.CONFLICT;
      }
      if (isUnavailable(next)) {
        kind = Kind.UNAVAILABLE;
      } else if (kind == Kind.ERROR && isBusy(next)) {
        kind = Kind.BUSY;
      }
    }
    return kind;
  }

  /**
   * A statement or lock timeout, or a pool that had no free connection in time: HikariCP's timeout
   * carries the state and cause of the last failure to connect when there was one (unavailability),
   * and neither when every connection was simply in use.
   */
  private static boolean isBusy(SQLException e) {
    String state = e.getSQLState();
    return (state != null && BUSY_STATES.contains(state))
        || (e instanceof SQLTransientConnectionException && state == null && e.getCause() == null);
  }

  private static boolean isConflict(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransactionRollbackException
        || (state != null && CONFLICT_STATES.contains(state));
  }

  private static boolean isUnavailable(SQLException e) {
    if ((e instanceof SQLTransientConnectionException && !isBusy(e))
        || e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException
        || (e instanceof SQLTimeoutException && !isBusy(e))) {
      return true;
    }
    String state = e.getSQLState();
    if (state != null
        && (UNAVAILABLE_STATES.contains(state)
            || H2_UNAVAILABLE.contains(state)
            || (state.length() == 5 && UNAVAILABLE_CLASSES.contains(state.substring(0, 2))))) {
      return true;
    }
    // A driver's I/O failure without a state of its own, e.g. H2 failing to write its file.
    for (Throwable cause = e.getCause();
        cause != null && cause != cause.getCause();
        cause = cause.getCause()) {
      if (cause instanceof IOException) {
        return true;
      }
    }
    return false;
  }
}
