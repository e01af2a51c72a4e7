package dev.sessionlimits.store.jdbc;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Answers "can the database be reached" within {@link #TIMEOUT_SECONDS}, even when taking a
 * connection from the pool would block much longer: the check runs on its own thread, and callers
 * that arrive while one is still running wait for that one instead of starting another. While the
 * database is known to be unavailable ({@link Database#isKnownDown}) it answers false at once; a
 * failed check marks the database unavailable, as a failed call does.
 *
 * <p>{@link #canWrite} works the same way for the readiness probe, with a write that is rolled
 * back: a database that answers but refuses writes (read-only, disk full) is not ready.
 */
final class HealthCheck {

  private static final System.Logger LOG = System.getLogger(HealthCheck.class.getName());
  static final int TIMEOUT_SECONDS = 1;

  private final DataSource dataSource;
  private final Database db;
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "sessionlimits-store-health");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * The readiness probe's write, rolled back: a row of this node's own, so that probes of several
   * nodes never wait on each other's lock.
   */
  static final String READINESS_WRITE =
      "INSERT INTO sl_secrets (secret_name, secret_value) VALUES (?, 'readiness probe')";

  private final AtomicReference<Future<Boolean>> running = new AtomicReference<>();
  private final AtomicReference<Future<Boolean>> writing = new AtomicReference<>();
  private final String probeName;

  /**
   * @param probeName the key of the row the readiness write inserts (and rolls back)
   */
  HealthCheck(DataSource dataSource, Database db, String probeName) {
    this.dataSource = dataSource;
    this.db = db;
    this.probeName = probeName;
  }

  boolean isHealthy() {
    return answer(running, this::check);
  }

  /** Whether a write (rolled back) succeeds within {@link #TIMEOUT_SECONDS}. */
  boolean canWrite() {
    return answer(writing, this::write);
  }

  private boolean answer(AtomicReference<Future<Boolean>> running, Callable<Boolean> probe) {
    if (db.isKnownDown()) {
      return false;
    }
    Future<Boolean> check = running.get();
    if (check == null || check.isDone()) {
      FutureTask<Boolean> fresh = new FutureTask<>(probe);
      if (running.compareAndSet(check, fresh)) {
        try {
          executor.execute(fresh);
        } catch (RejectedExecutionException e) {
          return false;
        }
        check = fresh;
      } else {
        check = running.get();
      }
    }
    try {
      return check.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  void close() {
    executor.shutdownNow();
  }

  private boolean write() {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement insert = connection.prepareStatement(READINESS_WRITE)) {
        insert.setQueryTimeout(TIMEOUT_SECONDS);
        insert.setString(1, probeName);
        insert.executeUpdate();
      } finally {
        connection.rollback();
        connection.setAutoCommit(true);
      }
      return true;
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, () -> "The store's readiness write failed: " + Database.describe(e));
      if (SqlFailures.classify(e, dataSource) == SqlFailures.Kind.UNAVAILABLE) {
        db.markDown(Database.describe(e));
      }
      return false;
    }
  }

  private boolean check() {
    try (Connection connection = dataSource.getConnection()) {
      if (connection.isValid(TIMEOUT_SECONDS)) {
        return true;
      }
      db.markDown("a connection did not answer the health check");
      return false;
    } catch (SQLException e) {
      LOG.log(Level.DEBUG, () -> "The store's health check failed: " + Database.describe(e));
      if (SqlFailures.classify(e, dataSource) == SqlFailures.Kind.UNAVAILABLE) {
        db.markDown(Database.describe(e));
      }
      return false;
    }
  }
}
