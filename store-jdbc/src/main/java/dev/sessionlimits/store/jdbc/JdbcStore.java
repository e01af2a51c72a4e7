package dev.sessionlimits.store.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.Immediate;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.SessionListener;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.core.ThrottleStore;
import dev.sessionlimits.core.TokenHash;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Sessions, users, settings, the audit log and the login throttle's counts in one JDBC database: an H2 file database (the
 * embedded store of a single server) or PostgreSQL (shared by every node of a cluster). Session limits
 * hold exactly however many nodes share the database: {@link #open} takes its locks in the database,
 * not in this JVM.
 *
 * <p>Every factory migrates the schema before it returns (Flyway; tables prefixed {@code sl_}, history
 * in {@code sessionlimits_schema_history}). A database that cannot be reached, written or that
 * times out makes a call throw {@link StoreUnavailableException} ("try again"); once it is known
 * to be unavailable, every call throws that at once, without waiting, until a background probe
 * finds it back (at once, then every 250 ms), and {@link #isHealthy} answers false meanwhile. Any
 * other database failure (a programming error) is thrown as {@link StoreErrorException}. Both say
 * what could not be done and why. Instants are kept to the microsecond. Only the SHA-256 of a
 * token is stored.
 *
 * <p>The embedded store and {@link #postgres} keep a node-local cache of live sessions for
 * {@link #find} and {@link #touch}, and write touches in batches at least once a second; on
 * PostgreSQL every node hears of the sessions the other nodes end, within a second, and tells its
 * own {@link #subscribe} listeners (at least once: after a lost connection to the database, a
 * listener may hear of an end again), and of the settings changes they save ({@link #changeStamp}).
 * A store made with {@link #using} reads and writes the database on every call, and on PostgreSQL
 * still tells the other nodes of its ends and settings changes.
 *
 * <p>The store is thread-safe. Close it to release its pool (when the store made the pool), after
 * writing the touches still queued.
 */
public final class JdbcStore
    implements SessionStore, UserStore, SettingsStore, AuditLog, ThrottleStore, AutoCloseable {

  /** The file name of the embedded database in its data directory (H2 adds {@code .mv.db}). */
  static final String EMBEDDED_NAME = "sessionlimits";

  /** Rows purge handles per statement or transaction. */
  static final int PURGE_BATCH = 500;

  private static final int POOL_SIZE = 10;
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);
  private static final SecureRandom NODE_IDS = new SecureRandom();

  /**
   * How long a PostgreSQL call waits for a pooled connection, so an unreachable database fails calls
   * within seconds rather than queueing them.
   */
  private static final Duration POSTGRES_CONNECTION_TIMEOUT = Duration.ofSeconds(3);

  /** How a store uses its database beyond the SQL every store runs. */
  private enum Mode {
    /** Every call reads and writes the database: {@link #using}. */
    DIRECT,
    /** A cache that is always trusted and batched touches: the only node of an embedded database. */
    EMBEDDED,
    /** A cache trusted while the cluster listener is confirmed alive, and batched touches. */
    CLUSTER
  }

  private final HikariDataSource ownPool;
  private final ClusterListener listener;
  private final JdbcSessions sessions;
  private final JdbcUsers users;
  private final JdbcSettings settings;
  private final JdbcAuditLog audit;
  private final JdbcThrottle throttle;
  private final JdbcPasswordEntries passwordEntries;
  private final HealthCheck health;
  /** Moved by the cluster listener: see {@link #changeStamp}. */
  private final AtomicLong settingsChanges = new AtomicLong();
  private final Database db;

  /**
   * @param mode how the sessions use the database
   * @param place the embedded database's file (for {@link Mode#EMBEDDED}) or the URL the cluster
   *     listener connects to (for {@link Mode#CLUSTER}); null otherwise
   */
  private JdbcStore(DataSource dataSource, HikariDataSource ownPool, String description,
      int purgeBatch, Mode mode, String place) {
    Vendor vendor;
    try (Connection connection = dataSource.getConnection()) {
      vendor = Vendor.of(connection);
    } catch (SQLException e) {
      throw new StoreUnavailableException("Could not connect to " + description + ": "
          + Database.describe(e), e);
    }
    migrate(dataSource, vendor, description);
    Database db;
    try (Connection connection = dataSource.getConnection()) {
      db = Database.on(dataSource, connection, vendor, ownPool == null, description,
          () -> dropConnections(dataSource));
    } catch (SQLException e) {
      throw new StoreUnavailableException("Could not prepare durable commits on " + description
          + ": " + Database.describe(e), e);
    }
    this.ownPool = ownPool;
    String nodeId = newNodeId();
    AtomicReference<ClusterListener> ear = new AtomicReference<>();
    SessionCache cache = switch (mode) {
      case DIRECT -> null;
      case EMBEDDED -> new SessionCache(() -> true);
      case CLUSTER -> new SessionCache(() -> {
        ClusterListener current = ear.get();
        return current != null && current.alive();
      });
    };
    if (mode == Mode.EMBEDDED) {
      cache.sharedBy(place);
    }
    if (cache != null) {
      db.afterRecovery(cache::clear);
    }
    this.sessions = new JdbcSessions(db, purgeBatch, nodeId, cache);
    if (mode == Mode.CLUSTER) {
      ClusterListener started = new ClusterListener(place, nodeId, cache, sessions::heard,
          settingsChanges::incrementAndGet);
      ear.set(started);
      started.start();
      this.listener = started;
    } else {
      this.listener = null;
    }
    this.users = new JdbcUsers(db);
    this.settings = new JdbcSettings(db, nodeId);
    this.audit = new JdbcAuditLog(db);
    this.throttle = new JdbcThrottle(db);
    this.passwordEntries = new JdbcPasswordEntries(db);
    this.db = db;
    this.health = new HealthCheck(dataSource, db);
  }

  /**
   * Makes a HikariCP pool replace its connections (those in use when they are returned), so that
   * the next call connects anew; other pools are left to find their broken connections themselves.
   */
  private static void dropConnections(DataSource dataSource) {
    if (dataSource instanceof HikariDataSource pool && pool.getHikariPoolMXBean() != null) {
      pool.getHikariPoolMXBean().softEvictConnections();
    }
  }

  /**
   * The embedded store: an H2 database in the file {@code sessionlimits.mv.db} under
   * {@code dataDir}, both created if missing. The directory is made readable by its owner only
   * ({@code rwx------}, also when it exists) and the database's files {@code rw-------}: they hold
   * password hashes. Every change is in the file before the call that made
   * it returns, so a confirmed login survives the process being killed. One process at a time may
   * open a data directory. H2 keeps replaced data for 45 seconds before it reuses the space, so under
   * sustained writes the file is larger than its contents (roughly 40 KB per write in the last 45
   * seconds); it is compacted while idle and on close. If a write fails (a full disk), H2 closes the
   * database; the call and those after it throw {@link StoreUnavailableException}, and a background
   * probe reopens the file and commits a test write, at once and then every 250 ms, until one
   * succeeds.
   *
   * @throws StoreUnavailableException if the directory or the database cannot be opened or migrated
   */
  public static JdbcStore embedded(Path dataDir) {
    requireNonNull(dataDir, "dataDir");
    Path dir = dataDir.toAbsolutePath().normalize();
    String file = dir.resolve(EMBEDDED_NAME).toString();
    if (file.indexOf(';') >= 0) {
      throw new IllegalArgumentException("The data directory " + dir
          + " contains ';', which H2 cannot take in a database path");
    }
    try {
      OwnerOnlyFiles.directory(dir);
    } catch (IOException e) {
      throw new StoreUnavailableException("Could not create the data directory " + dir
          + " readable by its owner only: " + e, e);
    }
    HikariConfig config = poolConfig("sessionlimits-h2",
        "jdbc:h2:file:" + file + ";LOCK_TIMEOUT=10000", "org.h2.Driver");
    config.setUsername("sa");
    config.setPassword("");
    JdbcStore store = withPool(config, "the embedded database in " + dir, Mode.EMBEDDED, file);
    try {
      OwnerOnlyFiles.files(dir, EMBEDDED_NAME);
    } catch (IOException e) {
      store.close();
      throw new StoreUnavailableException("Could not make the files of the embedded database in "
          + dir + " readable by their owner only: " + e, e);
    }
    return store;
  }

  /**
   * The cluster store on the PostgreSQL database at {@code jdbcUrl}, for example
   * {@code jdbc:postgresql://127.0.0.1:5432/sessionlimits?user=sessionlimits&password=...}. Any number
   * of nodes may open it at once: limits hold exactly across them, and each one's
   * {@link #subscribe} listeners hear of the sessions every node ends. Besides its pool the store
   * keeps one connection of its own that LISTENs for those ends.
   *
   * <p>When the database cannot be reached, every call throws {@link StoreUnavailableException}
   * within seconds: unless the URL says otherwise, connecting gives up after 3 seconds, waiting for
   * a pooled connection after 3, and a silent socket after 10; a lookup ({@link #find},
   * {@link #touch}) waits at most 500 ms for a pooled connection and for each read. After the first
   * such failure every call fails at once until a background probe reaches the database again. The
   * store resumes by itself once the database is back.
   *
   * @throws StoreUnavailableException if the database cannot be reached or migrated
   */
  public static JdbcStore postgres(String jdbcUrl) {
    return postgres(jdbcUrl, jdbcUrl);
  }

  /** {@link #postgres(String)}, its cluster listener connecting to {@code listenerUrl}: for tests. */
  static JdbcStore postgres(String jdbcUrl, String listenerUrl) {
    requireNonNull(jdbcUrl, "jdbcUrl");
    requireNonNull(listenerUrl, "listenerUrl");
    String shown = withoutParameters(jdbcUrl);
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("A PostgreSQL JDBC URL starts with jdbc:postgresql:, got "
          + shown);
    }
    HikariConfig config = poolConfig("sessionlimits-postgres", jdbcUrl, "org.postgresql.Driver");
    config.addDataSourceProperty("connectTimeout", "3");
    config.addDataSourceProperty("loginTimeout", "5");
    config.addDataSourceProperty("socketTimeout", "10");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    config.setConnectionTimeout(POSTGRES_CONNECTION_TIMEOUT.toMillis());
    // A borrowed connection idle for a while is checked first; on a silent network that check is
    // part of a lookup's time, so it gets HikariCP's shortest bound. With the lookups' 500 ms for a
    // connection and for each read, a verify gives up within about 0.75 s.
    config.setValidationTimeout(Duration.ofMillis(250).toMillis());
    return withPool(config, "PostgreSQL at " + shown, Mode.CLUSTER, listenerUrl);
  }

  /**
   * A store on {@code dataSource}, an H2 or PostgreSQL database, migrated first. The caller owns the
   * data source: {@link #close} leaves it open. Its pool should allow as many connections as logins
   * may run at once; logins beyond that wait for a connection. If it is a HikariCP pool, the store
   * has it replace its connections whenever it finds the database unavailable.
   *
   * @throws StoreUnavailableException if the database cannot be reached or migrated
   */
  public static JdbcStore using(DataSource dataSource) {
    return using(dataSource, PURGE_BATCH);
  }

  static JdbcStore using(DataSource dataSource, int purgeBatch) {
    requireNonNull(dataSource, "dataSource");
    return new JdbcStore(dataSource, null, "the given data source", purgeBatch, Mode.DIRECT, null);
  }

  /**
   * Whether the database answers a cheap query: false at once while it is known to be unavailable
   * (on H2 also while its file cannot be written), else within about a second; never throws.
   */
  public boolean isHealthy() {
    return health.isHealthy();
  }

  /**
   * This store's id in the cluster: sixteen random hex digits, new for every store instance. The
   * notices of the sessions it ends carry it (so its own listener skips them), and on PostgreSQL
   * its listening connection shows in {@code pg_stat_activity} as {@code application_name}
   * {@code sessionlimits-listener-<node id>}.
   */
  public String nodeId() {
    return sessions.nodeId();
  }

  /**
   * Stops listening to the other nodes, writes the queued touches, stops telling listeners, and
   * closes the pool if this store made it.
   */
  @Override
  public void close() {
    if (listener != null) {
      listener.close();
    }
    sessions.close();
    health.close();
    db.close();
    if (ownPool != null) {
      ownPool.close();
    }
  }

  // ---- SessionStore

  @Override
  public OpenResult open(Session candidate, QuotaPolicy policy) {
    return sessions.open(candidate, policy);
  }

  @Override
  public OpenResult open(Session candidate, QuotaPolicy policy, TokenHash supersedes) {
    return sessions.open(candidate, policy, supersedes);
  }

  @Override
  public Lookup find(TokenHash tokenHash, Instant now) {
    return sessions.find(tokenHash, now);
  }

  @Override
  public Lookup touch(TokenHash tokenHash, Instant now, Duration idleTimeout) {
    return sessions.touch(tokenHash, now, idleTimeout);
  }

  /** From this node's cache of live sessions, while it may be trusted; null otherwise. */
  @Override
  public Immediate<Lookup> findWithoutWaiting(TokenHash tokenHash, Instant now) {
    return sessions.findWithoutWaiting(tokenHash, now);
  }

  /**
   * From this node's cache of live sessions, while it may be trusted, the touch queued for the next
   * batch; null otherwise.
   */
  @Override
  public Immediate<Lookup> touchWithoutWaiting(TokenHash tokenHash, Instant now,
      Duration idleTimeout) {
    return sessions.touchWithoutWaiting(tokenHash, now, idleTimeout);
  }

  @Override
  public Optional<Session> get(String sessionId) {
    return sessions.get(sessionId);
  }

  @Override
  public Optional<Session> end(String sessionId, SessionEnd end) {
    return sessions.end(sessionId, end);
  }

  @Override
  public List<Session> liveSessionsOfUser(String user, Instant now) {
    return sessions.liveSessionsOfUser(user, now);
  }

  @Override
  public List<Session> liveSessionsFrom(String clientIp, Instant now) {
    return sessions.liveSessionsFrom(clientIp, now);
  }

  @Override
  public List<Session> liveSessions(Instant now) {
    return sessions.liveSessions(now);
  }

  @Override
  public PurgeResult purge(Instant now) {
    return sessions.purge(now);
  }

  @Override
  public boolean recordPasswordEntry(String sessionId, Instant at) {
    return passwordEntries.record(sessionId, at);
  }

  /** Read from the database itself, never from a node's cache. */
  @Override
  public Optional<Instant> lastPasswordEntry(String sessionId) {
    return passwordEntries.last(sessionId);
  }

  @Override
  public Subscription subscribe(SessionListener listener) {
    return sessions.subscribe(listener);
  }

  // ---- UserStore

  @Override
  public Optional<User> find(String username) {
    return users.find(username);
  }

  @Override
  public List<User> list() {
    return users.list();
  }

  @Override
  public boolean create(User user) {
    return users.create(user);
  }

  @Override
  public boolean update(User user) {
    return users.update(user);
  }

  @Override
  public boolean delete(String username) {
    return users.delete(username);
  }

  @Override
  public Guarded updateKeepingAnAdministrator(User user) {
    return users.updateKeepingAnAdministrator(user);
  }

  @Override
  public Guarded deleteKeepingAnAdministrator(String username) {
    return users.deleteKeepingAnAdministrator(username);
  }

  // ---- SettingsStore

  @Override
  public Stored load() {
    return settings.load();
  }

  @Override
  public Stored save(Map<String, String> changes, long expectedVersion) {
    return settings.save(changes, expectedVersion);
  }

  /**
   * On {@link #postgres}, moves when another node saves the settings (usually within milliseconds of
   * its commit) and whenever the cluster listener connects anew; elsewhere it never moves.
   */
  @Override
  public long changeStamp() {
    return settingsChanges.get();
  }

  // ---- AuditLog

  @Override
  public AuditEvent record(AuditEvent event) {
    return audit.record(event);
  }

  @Override
  public List<AuditEvent> recordAll(List<AuditEvent> events) {
    return audit.recordAll(events);
  }

  @Override
  public List<AuditEvent> recent(int limit, long beforeId) {
    return audit.recent(limit, beforeId);
  }

  // ---- ThrottleStore

  @Override
  public Map<Key, Failures> failures(Collection<Key> keys, Instant since) {
    return throttle.failures(keys, since);
  }

  @Override
  public Failures countFailure(Key key, Instant now, Instant since) {
    return throttle.countFailure(key, now, since);
  }

  @Override
  public void clearFailures(Key key) {
    throttle.clearFailures(key);
  }

  @Override
  public int purgeFailures(Instant before) {
    return throttle.purgeFailures(before);
  }

  @Override
  public byte[] secret(String name, Supplier<byte[]> fresh) {
    return throttle.secret(name, fresh);
  }

  // ---- setup

  private static HikariConfig poolConfig(String name, String jdbcUrl, String driver) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(jdbcUrl);
    config.setDriverClassName(driver);
    config.setMaximumPoolSize(POOL_SIZE);
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    return config;
  }

  private static JdbcStore withPool(HikariConfig config, String description, Mode mode,
      String place) {
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("Could not connect to " + description + ": "
          + rootCause(e), e);
    }
    try {
      return new JdbcStore(pool, pool, description, PURGE_BATCH, mode, place);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static void migrate(DataSource dataSource, Vendor vendor, String description) {
    try {
      Flyway.configure(JdbcStore.class.getClassLoader())
          .dataSource(dataSource)
          .locations(vendor.migrations())
          .table("sessionlimits_schema_history")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new StoreUnavailableException("Could not migrate the schema of " + description + " ("
          + vendor + "): " + rootCause(e), e);
    }
  }

  /** Sixteen random hex digits. */
  private static String newNodeId() {
    return HexFormat.of().toHexDigits(NODE_IDS.nextLong());
  }

  // ---- for tests

  SessionCache cache() {
    return sessions.cache();
  }

  TouchBatcher touches() {
    return sessions.touches();
  }

  long failedProbes() {
    return db.failedProbes();
  }

  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return (root == e) ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
  }

  private static String withoutParameters(String jdbcUrl) {
    int query = jdbcUrl.indexOf('?');
    return (query < 0) ? jdbcUrl : jdbcUrl.substring(0, query);
  }
}
