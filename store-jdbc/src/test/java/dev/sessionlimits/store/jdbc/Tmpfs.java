package dev.sessionlimits.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a test's directory, to fill a real file system. Mounting needs root; a
 * test that cannot mount is skipped, except under {@code CI=true}, where it fails. In the test-jar,
 * for the server's tests too.
 */
public final class Tmpfs implements AutoCloseable {

  private final Path mountPoint;

  private Tmpfs(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code size} (mount's {@code size=}, e.g. {@code 24m}) on {@code dir}. */
  public static Tmpfs mount(Path dir, String size) throws IOException {
    int exit = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    if (exit != 0 && !"true".equals(System.getenv("CI"))) {
      assumeTrue(false, "cannot mount a tmpfs here (not root?)");
    }
    assertThat(exit).as("mount -t tmpfs on %s", dir).isZero();
    return new Tmpfs(dir);
  }

  /** The mounted directory. */
  public Path path() {
    return mountPoint;
  }

  /** Writes the file {@code name} in the tmpfs until no space is left; returns its path. */
  public Path fill(String name) throws IOException {
    Path filler = mountPoint.resolve(name);
    ByteBuffer block = ByteBuffer.allocate(64 * 1024);
    try (FileChannel channel =
        FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      while (true) {
        block.clear();
        channel.write(block);
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
    return filler;
  }

  /** Unmounts; fails if anything still holds a file open in it. */
  @Override
  public void close() throws IOException {
    assertThat(run("umount", mountPoint.toString())).as("umount %s", mountPoint).isZero();
  }

  private static int run(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().transferTo(System.err);
    try {
      assertThat(process.waitFor(30, TimeUnit.SECONDS))
          .as("%s finished", String.join(" ", command))
          .isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", command), e);
    }
    return process.exitValue();
  }
}
