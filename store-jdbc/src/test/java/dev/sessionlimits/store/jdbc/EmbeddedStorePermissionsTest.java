package dev.sessionlimits.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's directory and files hold password hashes: the owner alone may read them. */
class EmbeddedStorePermissionsTest {

  @TempDir Path parent;

  @Test
  void aNewDataDirectoryAndItsDatabaseFilesAreTheOwnersOnly() throws Exception {
    Path dataDir = parent.resolve("new/data");

    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      assertThat(store.isHealthy()).isTrue();
    }

    assertThat(mode(dataDir)).isEqualTo("rwx------");
    assertThat(files(dataDir))
        .isNotEmpty()
        .allSatisfy(file -> assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------"));
  }

  @Test
  void anExistingDirectoryAndFilesOpenToOthersAreTightenedAtStart() throws Exception {
    Path dataDir = parent.resolve("data");
    JdbcStore.embedded(dataDir).close();
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (Path file : files(dataDir)) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    JdbcStore.embedded(dataDir).close();

    assertThat(mode(dataDir)).isEqualTo("rwx------");
    assertThat(files(dataDir))
        .allSatisfy(file -> assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------"));
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private static String mode(Path path) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
