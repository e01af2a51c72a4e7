package dev.sessionlimits.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.sessionlimits.core.StoreUnavailableException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Runs units of work on a connection, in a transaction or in autocommit mode, retrying those that
 * lost a deadlock or a serialization conflict. Other failures are thrown as {@link SqlFailures}
 * classifies them: unavailability as {@link StoreUnavailableException}, which also opens the {@link
 * Circuit} so that calls fail at once until a background probe finds the database back; anything
 * else as {@link StoreErrorException}. Each names the work and the cause. A transaction returns
 * only once its commit is durable ({@link #persist}).
 */
final class Database implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Database.class.getName());

  /** Tries of one unit of work before a deadlock or serialization failure is given up on. */
  private static final int ATTEMPTS = 5;

  /** SQLSTATE of a unique or primary key violation, on both databases. */
  private static final String UNIQUE_VIOLATION = "23505";

  /** How long a lookup waits for a pooled connection, and on PostgreSQL for each read. */
  static final Duration LOOKUP_TIMEOUT = Duration.ofMillis(500);

  /** How long the background probe waits for PostgreSQL to answer on a connection. */
  private static final int PROBE_TIMEOUT_SECONDS = 1;

  /**
   * The probe's write on H2: a no-op update of a row every schema has, which still makes H2 write
   * to its file, so a probe succeeds only once the file can be written again.
   */
  private static final String H2_WRITE_PROBE =
      "UPDATE sl_settings_version SET version = version WHERE id = 1";

  /** Makes H2 write every commit to its file before the commit returns. */
  private static final String H2_WRITE_AT_COMMIT = "SET WRITE_DELAY 0";

  private final DataSource dataSource;
  private final Dialect dialect;
  private final boolean setsIsolation;
  private final boolean flushesH2;
  private final Circuit circuit;
  private volatile Consumer<SqlFailures.Kind> failures = kind -> {};

  /**
   * @param setsIsolation whether each transaction must set READ COMMITTED itself, because the pool
   *     is the caller's and may hand out connections at another level
   * @param flushesH2 whether {@link #persist} must flush H2's file ({@link H2Files})
   */
  private Database(
      DataSource dataSource,
      Dialect dialect,
      boolean setsIsolation,
      boolean flushesH2,
      String description,
      Runnable dropConnections) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.setsIsolation = setsIsolation;
    this.flushesH2 = flushesH2;
    this.circuit = new Circuit(description, this::probe, dropConnections);
  }

  /**
   * A database on {@code dataSource}, whose connection {@code probe} has told its dialect. On H2 it
   * prepares durable commits: by flushing the file after each commit where H2's engine can be
   * reached, or else by {@code SET WRITE_DELAY 0}.
   *
   * @param description the database, for messages
   * @param dropConnections makes the pool replace its connections; run when the database is found
   *     unavailable
   */
  static Database on(
      DataSource dataSource,
      Connection probe,
      Dialect dialect,
      boolean setsIsolation,
      String description,
      Runnable dropConnections)
      throws SQLException {
    boolean flushes = false;
    if (dialect == Dialect.H2) {
      flushes = H2Files.canFlush(probe);
      if (!flushes) {
        try (Statement statement = probe.createStatement()) {
          statement.execute(H2_WRITE_AT_COMMIT);
        }
        LOG.log(
            Level.WARNING,
            "H2's file store cannot be reached from this connection, so every commit is written"
                + " through WRITE_DELAY=0, which stops H2 from compacting its file while the"
                + " database is open");
      }
    }
    return new Database(dataSource, dialect, setsIsolation, flushes, description, dropConnections);
  }

  /**
   * Thrown by a unit of work that must run again from its start (after a rollback, in a
   * transaction) because what it read changed under it; retried like a deadlock, and after {@link
   * #ATTEMPTS} runs answered as one: "try again" ({@link StoreUnavailableException}).
   */
  static final class RunAgain extends SQLException {

    private static final long serialVersionUID = 1L;

    RunAgain(String why) {
      super(why);
    }
  }

  /** A unit of work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  Dialect dialect() {
    return dialect;
  }

  /**
   * Runs {@code work} in one READ COMMITTED transaction and commits it; rolls back if it throws.
   * {@code work} may run more than once, so it must have no effect outside the transaction. On
   * PostgreSQL its last statement may end with {@code COMMIT} itself, to save a round trip: the
   * driver then knows the transaction is over and sends nothing more to commit.
   */
  <T> T transaction(Supplier<String> what, Work<T> work) {
    return withRetries(
        what,
        false,
        connection -> {
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
   * {@link #transaction} on PostgreSQL for {@code work} whose first statement is {@link
   * SessionSql#BEGIN}, sent together with the statements after it. The connection stays in
   * autocommit mode, so the driver sends no BEGIN of its own: pgjdbc sends its BEGIN as a simple
   * query, which the server answers and flushes by itself, one more packet each way and often one
   * more wake-up of the waiting thread for each transaction (docs/benchmarks.md). Commits what
   * {@code work} left open, and rolls back if it throws ({@link BegunTransaction}).
   */
  <T> T transactionBegunByWork(Supplier<String> what, Work<T> work) {
    return withRetries(
        what, false, connection -> autocommitted(connection, BegunTransaction.around(work)));
  }

  /**
   * {@code work} on {@code connection} in autocommit mode, restoring the mode it was in; a failure
   * to restore it never hides why {@code work} failed.
   */
  private static <T> T autocommitted(Connection connection, Work<T> work) throws SQLException {
    if (connection.getAutoCommit()) {
      return work.run(connection);
    }
    connection.setAutoCommit(true);
    T result;
    try {
      result = work.run(connection);
    } catch (Throwable e) {
      try {
        connection.setAutoCommit(false);
      } catch (SQLException | RuntimeException restoring) {
        e.addSuppressed(restoring);
      }
      throw e;
    }
    connection.setAutoCommit(false);
    return result;
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

  /**
   * Runs {@code work} with each statement committed on its own, also on a caller's pool whose
   * connections do not autocommit (their statements would otherwise be rolled back when the
   * connection goes back to the pool).
   */
  <T> T autocommit(Supplier<String> what, Work<T> work) {
    return withRetries(what, false, connection -> autocommitted(connection, work));
  }

  /**
   * {@link #autocommit} for the lookups of the verify path, which must fail well under a second:
   * the wait for a pooled connection and, on PostgreSQL, a silent socket are each bounded by {@link
   * #LOOKUP_TIMEOUT}.
   */
  <T> T lookup(Supplier<String> what, Work<T> work) {
    return withRetries(what, true, connection -> autocommitted(connection, work));
  }

  /** Whether the database is known to be unavailable: calls fail at once while it is. */
  boolean isKnownDown() {
    return circuit.isOpen();
  }

  /** Runs {@code action} each time the database is found available again after an outage. */
  void afterRecovery(Runnable action) {
    circuit.onClose(action);
  }

  /** Tells {@code observer} the kind of every failed call, retried conflicts included. */
  void observeFailures(Consumer<SqlFailures.Kind> observer) {
    this.failures = observer;
  }

  /** Marks the database unavailable, as a failed call would: for the health check. */
  void markDown(String cause) {
    circuit.open(cause);
  }

  /** How many background probes have failed so far: for tests. */
  long failedProbes() {
    return circuit.failedProbes();
  }

  @Override
  public void close() {
    circuit.close();
  }

  private <T> T withRetries(Supplier<String> what, boolean lookup, Work<T> work) {
    circuit.ensureClosed(what);
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = lookup ? lookupConnection() : dataSource.getConnection()) {
        return work.run(connection);
      } catch (SQLException e) {
        SqlFailures.Kind kind =
            (e instanceof RunAgain)
                ? SqlFailures.Kind.CONFLICT
                : SqlFailures.classify(e, dataSource);
        failures.accept(kind);
        if (kind == SqlFailures.Kind.CONFLICT && attempt < ATTEMPTS) {
          LOG.log(
              Level.DEBUG,
              () ->
                  "Retrying ("
                      + what.get()
                      + ") after a conflict on "
                      + dialect
                      + ": "
                      + describe(e));
          backOff(attempt);
          continue;
        }
        String message =
            "Could not "
                + what.get()
                + " on "
                + dialect
                + ((attempt > 1) ? " after " + attempt + " attempts" : "")
                + ": "
                + describe(e);
        if (kind == SqlFailures.Kind.ERROR) {
          throw new StoreErrorException(message, e);
        }
        if (kind == SqlFailures.Kind.UNAVAILABLE) {
          circuit.open(describe(e));
        }
        // BUSY (no connection or lock in time, a statement timeout) is 503 too, but says nothing
        // about the database being down, so it leaves the circuit closed.
        throw new StoreUnavailableException(message, e);
      }
    }
  }

  /**
   * A connection for a lookup: from a HikariCP pool within {@link #LOOKUP_TIMEOUT} rather than the
   * pool's own timeout (HikariPool's public {@code getConnection(timeout)}, which {@code
   * HikariDataSource} does not offer), and on PostgreSQL with reads that give up after as long
   * (HikariCP restores the connection's network timeout when it is returned).
   */
  private Connection lookupConnection() throws SQLException {
    long millis = LOOKUP_TIMEOUT.toMillis();
    Connection connection =
        (dataSource instanceof HikariDataSource hikari
                && !hikari.isClosed()
                && hikari.getHikariPoolMXBean() instanceof HikariPool pool)
            ? pool.getConnection(millis)
            : dataSource.getConnection();
    if (dialect == Dialect.POSTGRESQL) {
      try {
        connection.setNetworkTimeout(Runnable::run, (int) millis);
      } catch (SQLException | RuntimeException e) {
        connection.close();
        throw e;
      }
    }
    return connection;
  }

  /**
   * Whether the database can do the store's work now, on a new connection from the pool: on
   * PostgreSQL that it answers within {@link #PROBE_TIMEOUT_SECONDS}, on H2 that a commit reaches
   * its file. Throws if not.
   */
  private void probe() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      if (dialect == Dialect.H2) {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
          statement.executeUpdate(H2_WRITE_PROBE);
          connection.commit();
        } catch (SQLException e) {
          rollback(connection, e);
          throw e;
        } finally {
          restoreAutoCommit(connection);
        }
        if (flushesH2) {
          H2Files.flush(connection);
        }
      } else if (!connection.isValid(PROBE_TIMEOUT_SECONDS)) {
        throw new SQLException(
            "the database did not answer within " + PROBE_TIMEOUT_SECONDS + " s", "08006");
      }
    }
  }

  static boolean isUniqueViolation(SQLException e) {
    return UNIQUE_VIOLATION.equals(e.getSQLState());
  }

  /**
   * Whether {@code e}, or an exception chained to it (as a batch's are), has one of {@code states}.
   */
  static boolean hasState(SQLException e, Set<String> states) {
    for (SQLException next = e; next != null; next = next.getNextException()) {
      if (states.contains(String.valueOf(next.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  /** {@code e} as a {@link RunAgain} saying {@code why} if {@code again}, else {@code e} itself. */
  static SQLException runAgainIf(boolean again, SQLException e, String why) {
    if (!again) {
      return e;
    }
    RunAgain run = new RunAgain(why);
    run.initCause(e);
    return run;
  }

  static String describe(SQLException e) {
    StringBuilder text = new StringBuilder();
    if (e.getSQLState() != null) {
      text.append("SQLSTATE ").append(e.getSQLState()).append(", ");
    }
    text.append(e.getMessage());
    Throwable cause = e.getCause();
    if (cause != null
        && cause != e
        && cause.getMessage() != null
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
      LOG.log(
          Level.DEBUG, "Could not restore autocommit on a connection; the pool will replace it", e);
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
