package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.StoreUnavailableException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Runs units of work on a connection, in a transaction or in autocommit mode, retrying those that
 * lost a deadlock or a serialization conflict, and turning every other database failure into a
 * {@link StoreUnavailableException} that names the work and the cause. A transaction returns only
 * once its commit is durable ({@link #persist}).
 */
final class Database {

  private static final System.Logger LOG = System.getLogger(Database.class.getName());

  /** Tries of one unit of work before a deadlock or serialization failure is given up on. */
  private static final int ATTEMPTS = 5;

  /** SQLSTATE of a unique or primary key violation, on both databases. */
  private static final String UNIQUE_VIOLATION = "23505";

  private final DataSource dataSource;
  private final Vendor vendor;
  private final boolean setsIsolation;
  private final boolean flushesH2;

  /**
   * @param setsIsolation whether each transaction must set READ COMMITTED itself, because the pool
   *     is the caller's and may hand out connections at another level
   * @param flushesH2 whether {@link #persist} must flush H2's file ({@link H2Files})
   */
  private Database(DataSource dataSource, Vendor vendor, boolean setsIsolation, boolean flushesH2) {
    this.dataSource = dataSource;
    this.vendor = vendor;
    this.setsIsolation = setsIsolation;
    this.flushesH2 = flushesH2;
  }

  /**
   * A database on {@code dataSource}, whose connection {@code probe} has told its vendor. On H2 it
   * prepares durable commits: by flushing the file after each commit where H2's engine can be
   * reached, or else by {@code SET WRITE_DELAY 0}.
   */
  static Database on(DataSource dataSource, Connection probe, Vendor vendor, boolean setsIsolation)
      throws SQLException {
    boolean flushes = false;
    if (vendor == Vendor.H2) {
      flushes = H2Files.canFlush(probe);
      if (!flushes) {
        try (Statement statement = probe.createStatement()) {
          statement.execute("SET WRITE_DELAY 0");
        }
        LOG.log(Level.WARNING, "H2's file store cannot be reached from this connection, so every"
            + " commit is written through WRITE_DELAY=0, which stops H2 from compacting its file"
            + " while the database is open");
      }
    }
    return new Database(dataSource, vendor, setsIsolation, flushes);
  }

  /** A unit of work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  Vendor vendor() {
    return vendor;
  }

  /**
   * Runs {@code work} in one READ COMMITTED transaction and commits it; rolls back if it throws.
   * {@code work} may run more than once, so it must have no effect outside the transaction. On
   * PostgreSQL its last statement may end with {@code COMMIT} itself, to save a round trip: the
   * driver then knows the transaction is over and sends nothing more to commit.
   */
  <T> T transaction(Supplier<String> what, Work<T> work) {
    return withRetries(what, connection -> {
      if (setsIsolation) {
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      }
      boolean autoCommit = connection.getAutoCommit();
      if (autoCommit) {
        connection.setAutoCommit(false);
      }
      T result;
      try {
        result = work.run(connection);
        connection.commit();
      } catch (Throwable e) {
        rollback(connection, e);
        throw e;
      } finally {
        if (autoCommit) {
          restoreAutoCommit(connection);
        }
      }
      persist(connection);
      return result;
    });
  }

  /**
   * Returns once every commit made so far on {@code connection} would survive the process being
   * killed. PostgreSQL's COMMIT already is durable; H2's is not until its file is written.
   */
  void persist(Connection connection) throws SQLException {
    if (flushesH2) {
      H2Files.flush(connection);
    }
  }

  /** Runs {@code work} with each statement committed on its own. */
  <T> T autocommit(Supplier<String> what, Work<T> work) {
    return withRetries(what, work);
  }

  private <T> T withRetries(Supplier<String> what, Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = dataSource.getConnection()) {
        return work.run(connection);
      } catch (SQLException e) {
        if (!isConflict(e) || attempt == ATTEMPTS) {
          throw unavailable(what.get(), e, attempt);
        }
        LOG.log(Level.DEBUG, () -> "Retrying (" + what.get() + ") after a conflict on " + vendor
            + ": " + describe(e));
        backOff(attempt);
      }
    }
  }

  private StoreUnavailableException unavailable(String what, SQLException cause, int attempts) {
    String tries = (attempts > 1) ? " after " + attempts + " attempts" : "";
    return new StoreUnavailableException(
        "Could not " + what + " on " + vendor + tries + ": " + describe(cause), cause);
  }

  static boolean isUniqueViolation(SQLException e) {
    return UNIQUE_VIOLATION.equals(e.getSQLState());
  }

  /** A deadlock or serialization failure: the work may succeed if run again. */
  static boolean isConflict(SQLException e) {
    for (SQLException next = e; next != null; next = next.getNextException()) {
      String state = next.getSQLState();
      if (next instanceof SQLTransactionRollbackException
          || "40001".equals(state) // serialization failure; H2's deadlock
          || "40P01".equals(state) // PostgreSQL's deadlock
          || "90131".equals(state)) { // H2's concurrent update of a row
        return true;
      }
    }
    return false;
  }

  static String describe(SQLException e) {
    StringBuilder text = new StringBuilder();
    if (e.getSQLState() != null) {
      text.append("SQLSTATE ").append(e.getSQLState()).append(", ");
    }
    text.append(e.getMessage());
    Throwable cause = e.getCause();
    if (cause != null && cause != e && cause.getMessage() != null
        && !text.toString().contains(cause.getMessage())) {
      text.append(" (caused by ").append(cause).append(')');
    }
    return text.toString();
  }

  private static void rollback(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  private static void restoreAutoCommit(Connection connection) {
    try {
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, "Could not restore autocommit on a connection; the pool will replace it", e);
    }
  }

  private static void backOff(int attempt) {
    long millis = ThreadLocalRandom.current().nextLong(1, 10L * attempt + 1);
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
