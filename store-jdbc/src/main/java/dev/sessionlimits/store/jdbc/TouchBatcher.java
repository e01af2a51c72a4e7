package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.setInstant;

import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.StoreUnavailableException;
import java.lang.System.Logger.Level;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes touches in batches: a request's touch updates the cached session and is queued here, and a
 * background thread writes the queue every {@link #FLUSH_INTERVAL}, one statement per {@value
 * #MAX_BATCH} sessions ({@code UPDATE ... FROM unnest(...)} on PostgreSQL, a JDBC batch in one
 * transaction on H2).
 *
 * <p>Design note. A queued touch is in no database yet, so everything this node reads from the
 * database is seen through {@link #overlay}, which lays the queued touch of a session over its row.
 * The order that makes this safe:
 *
 * <ol>
 *   <li>A touch enters the queue when the caller's touch is decided, and leaves it only after a
 *       flush that wrote it has committed, and only if no later touch of that session has arrived
 *       since ({@code remove(id, touch)}). So a touch is always either committed or visible to
 *       {@link #overlay}, never neither, even while a flush is in flight.
 *   <li>The write never revives or extends an ended session ({@code ended_at IS NULL}), never puts
 *       {@code last_seen_at} back (only a later touch is written) and never moves {@code
 *       expires_at} backwards ({@code GREATEST}), so a stale or repeated flush, or one from another
 *       node, can only lose to a newer one. {@link #touched} follows the same rule, so the cache,
 *       the overlay and the database agree.
 *   <li>Ends decided from an expiry are conditional on the row's {@code expires_at} being the one
 *       read ({@link SessionEnds}), so a flush that commits in between makes them read again. A
 *       login that leaves a session out of its count because it expired records that expiry in its
 *       own transaction, so a touch of it still queued on another node can no longer revive it: no
 *       limit is exceeded after the fact. The price is that activity in the last flush interval
 *       before a session's idle expiry can be lost to another node that finds it expired.
 * </ol>
 *
 * <p>A flush that fails (database unreachable) leaves the queue as it was; the next one tries
 * again. {@link #close} flushes once more. At most one flush runs at a time.
 */
final class TouchBatcher {

  private static final System.Logger LOG = System.getLogger(TouchBatcher.class.getName());

  /**
   * How often the queue is written: touches reach the database within about this. A session is
   * written at most once a second whatever the interval (touches are coalesced to a second), so a
   * shorter interval costs statements, not row updates; it is what other nodes' view of a session's
   * activity lags behind by, on top of that second.
   */
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(250);

  /** Sessions written per statement. */
  static final int MAX_BATCH = 1000;

  private static final String POSTGRES_FLUSH =
      "UPDATE sl_sessions s SET last_seen_at = t.seen,"
          + " expires_at = GREATEST(s.expires_at, t.expires)"
          + " FROM unnest(?::text[], ?::text[]::timestamptz[], ?::text[]::timestamptz[])"
          + " AS t(id, seen, expires)"
          + " WHERE s.id = t.id AND s.ended_at IS NULL AND s.last_seen_at < t.seen";
  private static final String H2_FLUSH =
      "UPDATE sl_sessions SET last_seen_at = ?, expires_at = GREATEST(expires_at, ?) WHERE id = ?"
          + " AND ended_at IS NULL AND last_seen_at < ?";

  /** A queued touch: the session's new last activity and expiry. */
  record Touch(Instant lastSeenAt, Instant expiresAt) {
    Touch later(Touch other) {
      Instant seen = lastSeenAt.isAfter(other.lastSeenAt) ? lastSeenAt : other.lastSeenAt;
      Instant expires = expiresAt.isAfter(other.expiresAt) ? expiresAt : other.expiresAt;
      return (seen == lastSeenAt && expires == expiresAt) ? this : new Touch(seen, expires);
    }
  }

  private final Database db;
  private final ConcurrentHashMap<String, Touch> pending = new ConcurrentHashMap<>();
  private final ReentrantLock flushing = new ReentrantLock();
  private final AtomicLong statements = new AtomicLong();
  private final ScheduledExecutorService flusher;
  private volatile boolean failing;
  private volatile boolean scheduledFlushesHeld;

  TouchBatcher(Database db) {
    this.db = db;
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "sessionlimits-touch-flusher");
              thread.setDaemon(true);
              return thread;
            });
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    long every = FLUSH_INTERVAL.toMillis();
    executor.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
    this.flusher = executor;
  }

  /**
   * {@code session} after a request at {@code now}: {@link Session#touchedAt}, except that its
   * expiry never moves backwards (a lowered idle timeout applies from the old expiry on), as the
   * flush writes it. Returns {@code session} itself when the touch is coalesced.
   */
  static Session touched(Session session, Instant now, Duration idleTimeout) {
    Session touched = session.touchedAt(now, idleTimeout);
    if (touched == session || !touched.expiresAt().isBefore(session.expiresAt())) {
      return touched;
    }
    return new Session(
        touched.id(),
        touched.tokenHash(),
        touched.user(),
        touched.clientIp(),
        touched.userAgent(),
        touched.device(),
        touched.authMethod(),
        touched.createdAt(),
        touched.lastSeenAt(),
        session.expiresAt(),
        touched.absoluteExpiresAt(),
        touched.end());
  }

  /** Queues {@code touched}'s activity for the next flush. */
  void add(Session touched) {
    pending.merge(touched.id(), new Touch(touched.lastSeenAt(), touched.expiresAt()), Touch::later);
  }

  /** {@code stored}, as read from the database, with this node's queued touch of it laid over. */
  Session overlay(Session stored) {
    if (stored == null || stored.end() != null || pending.isEmpty()) {
      return stored;
    }
    Touch touch = pending.get(stored.id());
    if (touch == null || !touch.lastSeenAt().isAfter(stored.lastSeenAt())) {
      return stored;
    }
    Instant expires =
        touch.expiresAt().isAfter(stored.expiresAt()) ? touch.expiresAt() : stored.expiresAt();
    return new Session(
        stored.id(),
        stored.tokenHash(),
        stored.user(),
        stored.clientIp(),
        stored.userAgent(),
        stored.device(),
        stored.authMethod(),
        stored.createdAt(),
        touch.lastSeenAt(),
        expires,
        stored.absoluteExpiresAt(),
        null);
  }

  /** Drops the queued touch of a session that has ended: writing it would change nothing. */
  void forget(String sessionId) {
    pending.remove(sessionId);
  }

  /** How many sessions have a touch queued. */
  int queued() {
    return pending.size();
  }

  /** How many flush statements (or H2 batches) have been run: for tests. */
  long statements() {
    return statements.get();
  }

  /**
   * Writes every touch queued when it starts; returns how many sessions that was.
   *
   * @throws StoreUnavailableException if the database cannot be written; the queue is kept
   */
  int flush() {
    flushing.lock();
    try {
      if (pending.isEmpty()) {
        return 0;
      }
      List<Map.Entry<String, Touch>> all = new ArrayList<>(pending.size());
      for (Map.Entry<String, Touch> entry : pending.entrySet()) {
        all.add(Map.entry(entry.getKey(), entry.getValue()));
      }
      // One order for every writer of several session rows, so batches rarely wait in a cycle.
      all.sort(Map.Entry.comparingByKey());
      for (int from = 0; from < all.size(); from += MAX_BATCH) {
        List<Map.Entry<String, Touch>> batch =
            all.subList(from, Math.min(all.size(), from + MAX_BATCH));
        write(batch);
        for (Map.Entry<String, Touch> written : batch) {
          pending.remove(written.getKey(), written.getValue());
        }
      }
      return all.size();
    } finally {
      flushing.unlock();
    }
  }

  /** Stops the background flushes and writes what is queued; a failure is logged. */
  void close() {
    flusher.shutdownNow();
    try {
      flusher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      flush();
    } catch (StoreUnavailableException e) {
      LOG.log(
          Level.WARNING,
          "The last touches of "
              + pending.size()
              + " sessions could not be"
              + " written on close; their latest activity is lost, so they may expire early: "
              + e.getMessage());
    }
  }

  /**
   * Stops the background flush from writing until {@link #resumeScheduledFlushes}: for tests that
   * must change a row between queueing a touch and flushing it themselves.
   */
  void holdScheduledFlushes() {
    scheduledFlushesHeld = true;
  }

  /** Undoes {@link #holdScheduledFlushes}. */
  void resumeScheduledFlushes() {
    scheduledFlushesHeld = false;
  }

  private void flushQuietly() {
    if (scheduledFlushesHeld) {
      return;
    }
    try {
      flush();
      if (failing) {
        failing = false;
        LOG.log(Level.INFO, "Queued touches are written again");
      }
    } catch (StoreUnavailableException e) {
      if (!failing) {
        failing = true;
        LOG.log(
            Level.WARNING,
            "Could not write the touches of "
                + pending.size()
                + " sessions;"
                + " they stay queued and are tried again every "
                + FLUSH_INTERVAL.toMillis()
                + " ms: "
                + e.getMessage());
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "Writing queued touches failed unexpectedly; tried again later", e);
    }
  }

  private void write(List<Map.Entry<String, Touch>> batch) {
    if (db.dialect().takesArrays()) {
      db.autocommit(
          () -> "write the touches of " + batch.size() + " sessions",
          connection -> {
            writePostgres(connection, batch);
            return null;
          });
    } else {
      db.transaction(
          () -> "write the touches of " + batch.size() + " sessions",
          connection -> {
            writeEach(connection, batch);
            return null;
          });
    }
    statements.incrementAndGet();
  }

  private static void writePostgres(Connection connection, List<Map.Entry<String, Touch>> batch)
      throws SQLException {
    int n = batch.size();
    String[] ids = new String[n];
    String[] seen = new String[n];
    String[] expires = new String[n];
    for (int i = 0; i < n; i++) {
      Map.Entry<String, Touch> entry = batch.get(i);
      ids[i] = entry.getKey();
      seen[i] = Sql.micros(entry.getValue().lastSeenAt()).toString();
      expires[i] = Sql.micros(entry.getValue().expiresAt()).toString();
    }
    Array idArray = connection.createArrayOf("text", ids);
    Array seenArray = connection.createArrayOf("text", seen);
    Array expiresArray = connection.createArrayOf("text", expires);
    try (PreparedStatement update = connection.prepareStatement(POSTGRES_FLUSH)) {
      update.setArray(1, idArray);
      update.setArray(2, seenArray);
      update.setArray(3, expiresArray);
      update.executeUpdate();
    } finally {
      idArray.free();
      seenArray.free();
      expiresArray.free();
    }
  }

  private static void writeEach(Connection connection, List<Map.Entry<String, Touch>> batch)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(H2_FLUSH)) {
      for (Map.Entry<String, Touch> entry : batch) {
        setInstant(update, 1, entry.getValue().lastSeenAt());
        setInstant(update, 2, entry.getValue().expiresAt());
        update.setString(3, entry.getKey());
        setInstant(update, 4, entry.getValue().lastSeenAt());
        update.addBatch();
      }
      update.executeBatch();
    }
  }
}
