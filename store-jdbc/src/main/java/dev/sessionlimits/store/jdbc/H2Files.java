package dev.sessionlimits.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.Store;

/**
 * Makes H2 commits durable without giving up H2's housekeeping of its file.
 *
 * <p>H2 (MVStore) writes committed changes to its file from a background thread every {@code
 * WRITE_DELAY} milliseconds (500 by default), so a process killed within that window loses commits
 * it has already confirmed. {@code WRITE_DELAY=0} writes on every commit but also stops that
 * thread, which is the one that compacts the file: without it the file grows by tens of kilobytes
 * per commit and does not shrink while open (750 MB after 10,000 logins and as many touches,
 * against 15 MB with the thread running). So the embedded store keeps the default, and after each
 * commit that must survive it has the MVStore store whatever is unsaved and then waits until H2's
 * writer threads have nothing queued: when {@link #flush} returns, every commit made before it is
 * in the file (in the operating system's cache; H2 does not fsync commits, so this survives a
 * killed process, not a power cut).
 *
 * <p>This reaches into H2's engine ({@code org.h2.engine}, {@code org.h2.mvstore}): public classes,
 * but not H2's supported API. Where they cannot be reached (another H2 version, a TCP connection),
 * {@link #canFlush} says so and the store falls back to {@code WRITE_DELAY=0}.
 */
final class H2Files {

  /** The SQLSTATE H2 gives an I/O error (its error code 90028). */
  private static final String IO_ERROR = "90028";

  private H2Files() {}

  /** Whether {@link #flush} works on {@code connection}'s database. */
  static boolean canFlush(Connection connection) {
    try {
      flush(connection);
      return true;
    } catch (SQLException | RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Returns once every commit made so far on {@code connection}'s database is in its file. */
  static void flush(Connection connection) throws SQLException {
    Object session = connection.unwrap(JdbcConnection.class).getSession();
    if (!(session instanceof SessionLocal local)) {
      throw new SQLException("the connection is not to an H2 database in this process");
    }
    Store store = local.getDatabase().getStore();
    if (store == null) {
      return;
    }
    MVStore mvStore = store.getMvStore();
    try {
      mvStore.commit();
      FileStore<?> file = mvStore.getFileStore();
      if (file != null) {
        file.executeFileStoreOperation(() -> {});
      }
    } catch (RuntimeException e) {
      // H2's own code for an I/O error, so that SqlFailures calls it unavailability.
      throw new SQLException(
          "H2 could not write committed changes to its file: " + e.getMessage(), IO_ERROR, e);
    }
  }
}
