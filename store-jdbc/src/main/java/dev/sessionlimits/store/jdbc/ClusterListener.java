package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.Session;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One node's ear for the ends of the other nodes of a cluster: a daemon thread on a connection of
 * its own (not from the pool) that polls every {@link #POLL_MILLIS} for the sessions other nodes
 * ended and hands them to {@code heard} (which invalidates this node's cache and tells its
 * listeners). It also LISTENs on {@link ChangeNotices#CHANNEL} and runs {@code changed} when
 * another node saved the settings, and on every new connection (news may have been missed while
 * nobody listened), so the node reads them again at once.
 *
 * <p>Design note: the snapshot chain. Each end records the id of its transaction ({@code end_xid},
 * {@link SessionSql#END}). Each poll is one statement ({@link SessionSql#ENDS_SINCE_SNAPSHOT}) that
 * returns its own snapshot ({@code pg_current_snapshot()}, which is the statement's active
 * snapshot, the one its scans see) and the rows, ended by another node, whose transaction the
 * previous poll's snapshot did not see: {@code end_xid >= xmax} of that snapshot, or among its
 * running transactions ({@code xip}). A transaction below the previous xmax and not in its xip list
 * had finished before that snapshot was taken, so if it committed, the previous poll (or the start
 * of the chain) already saw its rows. So each committed end is delivered in exactly the first poll
 * whose snapshot sees it: no time margin, and a transaction that started before one poll and
 * committed after it (in that poll's xip list) is still found. The xip list is bounded by the
 * number of connections; {@code end_xid} is 64 bits and never wraps; a poll assigns no xid.
 *
 * <p>Liveness. A poll's snapshot is taken after the poll was sent, so once its rows are applied,
 * every end committed before the poll <em>started</em> has been applied here; the thread then
 * records that start as confirmed. The cache trusts its entries only while the last confirmation is
 * younger than {@link #TRUST_WINDOW} ({@link #alive}); an end that a lost or slow connection kept
 * from this node therefore stops working here within that window, because the cache is bypassed.
 * Polls every 100 ms apply ends 100 to 200 ms after their commit. Nothing is sent in the ending
 * transaction: a NOTIFY there takes PostgreSQL's global commit lock for notifications.
 *
 * <p>Reconnecting. When the connection fails (or a poll cannot be read), the thread closes it and
 * connects again, backing off from {@link #MIN_BACKOFF} to {@link #MAX_BACKOFF}. On every new
 * connection it first LISTENs for settings changes and takes the chain's first snapshot, then
 * clears the cache, then announces every session whose end the database recorded since the last
 * confirmation minus {@link #RESYNC_MARGIN} ({@code end_recorded_at}, the database's clock, so the
 * nodes' clocks do not matter), and only then polls and confirms. The first snapshot comes before
 * the clear: an end committed after it is delivered by the chain, one committed before it is gone
 * from the cache with everything else, and a read that filled the cache after the clear saw it.
 * Announcements are therefore at-least-once: after a reconnect, listeners may hear again of
 * sessions they were already told of, including ones this node ended itself.
 */
final class ClusterListener implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ClusterListener.class.getName());

  /** How long a confirmation lets the cache be trusted. */
  static final Duration TRUST_WINDOW = Duration.ofMillis(500);

  /** How often the thread polls for ends (waiting for settings notifications meanwhile). */
  static final int POLL_MILLIS = 100;

  static final Duration MIN_BACKOFF = Duration.ofMillis(50);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  /**
   * How far before the last confirmation a resync looks, for transactions still committing then.
   */
  static final Duration RESYNC_MARGIN = Duration.ofSeconds(10);

  /** Sessions loaded per query, and handed over per call. */
  private static final int LOAD_BATCH = 500;

  private static final String LISTEN_CHANGES = "LISTEN " + ChangeNotices.CHANNEL;

  private static final String SELECT = SessionSql.SELECT;
  private static final String RECORDED_SINCE =
      SELECT
          + " WHERE end_recorded_at >= ?"
          + " ORDER BY end_recorded_at, id FETCH FIRST "
          + LOAD_BATCH
          + " ROWS ONLY";
  private static final String RECORDED_AFTER =
      SELECT
          + " WHERE end_recorded_at >= ?"
          + " AND (end_recorded_at, id) > (?, ?)"
          + " ORDER BY end_recorded_at, id FETCH FIRST "
          + LOAD_BATCH
          + " ROWS ONLY";

  /**
   * What a poll needs of the previous poll's snapshot ({@code xmin:xmax:xip,...}, as PostgreSQL
   * writes a {@code pg_snapshot}): its xmax, and its running transactions as an array literal.
   */
  record Snapshot(String xmax, String running) {
    Snapshot {
      if (!xmax.matches("[0-9]+") || !running.matches("\\{([0-9]+(,[0-9]+)*)?}")) {
        throw new IllegalArgumentException("not a snapshot: " + xmax + " " + running);
      }
    }

    static Snapshot parse(String text) {
      String[] parts = text.split(":", -1);
      if (parts.length != 3) {
        throw new IllegalArgumentException("not a pg_snapshot: " + text);
      }
      return new Snapshot(parts[1], "{" + parts[2] + "}");
    }
  }

  private final String url;
  private final Properties properties;
  private final String nodeId;
  private final SessionCache cache;
  private final Consumer<List<Session>> heard;
  private final Runnable changed;
  private final Thread thread;

  private volatile boolean closed;
  private volatile boolean confirmed;
  private volatile long confirmedNanos;
  private volatile Connection connection;
  private Instant confirmedDbTime;

  /**
   * @param url the PostgreSQL JDBC URL of the cluster's database
   * @param heard told of the sessions other nodes ended (and, after a reconnect, of every session
   *     that may have ended while this node was not listening), after the cache has forgotten them
   * @param changed run when another node announces a settings change, and on every new connection
   */
  ClusterListener(
      String url,
      String nodeId,
      SessionCache cache,
      Consumer<List<Session>> heard,
      Runnable changed) {
    this.url = url;
    this.nodeId = nodeId;
    this.cache = cache;
    this.heard = heard;
    this.changed = changed;
    this.properties = new Properties();
    properties.setProperty("connectTimeout", "3");
    properties.setProperty("loginTimeout", "5");
    properties.setProperty("socketTimeout", "5");
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("ApplicationName", applicationName(nodeId));
    this.thread = new Thread(this::run, "sessionlimits-cluster-listener-" + nodeId);
    thread.setDaemon(true);
  }

  /** The {@code application_name} of the listener's connection in {@code pg_stat_activity}. */
  static String applicationName(String nodeId) {
    return "sessionlimits-listener-" + nodeId;
  }

  void start() {
    thread.start();
  }

  /** Whether the cache may be trusted now: the connection was confirmed within the trust window. */
  boolean alive() {
    return confirmed && System.nanoTime() - confirmedNanos < TRUST_WINDOW.toNanos();
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    Connection current = connection;
    if (current != null) {
      try {
        current.close();
      } catch (SQLException e) {
        LOG.log(Level.DEBUG, () -> "Closing the cluster listener's connection: " + e.getMessage());
      }
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long backoff = MIN_BACKOFF.toMillis();
    boolean lost = false;
    while (!closed) {
      try (Connection c = connect()) {
        connection = c;
        if (closed) {
          return;
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        try (Statement listen = c.createStatement()) {
          listen.execute(LISTEN_CHANGES);
        }
        changed.run();
        Snapshot snapshot = firstSnapshot(c);
        cache.clear();
        if (confirmedDbTime != null) {
          resync(c, confirmedDbTime.minus(RESYNC_MARGIN));
        }
        backoff = MIN_BACKOFF.toMillis();
        boolean first = true;
        try (PreparedStatement poll = c.prepareStatement(SessionSql.ENDS_SINCE_SNAPSHOT)) {
          while (!closed) {
            long start = System.nanoTime();
            snapshot = poll(poll, snapshot);
            confirmedNanos = start;
            confirmed = true;
            if (first) {
              first = false;
              if (lost) {
                lost = false;
                LOG.log(
                    Level.INFO,
                    "Node "
                        + nodeId
                        + " hears the cluster's session ends again;"
                        + " ends it may have missed were announced again");
              }
            }
            awaitNextPoll(pg, start + TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
          }
        }
      } catch (SQLException | RuntimeException e) {
        confirmed = false;
        if (closed) {
          return;
        }
        if (!lost) {
          lost = true;
          LOG.log(
              Level.WARNING,
              "Node "
                  + nodeId
                  + " cannot hear the cluster's session ends ("
                  + describe(e)
                  + "); its cache is bypassed until it can, and it keeps trying");
        } else {
          LOG.log(Level.DEBUG, () -> "Node " + nodeId + " still cannot hear: " + describe(e));
        }
      } finally {
        confirmed = false;
        connection = null;
      }
      if (!sleep(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1))) {
        return;
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
    }
  }

  private Connection connect() throws SQLException {
    Connection c = new org.postgresql.Driver().connect(url, properties);
    if (c == null) {
      throw new SQLException("the PostgreSQL driver does not accept the URL");
    }
    return c;
  }

  /** The snapshot that starts a chain of polls. */
  private Snapshot firstSnapshot(Connection c) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery(SessionSql.SNAPSHOT)) {
      rows.next();
      return Snapshot.parse(rows.getString("snapshot"));
    }
  }

  /**
   * Hands over the ends, by other nodes, that {@code previous} did not see and this poll's snapshot
   * does; the poll's snapshot.
   */
  private Snapshot poll(PreparedStatement poll, Snapshot previous) throws SQLException {
    poll.setString(1, previous.xmax());
    poll.setString(2, nodeId);
    poll.setString(3, previous.running());
    poll.setString(4, nodeId);
    Snapshot snapshot = null;
    Instant dbTime = null;
    List<Session> ended = new ArrayList<>();
    try (ResultSet rows = poll.executeQuery()) {
      while (rows.next()) {
        if (snapshot == null) {
          snapshot = Snapshot.parse(rows.getString("snapshot"));
          dbTime = Sql.instant(rows, "now");
        }
        if (rows.getString("id") != null) {
          Session session = SessionRows.read(rows);
          if (session.end() != null) {
            ended.add(session);
          }
        }
      }
    }
    if (snapshot == null) {
      throw new SQLException("the poll for ends answered no row");
    }
    for (int from = 0; from < ended.size(); from += LOAD_BATCH) {
      heard.accept(ended.subList(from, Math.min(ended.size(), from + LOAD_BATCH)));
    }
    confirmedDbTime = dbTime;
    return snapshot;
  }

  /** Runs {@code changed} for settings notifications until {@code dueNanos} or until closed. */
  private void awaitNextPoll(PGConnection pg, long dueNanos) throws SQLException {
    settingsNotices(pg.getNotifications());
    while (!closed) {
      long left = TimeUnit.NANOSECONDS.toMillis(dueNanos - System.nanoTime());
      if (left <= 0) {
        return;
      }
      // A timeout of 0 would wait for ever.
      settingsNotices(pg.getNotifications((int) Math.max(1, left)));
    }
  }

  /** Runs {@code changed} if another node announced a settings change. */
  private void settingsNotices(PGNotification[] notifications) {
    if (notifications == null) {
      return;
    }
    boolean settingsChanged = false;
    for (PGNotification notification : notifications) {
      if (ChangeNotices.CHANNEL.equals(notification.getName())) {
        ChangeNotices.Notice notice = ChangeNotices.parse(notification.getParameter());
        // One in a format this node does not read is taken as a change: a reload costs little.
        settingsChanged |= notice == null || !notice.origin().equals(nodeId);
      }
    }
    if (settingsChanged) {
      changed.run();
    }
  }

  /** Announces every session whose end was recorded at or after {@code since}. */
  private void resync(Connection c, Instant since) throws SQLException {
    int announced = 0;
    Session last = null;
    Instant lastRecorded = null;
    while (true) {
      List<Session> page = new ArrayList<>();
      Instant pageLast = null;
      String sql = (last == null) ? RECORDED_SINCE : RECORDED_AFTER;
      try (PreparedStatement select = c.prepareStatement(sql)) {
        Sql.setInstant(select, 1, since);
        if (last != null) {
          Sql.setInstant(select, 2, lastRecorded);
          select.setString(3, last.id());
        }
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            page.add(SessionRows.read(rows));
            pageLast = SessionRows.endRecordedAt(rows);
          }
        }
      }
      if (page.isEmpty()) {
        break;
      }
      heard.accept(page);
      announced += page.size();
      last = page.get(page.size() - 1);
      lastRecorded = pageLast;
      if (page.size() < LOAD_BATCH) {
        break;
      }
    }
    if (announced > 0) {
      int count = announced;
      LOG.log(
          Level.INFO,
          () ->
              "Node "
                  + nodeId
                  + " announced "
                  + count
                  + " session ends recorded"
                  + " since "
                  + since
                  + ", while it may not have been listening");
    }
  }

  private boolean sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
      return !closed;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private static String describe(Exception e) {
    return (e instanceof SQLException sql) ? Database.describe(sql) : e.toString();
  }
}
