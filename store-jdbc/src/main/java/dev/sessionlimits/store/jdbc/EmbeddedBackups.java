package dev.sessionlimits.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.StoreUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.zip.ZipFile;
import org.h2.api.ErrorCode;
import org.h2.tools.Restore;

/**
 * Backups of the embedded H2 database: a consistent copy taken while the store is open ({@code
 * BACKUP TO}, which H2 runs against a snapshot while writes go on), and the restore of such a copy
 * into a data directory no process has open. PostgreSQL has its own tools ({@code pg_dump}, {@code
 * pg_restore}).
 */
public final class EmbeddedBackups {

  /** H2's statement; a file name is a string literal there, never a parameter. */
  private static final String BACKUP_TO = "BACKUP TO '%s'";

  private EmbeddedBackups() {}

  /**
   * Writes a zip of {@code store}'s embedded database to {@code zip}, which must not exist yet.
   *
   * @throws IllegalArgumentException if {@code store} is not an embedded database
   * @throws StoreUnavailableException if the copy cannot be written
   */
  public static void backup(JdbcStore store, Path zip) {
    requireNonNull(zip, "zip");
    if (store.database().dialect() != Dialect.H2) {
      throw new IllegalArgumentException(
          "The store is PostgreSQL: back it up with pg_dump, restore with pg_restore");
    }
    if (Files.exists(zip)) {
      throw new IllegalArgumentException("The backup file " + zip + " exists already");
    }
    String file = zip.toAbsolutePath().normalize().toString().replace("'", "''");
    store
        .database()
        .autocommit(
            () -> "back up the embedded database to " + zip,
            connection -> {
              try (Statement statement = connection.createStatement()) {
                statement.execute(String.format(BACKUP_TO, file));
              }
              return null;
            });
  }

  /**
   * Replaces the embedded database in {@code dataDir} with the one in {@code zip}; no process may
   * have the directory's database open.
   *
   * @throws IllegalArgumentException if {@code zip} holds no Sessionlimits database
   */
  public static void restore(Path zip, Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    String entry = JdbcStore.EMBEDDED_NAME + ".mv.db";
    try (ZipFile file = new ZipFile(zip.toFile())) {
      if (file.getEntry(entry) == null) {
        throw new IllegalArgumentException(
            zip + " is no backup of Sessionlimits's embedded database: it holds no " + entry);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(zip + " cannot be read as a zip file: " + e, e);
    }
    try {
      OwnerOnlyFiles.directory(dir);
      Files.deleteIfExists(dir.resolve(entry));
      Restore.execute(zip.toString(), dir.toString(), JdbcStore.EMBEDDED_NAME);
      OwnerOnlyFiles.files(dir, JdbcStore.EMBEDDED_NAME);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not restore into " + dir + ": " + e, e);
    }
  }

  /** Whether {@code failure} of opening an embedded store means another process has it open. */
  public static boolean inUse(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException e && e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
        return true;
      }
    }
    return false;
  }
}
