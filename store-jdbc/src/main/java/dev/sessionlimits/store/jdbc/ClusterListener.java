package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.Session;
import java.lang.System.Logger.Level;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One node's ear for the ends of the other nodes of a cluster: a daemon thread on a connection of
 * its own (not from the pool) that LISTENs on {@link EndNotices#CHANNEL}, loads the sessions other
 * nodes ended and hands them to {@code heard} (which invalidates this node's cache and tells its
 * listeners). It also LISTENs on {@link ChangeNotices#CHANNEL} and runs {@code changed} when
 * another node saved the settings, and on every new connection (news may have been missed while
 * nobody listened), so the node reads them again at once.
 *
 * <p>Design note: liveness. Each round the thread makes a round trip ({@code SELECT
 * clock_timestamp()}), applies every notification that arrived up to its answer, and only then
 * records the time the round trip <em>started</em> as confirmed. PostgreSQL signals listening
 * backends when a NOTIFY commits, and a backend sends the notifications it was signalled before it
 * reports ready for the next query; so every end committed before that start has been applied when
 * the confirmation is recorded. The cache trusts its entries only while the last confirmation is
 * younger than {@link #TRUST_WINDOW} ({@link #alive}); an end that a lost or slow connection kept
 * from this node therefore stops working here within that window, because the cache is bypassed.
 * Between round trips the thread waits up to {@link #POLL_MILLIS} for notifications, so ends are
 * usually applied within milliseconds.
 *
 * <p>Reconnecting. When the connection fails (or a notification cannot be loaded), the thread
 * closes it and connects again, backing off from {@link #MIN_BACKOFF} to {@link #MAX_BACKOFF}. On
 * every new connection it first LISTENs, then clears the cache (entries loaded while nobody
 * listened may be stale), then announces every session whose end the database recorded since the
 * last confirmation minus {@link #RESYNC_MARGIN} ({@code end_recorded_at}, the database's clock, so
 * the nodes' clocks do not matter), and only then confirms. Announcements are therefore
 * at-least-once: after a reconnect, listeners may hear again of sessions they were already told of,
 * including ones this node ended itself.
 */
final class ClusterListener implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ClusterListener.class.getName());

  /** How long a confirmation lets the cache be trusted. */
  static final Duration TRUST_WINDOW = Duration.ofMillis(500);

  /** The longest wait for notifications between two round trips. */
  static final int POLL_MILLIS = 100;

  static final Duration MIN_BACKOFF = Duration.ofMillis(50);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  /**
   * How far before the last confirmation a resync looks, for transactions still committing then.
   */
  static final Duration RESYNC_MARGIN = Duration.ofSeconds(10);

  /** Sessions loaded per query. */
  private static final int LOAD_BATCH = 500;

  private static final String LISTEN_ENDS = "LISTEN " + EndNotices.CHANNEL;
  private static final String LISTEN_CHANGES = "LISTEN " + ChangeNotices.CHANNEL;

  /** The database's time now, not its transaction's. */
  private static final String DB_TIME = "SELECT clock_timestamp() AS now";

  private static final String SELECT = SessionSql.SELECT;
  private static final String BY_IDS = SELECT + " WHERE id = ANY (?)";
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
          listen.execute(LISTEN_ENDS);
          listen.execute(LISTEN_CHANGES);
        }
        changed.run();
        cache.clear();
        if (confirmedDbTime != null) {
          resync(c, confirmedDbTime.minus(RESYNC_MARGIN));
        }
        backoff = MIN_BACKOFF.toMillis();
        boolean first = true;
        while (!closed) {
          long start = System.nanoTime();
          Instant dbTime = roundTrip(c);
          deliver(c, pg.getNotifications());
          confirmedDbTime = dbTime;
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
                      + " listens for the cluster's session ends again;"
                      + " ends it may have missed were announced again");
            }
          }
          deliver(c, pg.getNotifications(POLL_MILLIS));
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
                  + " cannot listen for the cluster's session ends ("
                  + describe(e)
                  + "); its cache is bypassed until it can, and it keeps trying");
        } else {
          LOG.log(Level.DEBUG, () -> "Node " + nodeId + " still cannot listen: " + describe(e));
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

  private static Instant roundTrip(Connection c) throws SQLException {
    try (Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery(DB_TIME)) {
      rows.next();
      return Sql.instant(rows, "now");
    }
  }

  /** Loads and hands over the sessions that other nodes' notifications name. */
  private void deliver(Connection c, PGNotification[] notifications) throws SQLException {
    if (notifications == null || notifications.length == 0) {
      return;
    }
    Set<String> ids = new LinkedHashSet<>();
    boolean settingsChanged = false;
    for (PGNotification notification : notifications) {
      if (ChangeNotices.CHANNEL.equals(notification.getName())) {
        ChangeNotices.Notice notice = ChangeNotices.parse(notification.getParameter());
        // One in a format this node does not read is taken as a change: a reload costs little.
        settingsChanged |= notice == null || !notice.origin().equals(nodeId);
        continue;
      }
      if (!EndNotices.CHANNEL.equals(notification.getName())) {
        continue;
      }
      EndNotices.Notice notice = EndNotices.parse(notification.getParameter());
      if (notice == null) {
        LOG.log(
            Level.WARNING,
            "Ignoring a notification on "
                + EndNotices.CHANNEL
                + " in a format this node does not read");
      } else if (!notice.origin().equals(nodeId)) {
        ids.addAll(notice.sessionIds());
      }
    }
    if (settingsChanged) {
      changed.run();
    }
    List<String> all = new ArrayList<>(ids);
    for (int from = 0; from < all.size(); from += LOAD_BATCH) {
      List<String> batch = all.subList(from, Math.min(all.size(), from + LOAD_BATCH));
      List<Session> ended = new ArrayList<>(batch.size());
      Array array = c.createArrayOf("text", batch.toArray(new String[0]));
      try (PreparedStatement select = c.prepareStatement(BY_IDS)) {
        select.setArray(1, array);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            Session session = SessionRows.read(rows);
            if (session.end() != null) {
              ended.add(session);
            }
          }
        }
      } finally {
        array.free();
      }
      heard.accept(ended);
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
