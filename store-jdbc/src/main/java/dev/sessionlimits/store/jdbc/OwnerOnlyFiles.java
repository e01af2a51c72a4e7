package dev.sessionlimits.store.jdbc;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Keeps the embedded store's data directory and files readable by the owner only: they hold
 * password hashes and session data. The directory is made (or tightened to) {@code rwx------},
 * which protects every file in it, including those H2 creates later with the process's umask; the
 * store's own files are also set to {@code rw-------}, for copies taken with their modes. On a file
 * system without POSIX permissions (Windows) nothing is changed.
 */
final class OwnerOnlyFiles {

  private static final System.Logger LOG = System.getLogger(OwnerOnlyFiles.class.getName());
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private OwnerOnlyFiles() {}

  /** Creates {@code dir} (and missing parents) owner-only, or tightens it if it exists. */
  static void directory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Path parent = dir.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      boolean posix =
          Files.getFileStore(parent == null ? dir.getRoot() : parent)
              .supportsFileAttributeView(PosixFileAttributeView.class);
      if (posix) {
        FileAttribute<Set<PosixFilePermission>> ownerOnly =
            PosixFilePermissions.asFileAttribute(DIRECTORY);
        Files.createDirectory(dir, ownerOnly);
      } else {
        Files.createDirectory(dir);
      }
    }
    restrict(dir, DIRECTORY);
  }

  /** Sets every regular file in {@code dir} whose name starts with {@code prefix} to owner-only. */
  static void files(Path dir, String prefix) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*")) {
      for (Path file : files) {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          restrict(file, FILE);
        }
      }
    }
  }

  /**
   * Sets {@code path}'s permissions by its name (chmod), never through an open descriptor: the JDK
   * opens the file to change it without following links, and closing any descriptor of a file
   * releases every POSIX lock this process holds on it, H2's lock on its open database included
   * (another process could then open the same database).
   */
  private static void restrict(Path path, Set<PosixFilePermission> wanted) throws IOException {
    if (Files.getFileAttributeView(path, PosixFileAttributeView.class) == null) {
      return;
    }
    Set<PosixFilePermission> current = Files.getPosixFilePermissions(path);
    if (!current.equals(wanted)) {
      Files.setPosixFilePermissions(path, wanted);
      LOG.log(
          Level.INFO,
          "Set the permissions of {0} from {1} to {2}: it holds password hashes",
          path,
          PosixFilePermissions.toString(current),
          PosixFilePermissions.toString(wanted));
    }
  }
}
