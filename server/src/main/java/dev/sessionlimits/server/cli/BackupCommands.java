package dev.sessionlimits.server.cli;

import dev.sessionlimits.server.BackupHandOff;
import dev.sessionlimits.server.ServerConfig;
import dev.sessionlimits.store.jdbc.EmbeddedBackups;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sessionlimits backup} and {@code restore}: of the embedded database only. */
final class BackupCommands {

  private static final String POSTGRES =
      "The store is PostgreSQL (SESSIONLIMITS_DB_URL): back it up with pg_dump and restore it"
          + " with pg_restore, which work while servers run.";

  private BackupCommands() {}

  private static ServerConfig embedded(Cli cli) {
    ServerConfig config = Admin.config(cli.env);
    if (config.dbUrl() != null) {
      throw new CliFailure(Cli.USAGE, POSTGRES);
    }
    return config;
  }

  /** {@code sessionlimits backup FILE}. */
  @Command(
      name = "backup",
      mixinStandardHelpOptions = true,
      description =
          "Write a zip of the embedded database to FILE; safe while the server runs (the server"
              + " writes it).")
  static final class Backup implements Callable<Integer> {

    @ParentCommand private Cli cli;
    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The zip to write; must not exist.")
    private Path file;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "120",
        description = "How long to wait for a running server's backup (default ${DEFAULT-VALUE}).")
    private long timeoutSeconds;

    @Override
    public Integer call() {
      ServerConfig config = embedded(cli);
      Path target = file.toAbsolutePath().normalize();
      if (Files.exists(target)) {
        throw new CliFailure(Cli.FAILED, "The backup file " + target + " exists already");
      }
      try (Admin admin = Admin.open(cli.env)) {
        EmbeddedBackups.backup(admin.store, target);
      } catch (CliFailure e) {
        if (e.exitCode() != Cli.IN_USE) {
          throw e;
        }
        handOff(config.dataDir().toAbsolutePath().normalize(), target);
      }
      spec.commandLine().getOut().println("Backed up the embedded database to " + target);
      return Cli.DONE;
    }

    /** Asks the running server for the backup and waits for its answer. */
    private void handOff(Path dataDir, Path target) {
      Path folder = dataDir.resolve(BackupHandOff.FOLDER);
      String id = UUID.randomUUID().toString();
      try {
        Files.createDirectories(folder);
        Path partial = folder.resolve(id + ".partial");
        Files.writeString(partial, target.toString(), StandardCharsets.UTF_8);
        Files.move(partial, folder.resolve(id + ".request"), StandardCopyOption.ATOMIC_MOVE);
        Path done = folder.resolve(id + ".done");
        Path failed = folder.resolve(id + ".failed");
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (System.nanoTime() < deadline) {
          if (Files.exists(done)) {
            Files.delete(done);
            return;
          }
          if (Files.exists(failed)) {
            String reason = Files.readString(failed, StandardCharsets.UTF_8);
            Files.delete(failed);
            throw new CliFailure(Cli.FAILED, "The running server's backup failed: " + reason);
          }
          LockSupport.parkNanos(BackupHandOff.POLL.toNanos() / 2);
        }
        boolean untaken = Files.deleteIfExists(folder.resolve(id + ".request"));
        throw new CliFailure(
            Cli.IN_USE,
            "The embedded database is in use, and "
                + (untaken
                    ? "no running server took the backup request within "
                    : "the running server's backup took longer than ")
                + timeoutSeconds
                + " s. Is it a Sessionlimits server of version 0.2.0 or later?");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** {@code sessionlimits restore FILE}. */
  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      description =
          "Replace the embedded database with the backup in FILE; only while the server is"
              + " stopped.")
  static final class Restore implements Callable<Integer> {

    @ParentCommand private Cli cli;
    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A zip written by `sessionlimits backup`.")
    private Path file;

    @Override
    public Integer call() {
      ServerConfig config = embedded(cli);
      if (!Files.isRegularFile(file)) {
        throw new CliFailure(Cli.USAGE, "There is no backup file " + file);
      }
      // Opening the store first refuses when a server runs (exit 3); it is closed at once.
      Admin.open(cli.env).close();
      try {
        EmbeddedBackups.restore(file, config.dataDir());
      } catch (IllegalArgumentException e) {
        throw new CliFailure(Cli.FAILED, e.getMessage());
      }
      spec.commandLine()
          .getOut()
          .println(
              "Restored "
                  + file
                  + " into "
                  + config.dataDir().toAbsolutePath().normalize()
                  + "; start the server.");
      return Cli.DONE;
    }
  }
}
