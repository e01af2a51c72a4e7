package dev.sessionlimits.store.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.ApiKeyStore;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.ExternalIdentities;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.ProviderSessions;
import dev.sessionlimits.core.SecondFactors;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.core.ThrottleStore;
import dev.sessionlimits.core.UserStore;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Sessions, users, groups, external identities, provider sessions, API keys, settings, the audit
 * log and the login throttle's counts in one JDBC database: an H2 file database (the embedded store
 * of a single server) or PostgreSQL (shared by every node of a cluster), each behind its own
 * interface of {@code core}: {@link #sessions}, {@link #users}, {@link #groups}, {@link
 * #identities}, {@link #providerSessions}, {@link #apiKeys}, {@link #settings}, {@link #audit} and
 * {@link #throttle}. Session limits hold exactly however many nodes share the database: {@link
 * SessionStore#open} takes its locks in the database, not in this JVM.
 *
 * <p>Every factory migrates the schema before it returns (Flyway; tables prefixed {@code sl_},
 * history in {@code sessionlimits_schema_history}). A database that cannot be reached, written or
 * that times out makes a call throw {@link StoreUnavailableException} ("try again"); once it is
 * known to be unavailable, every call throws that at once, without waiting, until a background
 * probe finds it back (at once, then every 250 ms), and {@link #isHealthy} answers false meanwhile.
 * Any other database failure (a programming error) is thrown as {@link StoreErrorException}. Both
 * say what could not be done and why. Instants are kept to the microsecond. Only the SHA-256 of a
 * token is stored.
 *
 * <p>The embedded store and {@link #postgres} keep a node-local cache of live sessions for {@link
 * SessionStore#find} and {@link SessionStore#touch}, and write touches in batches at least once a
 * second; on PostgreSQL every node hears of the sessions the other nodes end, within a second, and
 * tells its own {@link SessionStore#subscribe} listeners (at least once: after a lost connection to
 * the database, a listener may hear of an end again), and of the settings changes they save ({@link
 * SettingsStore#changeStamp}). A store made with {@link #using} reads and writes the database on
 * every call, and on PostgreSQL still tells the other nodes of its ends and settings changes.
 *
 * <p>The store is thread-safe. Close it to release its pool (when the store made the pool), after
 * writing the touches still queued.
 */
public final class JdbcStore implements AutoCloseable {

  /** The file name of the embedded database in its data directory (H2 adds {@code .mv.db}). */
  static final String EMBEDDED_NAME = "sessionlimits";

  /** Rows purge handles per statement or transaction. */
  static final int PURGE_BATCH = 500;

  private static final SecureRandom NODE_IDS = new SecureRandom();

  /** How a store uses its database beyond the SQL every store runs. */
  private enum Mode {
    /** Every call reads and writes the database: {@link #using}. */
    DIRECT,
    /**
     * A cache that is always trusted and batched touches: the only node of an embedded database.
     */
    EMBEDDED,
    /** A cache trusted while the cluster listener is confirmed alive, and batched touches. */
    CLUSTER
  }

  private final HikariDataSource ownPool;
  private final ClusterListener listener;
  private final JdbcSessions sessions;
  private final JdbcUsers users;
  private final JdbcGroups groups;
  private final JdbcIdentities identities;
  private final JdbcSecondFactors secondFactors;
  private final JdbcProviderSessions providerSessions;
  private final JdbcApiKeys apiKeys;
  private final JdbcSettings settings;
  private final JdbcAuditLog audit;
  private final JdbcThrottle throttle;
  private final HealthCheck health;
  private final Database db;
  private final JdbcOps ops;

  /**
   * @param mode how the sessions use the database
   * @param place the embedded database's file (for {@link Mode#EMBEDDED}) or the URL the cluster
   *     listener connects to (for {@link Mode#CLUSTER}); null otherwise
   * @param cacheSize the node cache's size; null for {@link Mode#DIRECT}
   */
  private JdbcStore(
      DataSource dataSource,
      HikariDataSource ownPool,
      String description,
      int purgeBatch,
      Mode mode,
      String place,
      SessionCacheSize cacheSize) {
    Dialect dialect;
    try (Connection connection = dataSource.getConnection()) {
      dialect = Dialect.of(connection);
    } catch (SQLException e) {
      throw new StoreUnavailableException(
          "Could not connect to " + description + ": " + Database.describe(e), e);
    }
    JdbcSetup.migrate(dataSource, dialect, description);
    Database db;
    try (Connection connection = dataSource.getConnection()) {
      db =
          Database.on(
              dataSource,
              connection,
              dialect,
              ownPool == null,
              description,
              () -> JdbcSetup.dropConnections(dataSource));
    } catch (SQLException e) {
      throw new StoreUnavailableException(
          "Could not prepare durable commits on " + description + ": " + Database.describe(e), e);
    }
    this.ownPool = ownPool;
    String nodeId = newNodeId();
    AtomicReference<ClusterListener> ear = new AtomicReference<>();
    SessionCache cache =
        switch (mode) {
          case DIRECT -> null;
          case EMBEDDED -> new SessionCache(cacheSize, () -> true);
          case CLUSTER ->
              new SessionCache(
                  cacheSize,
                  () -> {
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
    this.settings = new JdbcSettings(db, nodeId);
    if (mode == Mode.CLUSTER) {
      ClusterListener started =
          new ClusterListener(place, nodeId, cache, sessions::heard, settings::heardOfChange);
      ear.set(started);
      started.start();
      this.listener = started;
    } else {
      this.listener = null;
    }
    this.users = new JdbcUsers(db);
    this.groups = new JdbcGroups(db, InstantSource.system());
    this.identities = new JdbcIdentities(db);
    this.secondFactors = new JdbcSecondFactors(db, Optional.empty());
    this.providerSessions = new JdbcProviderSessions(db);
    this.apiKeys = new JdbcApiKeys(db);
    this.audit = new JdbcAuditLog(db);
    this.throttle = new JdbcThrottle(db);
    this.db = db;
    this.health = new HealthCheck(dataSource, db, "readiness-probe-" + nodeId);
    this.ops = new JdbcOps(health, listener, db, ownPool, cache);
  }

  /**
   * The embedded store: an H2 database in the file {@code sessionlimits.mv.db} under {@code
   * dataDir}, both created if missing. The directory is made readable by its owner only ({@code
   * rwx------}, also when it exists) and the database's files {@code rw-------}: they hold password
   * hashes. Every change is in the file before the call that made it returns, so a confirmed login
   * survives the process being killed. One process at a time may open a data directory. H2 keeps
   * replaced data for 45 seconds before it reuses the space, so under sustained writes the file is
   * larger than its contents (roughly 40 KB per write in the last 45 seconds); it is compacted
   * while idle and on close. If a write fails (a full disk), H2 closes the database; the call and
   * those after it throw {@link StoreUnavailableException}, and a background probe reopens the file
   * and commits a test write, at once and then every 250 ms, until one succeeds.
   *
   * @throws StoreUnavailableException if the directory or the database cannot be opened or migrated
   */
  public static JdbcStore embedded(Path dataDir) {
    return embedded(dataDir, SessionCacheSize.forThisHeap());
  }

  /** {@link #embedded(Path)} with a node cache of {@code size} (by default a fifth of the heap). */
  public static JdbcStore embedded(Path dataDir, SessionCacheSize size) {
    requireNonNull(dataDir, "dataDir");
    Path dir = dataDir.toAbsolutePath().normalize();
    String file = JdbcSetup.embeddedFile(dir);
    JdbcStore store =
        withPool(
            JdbcSetup.embeddedPool(file),
            "the embedded database in " + dir,
            Mode.EMBEDDED,
            file,
            size);
    try {
      OwnerOnlyFiles.files(dir, EMBEDDED_NAME);
    } catch (IOException e) {
      store.close();
      throw new StoreUnavailableException(
          "Could not make the files of the embedded database in "
              + dir
              + " readable by their owner only: "
              + e,
          e);
    }
    return store;
  }

  /**
   * The cluster store on the PostgreSQL database at {@code jdbcUrl}, for example {@code
   * jdbc:postgresql://127.0.0.1:5432/sessionlimits?user=sessionlimits&password=...}. Any number of
   * nodes may open it at once: limits hold exactly across them, and each one's {@link
   * SessionStore#subscribe} listeners hear of the sessions every node ends. Besides its pool the
   * store keeps one connection of its own that polls for those ends every 100 ms.
   *
   * <p>When the database cannot be reached, every call throws {@link StoreUnavailableException}
   * within seconds: unless the URL says otherwise, connecting gives up after 3 seconds, waiting for
   * a pooled connection after 3, and a silent socket after 10; a lookup ({@link SessionStore#find},
   * {@link SessionStore#touch}) waits at most 500 ms for a pooled connection and for each read.
   * After the first such failure every call fails at once until a background probe reaches the
   * database again. The store resumes by itself once the database is back.
   *
   * @throws StoreUnavailableException if the database cannot be reached or migrated
   */
  public static JdbcStore postgres(String jdbcUrl) {
    return postgres(jdbcUrl, SessionCacheSize.forThisHeap());
  }

  /** {@link #postgres(String)} with a node cache of {@code cacheSize}. */
  public static JdbcStore postgres(String jdbcUrl, SessionCacheSize cacheSize) {
    return postgres(jdbcUrl, jdbcUrl, cacheSize);
  }

  /** {@link #postgres(String)}, its listener connecting to {@code listenerUrl}: for tests. */
  static JdbcStore postgres(String jdbcUrl, String listenerUrl) {
    return postgres(jdbcUrl, listenerUrl, SessionCacheSize.forThisHeap());
  }

  private static JdbcStore postgres(String jdbcUrl, String listenerUrl, SessionCacheSize size) {
    requireNonNull(jdbcUrl, "jdbcUrl");
    requireNonNull(listenerUrl, "listenerUrl");
    String shown = JdbcSetup.withoutParameters(jdbcUrl);
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "A PostgreSQL JDBC URL starts with jdbc:postgresql:, got " + shown);
    }
    return withPool(
        JdbcSetup.postgresPool(jdbcUrl), "PostgreSQL at " + shown, Mode.CLUSTER, listenerUrl, size);
  }

  /**
   * A store on {@code dataSource}, an H2 or PostgreSQL database, migrated first. The caller owns
   * the data source: {@link #close} leaves it open. Its pool should allow as many connections as
   * logins may run at once; logins beyond that wait for a connection. If it is a HikariCP pool, the
   * store has it replace its connections whenever it finds the database unavailable.
   *
   * @throws StoreUnavailableException if the database cannot be reached or migrated
   */
  public static JdbcStore using(DataSource dataSource) {
    return using(dataSource, PURGE_BATCH);
  }

  static JdbcStore using(DataSource dataSource, int purgeBatch) {
    requireNonNull(dataSource, "dataSource");
    return new JdbcStore(
        dataSource, null, "the given data source", purgeBatch, Mode.DIRECT, null, null);
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
   * ends it records carry it ({@code end_node}, so its own listener skips them), and on PostgreSQL
   * its listening connection shows in {@code pg_stat_activity} as {@code application_name} {@code
   * sessionlimits-listener-<node id>}.
   */
  public String nodeId() {
    return sessions.nodeId();
  }

  /** Readiness, failure counts, pool metrics and the node cache's size: for operators. */
  public JdbcOps ops() {
    return ops;
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

  // ---- the stores

  /** The sessions, with the quota locks, this node's cache and the other nodes' ends. */
  public SessionStore sessions() {
    return sessions;
  }

  /** The accounts, with the rule that keeps an enabled administrator. */
  public UserStore users() {
    return users;
  }

  /** The groups, their limits and users' memberships of them. */
  public GroupStore groups() {
    return groups;
  }

  /** Which user each directory entry and identity provider subject signs in as. */
  public ExternalIdentities identities() {
    return identities;
  }

  /**
   * Local accounts' second factors: TOTP secrets and recovery codes, the secrets stored as given.
   * Reading a secret that {@link #secondFactors(SecretsKey)} sealed throws {@link
   * IllegalStateException}; {@link #requireNoSealedSecrets} tells at start.
   */
  public SecondFactors secondFactors() {
    return secondFactors;
  }

  /**
   * Local accounts' second factors, each TOTP secret stored sealed with {@code key}. Every secret
   * stored before, in the clear or with an older key of {@code key}, is sealed first.
   *
   * @throws IllegalStateException if a sealed secret opens with none of the keys
   * @throws StoreUnavailableException if the database cannot be reached
   */
  public SecondFactors secondFactors(SecretsKey key) {
    JdbcSecondFactors sealed = new JdbcSecondFactors(db, Optional.of(key));
    sealed.sealAll();
    return sealed;
  }

  /** Throws {@link IllegalStateException} if a TOTP secret is stored sealed: a key is needed. */
  public void requireNoSealedSecrets() {
    secondFactors.sealAll();
  }

  /**
   * The sessions opened through an OpenID Connect provider and the provider sessions behind them; a
   * session's row goes when the session is purged.
   */
  public ProviderSessions providerSessions() {
    return providerSessions;
  }

  /** Services' API keys (only their hashes). */
  public ApiKeyStore apiKeys() {
    return apiKeys;
  }

  /**
   * The settings changed through the API. On {@link #postgres}, its {@link
   * SettingsStore#changeStamp} moves when another node saves the settings (usually within
   * milliseconds of its commit) and whenever the cluster listener connects anew; elsewhere it never
   * moves.
   */
  public SettingsStore settings() {
    return settings;
  }

  /** The audit trail. */
  public AuditLog audit() {
    return audit;
  }

  /** The login throttle's counts and secrets, shared by every node of the database. */
  public ThrottleStore throttle() {
    return throttle;
  }

  // ---- setup

  private static JdbcStore withPool(
      HikariConfig config, String description, Mode mode, String place, SessionCacheSize size) {
    requireNonNull(size, "cacheSize");
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreUnavailableException(
          "Could not connect to " + description + ": " + JdbcSetup.rootCause(e), e);
    }
    try {
      return new JdbcStore(pool, pool, description, PURGE_BATCH, mode, place, size);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** The database the stores use, for {@link EmbeddedBackups}. */
  Database database() {
    return db;
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
}
