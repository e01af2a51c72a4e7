package dev.sessionlimits.bench;

import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.TokenHash;
import dev.sessionlimits.store.jdbc.JdbcStore;
import dev.sessionlimits.store.jdbc.SessionCacheSize;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The stores the benchmarks run on, made fresh for each trial and removed after it: the in-memory
 * store, the embedded H2 store in a temporary directory, and PostgreSQL in a scratch database
 * {@code sl_bench_<random>} on 127.0.0.1:5432 (user postgres, trust auth), dropped on close.
 *
 * <p>System properties: {@code sessionlimits.bench.pg} (a JDBC URL of a database to connect to for
 * CREATE/DROP DATABASE; default the {@code postgres} database on 127.0.0.1:5432 as user postgres)
 * and {@code sessionlimits.bench.dbPrefix} (default {@code sl_bench_}; run.sh gives each run its
 * own so it can drop whatever a crashed fork left behind).
 */
final class BenchStores implements AutoCloseable {

  /** The benchmarks' epoch: every session time is an offset from here. */
  static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  /**
   * When the filled sessions were last seen (created at {@link #T0}): a touch within a second of
   * this is coalesced (no write).
   */
  static final Instant FILLED_AT = T0.plusSeconds(60);

  static final String PG_ADMIN =
      System.getProperty(
          "sessionlimits.bench.pg", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
  static final String DB_PREFIX = System.getProperty("sessionlimits.bench.dbPrefix", "sl_bench_");

  /** A user agent of realistic length, shared by the filled sessions. */
  static final String FIREFOX =
      "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

  private static final HexFormat HEX = HexFormat.of();

  final String kind;
  final SessionStore store;
  private final AutoCloseable owner;
  private final Path dir;
  private final String database;
  private final String url;

  private BenchStores(String kind, SessionStore store, Path dir, String database, String url) {
    this(kind, store, store, dir, database, url);
  }

  private BenchStores(String kind, JdbcStore jdbc, Path dir, String database, String url) {
    this(kind, jdbc.sessions(), jdbc, dir, database, url);
  }

  private BenchStores(
      String kind, SessionStore store, AutoCloseable owner, Path dir, String database, String url) {
    this.kind = kind;
    this.store = store;
    this.owner = owner;
    this.dir = dir;
    this.database = database;
    this.url = url;
  }

  /** A fresh, empty store of {@code kind}: {@code memory}, {@code h2} or {@code postgres}. */
  static BenchStores open(String kind) {
    return open(kind, SessionCacheSize.forThisHeap());
  }

  /** {@link #open(String)}, a JDBC store's node cache of {@code cacheSize}. */
  static BenchStores open(String kind, SessionCacheSize cacheSize) {
    switch (kind) {
      case "memory":
        return new BenchStores(kind, SessionStore.inMemory(), null, null, null);
      case "h2":
        {
          Path dir;
          try {
            dir = Files.createTempDirectory("sl-bench-h2-");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return new BenchStores(
              kind,
              JdbcStore.embedded(dir, cacheSize),
              dir,
              null,
              "jdbc:h2:file:" + dir.resolve("sessionlimits").toAbsolutePath());
        }
      case "postgres":
        {
          String name =
              (DB_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8))
                  .toLowerCase(Locale.ROOT);
          admin("CREATE DATABASE " + name);
          String url = PG_ADMIN.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
          try {
            return new BenchStores(kind, JdbcStore.postgres(url, cacheSize), null, name, url);
          } catch (RuntimeException e) {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            throw e;
          }
        }
      default:
        throw new IllegalArgumentException("unknown store " + kind + "; memory, h2 or postgres");
    }
  }

  /** The sessions a JDBC store's node cache holds (an estimate); 0 for the in-memory store. */
  long cachedSessions() {
    return (owner instanceof JdbcStore jdbc) ? jdbc.ops().cachedSessions() : 0;
  }

  /**
   * The node id a JDBC store records in the ends it writes ({@code end_node}), so that its own
   * cluster listener skips them; empty for the in-memory store.
   */
  String nodeId() {
    return (owner instanceof JdbcStore jdbc) ? jdbc.nodeId() : "";
  }

  boolean isJdbc() {
    return url != null;
  }

  /** The JDBC URL of the store's database (null in memory). */
  String url() {
    return url;
  }

  /** The scratch PostgreSQL database's name (null for the other stores). */
  String database() {
    return database;
  }

  /** A plain connection to the store's database, for bulk filling (same JVM for H2). */
  Connection sql() throws SQLException {
    return kind.equals("h2")
        ? DriverManager.getConnection(url, "sa", "")
        : DriverManager.getConnection(url);
  }

  /**
   * Adds {@code count} live sessions of other users: session {@code i} (1-based) has id {@code
   * f<i>}, token hash {@code TokenHash.of("t" + i)}, last seen at {@link #FILLED_AT}, user {@code
   * fu<i / perUser>} and an address in 10/8 ({@code perIp} sessions each). JDBC stores are filled
   * with one INSERT ... SELECT over a series (PostgreSQL's generate_series, H2's SYSTEM_RANGE),
   * then analyzed; the in-memory store by opens.
   */
  void fill(int count, int perUser, int perIp) {
    if (count <= 0) {
      return;
    }
    if (!isJdbc()) {
      QuotaPolicy unlimited = policy(-1, "DENY_ACCESS", Duration.ofDays(30));
      for (int i = 1; i <= count; i++) {
        int a = i / perIp;
        store.open(
            Session.open(
                "f" + i,
                TokenHash.of("t" + i),
                LoginAttempt.password(
                    "fu" + (i / perUser),
                    "10." + (a >> 16 & 0xFF) + "." + (a >> 8 & 0xFF) + "." + (a & 0xFF),
                    FIREFOX),
                FILLED_AT,
                unlimited),
            unlimited);
      }
      return;
    }
    boolean pg = kind.equals("postgres");
    String series =
        pg ? "generate_series(1, " + count + ") AS g(i)" : "SYSTEM_RANGE(1, " + count + ") AS g(i)";
    String hash =
        pg
            ? "encode(sha256(convert_to('t' || i, 'UTF8')), 'hex')"
            : "LOWER(RAWTOHEX(HASH('SHA-256', 't' || i)))";
    String a = "(i / " + perIp + ")";
    String ip =
        "'10.' || (("
            + a
            + " / 65536) % 256) || '.' || (("
            + a
            + " / 256) % 256) || '.' || ("
            + a
            + " % 256)";
    String created = "TIMESTAMP WITH TIME ZONE '2026-01-05 09:00:00+00'";
    String seen = "TIMESTAMP WITH TIME ZONE '2026-01-05 09:01:00+00'";
    String expires = "TIMESTAMP WITH TIME ZONE '2026-02-04 09:00:00+00'";
    String insert =
        "INSERT INTO sl_sessions (id, token_hash, user_name, client_ip, user_agent,"
            + " device, auth_method, created_at, last_seen_at, expires_at, absolute_expires_at)"
            + " SELECT 'f' || i, "
            + hash
            + ", 'fu' || (i / "
            + perUser
            + "), "
            + ip
            + ", '"
            + FIREFOX
            + "', NULL, 'password', "
            + created
            + ", "
            + seen
            + ", "
            + expires
            + ", NULL FROM "
            + series;
    try (Connection c = sql();
        Statement s = c.createStatement()) {
      s.executeUpdate(insert);
      s.execute(pg ? "ANALYZE sl_sessions" : "ANALYZE TABLE sl_sessions");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not fill " + kind + " with " + count + " sessions: " + e, e);
    }
    TokenHash probe = TokenHash.of("t1");
    if (!(store.find(probe, FILLED_AT) instanceof dev.sessionlimits.core.Lookup.Live)) {
      throw new IllegalStateException("the filled sessions are not found by token hash on " + kind);
    }
  }

  @Override
  public void close() {
    try {
      owner.close();
    } catch (Exception e) {
      throw new IllegalStateException("could not close the " + kind + " store", e);
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temp directory left behind is harmless
      }
    }
    if (database != null) {
      admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  private static void admin(String ddl) {
    try (Connection c = DriverManager.getConnection(PG_ADMIN);
        Statement s = c.createStatement()) {
      s.execute(ddl);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at "
              + PG_ADMIN.replaceFirst("\\?.*", "")
              + " refused: "
              + ddl
              + ": "
              + e.getMessage(),
          e);
    }
  }

  // ---- shared helpers

  /** A policy with a user limit (-1 unlimited), no address limit, and the named built-in action. */
  static QuotaPolicy policy(int userLimit, String action, Duration idle) {
    ExhaustionAction a = ExhaustionActions.builtIns().require(action);
    return new QuotaPolicy(userLimit, -1, a, idle, Duration.ZERO);
  }

  /**
   * A distinct, well-spread token hash for the {@code n}-th session of a run ({@code seed} tells
   * runs apart): all 64 bits of every part vary, so hash codes do not collide.
   */
  static TokenHash tokenHash(long seed, long n) {
    long x = n * 0x9E3779B97F4A7C15L + seed;
    return new TokenHash(
        HEX.toHexDigits(mix(x))
            + HEX.toHexDigits(n)
            + HEX.toHexDigits(seed)
            + HEX.toHexDigits(mix(x + 1)));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
