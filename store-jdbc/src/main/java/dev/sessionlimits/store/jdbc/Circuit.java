package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.StoreUnavailableException;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Whether the database is known to be unavailable, so that calls fail at once instead of each
 * waiting for a connection that will not come.
 *
 * <p>Design note. The circuit opens on the first failure that {@link SqlFailures} calls
 * unavailability (a lost connection, a timeout, a file H2 cannot write). While it is open every
 * call throws {@link StoreUnavailableException} without touching the pool, and one background
 * thread runs the probe at once and then every {@link #PROBE_INTERVAL} (so a single broken
 * connection costs only the moment a new one takes); the first probe that succeeds closes the
 * circuit. Requests never probe. A call that was already running when the circuit opened finishes
 * on its own (bounded by the pool's and driver's timeouts). Closing first runs {@link #onClose}
 * (the store clears its cache: a write that failed may have reached the file after all, so what
 * this node believes about the outage's calls is read again from the database). Opening runs {@code
 * onOpen}, which lets the pool drop its connections (and so does every failed probe): after H2 has
 * closed a database it failed to write, only a new connection opens the file again.
 */
final class Circuit implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Circuit.class.getName());

  /** How often the background probe tries the database while the circuit is open. */
  static final Duration PROBE_INTERVAL = Duration.ofMillis(250);

  /** A check that the database can do the store's work now; throws if it cannot. */
  @FunctionalInterface
  interface Probe {
    void run() throws SQLException;
  }

  private record Outage(String cause, long sinceNanos) {}

  private final String description;
  private final Probe probe;
  private final Runnable onOpen;
  private final AtomicReference<Outage> outage = new AtomicReference<>();
  private final AtomicLong failedProbes = new AtomicLong();
  private volatile Runnable onClose = () -> {};
  private final ScheduledExecutorService prober =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "sessionlimits-store-probe");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * @param description the database, for messages
   * @param probe run in the background while the circuit is open
   * @param onOpen run once each time the circuit opens
   */
  Circuit(String description, Probe probe, Runnable onOpen) {
    this.description = description;
    this.probe = probe;
    this.onOpen = onOpen;
  }

  /** Runs {@code action} each time the circuit closes again, before calls reach the database. */
  void onClose(Runnable action) {
    this.onClose = action;
  }

  /** Whether the database is known to be unavailable. */
  boolean isOpen() {
    return outage.get() != null;
  }

  /** Throws at once if the database is known to be unavailable. */
  void ensureClosed(Supplier<String> what) {
    Outage current = outage.get();
    if (current != null) {
      throw new StoreUnavailableException(
          "Could not "
              + what.get()
              + ": "
              + description
              + " is unavailable ("
              + current.cause()
              + "); it is probed in the background",
          null);
    }
  }

  /** Marks the database unavailable because of {@code cause}, and starts probing it. */
  void open(String cause) {
    if (outage.compareAndSet(null, new Outage(cause, System.nanoTime()))) {
      LOG.log(
          Level.WARNING,
          description
              + " is unavailable ("
              + cause
              + "); calls fail at once"
              + " until a background probe succeeds");
      dropConnections();
      schedule(0);
    }
  }

  private void dropConnections() {
    try {
      onOpen.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Could not drop the pool's connections during an outage", e);
    }
  }

  /** How many probes have failed so far: for tests. */
  long failedProbes() {
    return failedProbes.get();
  }

  @Override
  public void close() {
    prober.shutdownNow();
  }

  private void schedule(long delayMillis) {
    try {
      prober.schedule(this::probeOnce, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closed: nothing to probe for.
    }
  }

  private void probeOnce() {
    Outage current = outage.get();
    if (current == null) {
      return;
    }
    try {
      probe.run();
      onClose.run();
    } catch (SQLException | RuntimeException e) {
      LOG.log(
          Level.DEBUG,
          () ->
              description
                  + " is still unavailable: "
                  + ((e instanceof SQLException sql) ? Database.describe(sql) : e.toString()));
      failedProbes.incrementAndGet();
      dropConnections();
      schedule(PROBE_INTERVAL.toMillis());
      return;
    }
    if (outage.compareAndSet(current, null)) {
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - current.sinceNanos());
      LOG.log(Level.INFO, description + " is available again after " + millis + " ms");
    }
  }
}
