package dev.sessionlimits.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The end of a PostgreSQL transaction that the store's own first statement began ({@link
 * SessionSql#BEGIN}) on a connection in autocommit mode ({@link Database#transactionBegunByWork}).
 * Whether the transaction is still open is asked of the driver (pgjdbc's transaction state, which
 * each of the server's ReadyForQuery messages sets), not of the work, so that no path through the
 * work can leave one open unseen: what the work left open is committed, what a failure broke off is
 * rolled back, and a connection whose transaction cannot be ended is closed, never handed back to
 * the pool with the transaction's locks held. (With the driver's own BEGIN, the pool's rollback
 * would have covered that last case.)
 */
final class BegunTransaction {

  private static final String COMMIT = "COMMIT";
  private static final String ROLLBACK = "ROLLBACK";

  private BegunTransaction() {}

  /** {@code work}, then the end of the transaction it began. */
  static <T> Database.Work<T> around(Database.Work<T> work) {
    return connection -> {
      try {
        T result = work.run(connection);
        if (isOpen(connection)) {
          run(connection, COMMIT);
        }
        return result;
      } catch (Throwable e) {
        rollBack(connection, e);
        throw e;
      }
    };
  }

  /** Whether the server holds a transaction open on {@code connection}. */
  private static boolean isOpen(Connection connection) throws SQLException {
    return connection.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE;
  }

  private static void rollBack(Connection connection, Throwable failure) {
    try {
      if (isOpen(connection)) {
        run(connection, ROLLBACK);
      }
    } catch (SQLException | RuntimeException e) {
      failure.addSuppressed(e);
      try {
        connection.abort(Runnable::run);
      } catch (SQLException | RuntimeException closing) {
        failure.addSuppressed(closing);
      }
    }
  }

  private static void run(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
