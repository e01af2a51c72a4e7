package dev.sessionlimits.server;

import dev.sessionlimits.store.jdbc.EmbeddedBackups;
import dev.sessionlimits.store.jdbc.JdbcStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups of the embedded database asked for while the server runs.
 *
 * <h2>Why a hand-off</h2>
 *
 * H2 in file mode is open in one process only: the serving one. {@code sessionlimits backup} cannot
 * open it, so it writes a request file, {@code <data dir>/backup-requests/<id>.request} holding the
 * target path, and the serving process, which polls that folder, runs H2's {@code BACKUP TO} (a
 * consistent copy while writes go on) and answers with {@code <id>.done} or {@code <id>.failed}
 * (holding the reason). Only who can write in the data directory (its owner: it is {@code
 * rwx------}) can ask. The request is renamed before it is run, so each runs once.
 */
public final class BackupHandOff implements AutoCloseable {

  /** The folder of requests and answers, inside the data directory. */
  public static final String FOLDER = "backup-requests";

  /** How often the serving process looks for requests. */
  public static final Duration POLL = Duration.ofMillis(250);

  private static final Logger LOG = LoggerFactory.getLogger(BackupHandOff.class);

  private final Path folder;
  private final JdbcStore store;
  private final ScheduledExecutorService poller;

  private BackupHandOff(Path dataDir, JdbcStore store) {
    this.folder = dataDir.resolve(FOLDER);
    this.store = store;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sessionlimits-backup-hand-off");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts answering the backup requests in {@code dataDir} with copies of {@code store}. */
  public static BackupHandOff start(Path dataDir, JdbcStore store) {
    BackupHandOff handOff = new BackupHandOff(dataDir.toAbsolutePath().normalize(), store);
    handOff.poller.scheduleWithFixedDelay(handOff::poll, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
    return handOff;
  }

  private void poll() {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (DirectoryStream<Path> requests = Files.newDirectoryStream(folder, "*.request")) {
      for (Path request : requests) {
        answer(request);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not read the backup requests in {}: {}", folder, e.toString());
    }
  }

  private void answer(Path request) throws IOException {
    String name = request.getFileName().toString();
    String id = name.substring(0, name.length() - ".request".length());
    Path taken = folder.resolve(id + ".running");
    Files.move(request, taken, StandardCopyOption.ATOMIC_MOVE);
    Path target = Path.of(Files.readString(taken, StandardCharsets.UTF_8).strip());
    try {
      EmbeddedBackups.backup(store, target);
      LOG.info("Backed up the embedded database to {}, as the command line asked", target);
      reply(id + ".done", target.toString());
    } catch (RuntimeException e) {
      LOG.warn("The backup to {} the command line asked for failed: {}", target, e.toString());
      reply(id + ".failed", String.valueOf(e.getMessage()));
    } finally {
      Files.deleteIfExists(taken);
    }
  }

  /** Writes an answer whole before it appears under its name. */
  private void reply(String name, String text) throws IOException {
    Path partial = folder.resolve(name + ".partial");
    Files.writeString(partial, text, StandardCharsets.UTF_8);
    Files.move(partial, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }
}
