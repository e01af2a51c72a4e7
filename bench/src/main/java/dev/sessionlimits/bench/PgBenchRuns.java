package dev.sessionlimits.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * pgbench ({@code -M prepared}) running, on a benchmark's own database, the statements the store
 * sends for the same operation: the ceiling {@link BigTableBench} and {@link OpenCeiling} divide
 * the store's rates by.
 *
 * <ul>
 *   <li>{@code find}: the lookup by token hash of a random one of the table's sessions (the hash is
 *       computed in the statement, as pgbench has no SHA-256 of its own: a little more work for the
 *       server than the store's bound parameter);
 *   <li>{@code evict}: a login at limit 1 that evicts the client's previous session, in the store's
 *       two round trips (begin, lock and read; end recording {@code end_xid} and {@code end_node},
 *       insert, commit), as {@code bench/pg-ceiling.sh} runs it (keep the two in step with {@code
 *       JdbcLogins} and {@code SessionSql}). The new session's token hash is 64 hex digits at a
 *       random place in its index, as the store's are.
 * </ul>
 *
 * pgbench's path is the system property {@code sessionlimits.bench.pgbench} (default: {@code
 * pgbench} on the PATH).
 */
final class PgBenchRuns implements AutoCloseable {

  static final String PGBENCH = System.getProperty("sessionlimits.bench.pgbench", "pgbench");

  private static final Pattern TPS = Pattern.compile("(?m)^tps = ([0-9.]+)");

  private static final String COLUMNS =
      "id, token_hash, user_name, client_ip, user_agent, device, auth_method, created_at,"
          + " last_seen_at, expires_at, absolute_expires_at, ended_at, end_reason, end_scope,"
          + " end_limit, end_login_at, end_login_ip, end_login_user_agent, end_login_device,"
          + " end_login_session_id, end_actor, end_recorded_at";

  private static final String FIND =
      "\\set i random(1, :rows)\n"
          + "SELECT "
          + COLUMNS
          + " FROM sl_sessions WHERE token_hash = encode(sha256(convert_to('t' || :i, 'UTF8')),"
          + " 'hex');\n";

  /**
   * Client c is user {@code pgb<c>}; its n-th session has id c * 10^9 + n and is the one its next
   * login ends. {@code %3$s}: what the ending UPDATE records besides the end itself.
   */
  private static final String EVICT =
      """
      \\set n :n + 1
      \\set id :client_id * 1000000000 + :n
      \\set prev :id - 1
      \\startpipeline
      BEGIN ISOLATION LEVEL READ COMMITTED;
      SET LOCAL enable_bitmapscan = off;
      SELECT subject FROM sl_quota_locks WHERE scope = 'user' AND subject = 'pgb' || :client_id
        FOR UPDATE;
      SELECT %1$s FROM sl_sessions WHERE user_name = 'pgb' || :client_id AND ended_at IS NULL;
      \\endpipeline
      \\startpipeline
      UPDATE sl_sessions SET ended_at = now(), end_reason = 'session_limit_reached',
        end_scope = 'user', end_limit = 1, end_login_at = now(), end_login_ip = '203.0.113.7',
        end_login_user_agent = '%2$s', end_login_device = NULL, end_login_session_id = :id,
        end_actor = NULL, end_recorded_at = clock_timestamp()%3$s WHERE id = :prev
        AND ended_at IS NULL
        AND (CAST(NULL AS TIMESTAMP WITH TIME ZONE) IS NULL OR expires_at = NULL);
      INSERT INTO sl_sessions (id, token_hash, user_name, client_ip, user_agent, device,
        auth_method, created_at, last_seen_at, expires_at, absolute_expires_at)
        VALUES (:id, %4$s, 'pgb' || :client_id, '203.0.113.7', '%2$s', NULL,
        'password', now(), now(), now() + interval '3650 days', NULL);
      COMMIT;
      \\endpipeline
      """;

  /**
   * A session's token hash as the store's: 64 hex digits at a random place in the token hash index.
   * (The id itself, as the ceiling once inserted, always lands on the index's rightmost page; that
   * made the INSERT, and the ending UPDATE, which is not HOT and adds an entry to every index,
   * cheaper than the store's: 147 and 92 µs against 178 and 112 in {@code pg_stat_statements}.)
   */
  private static final String TOKEN = "encode(sha256(convert_to('login ' || %s, 'UTF8')), 'hex')";

  /** The clients' users. */
  private static final String CLIENTS = "generate_series(0, 7) c";

  private static final String END_CHAINS =
      "DELETE FROM sl_sessions WHERE ended_at IS NULL"
          + " AND user_name IN (SELECT 'pgb' || c FROM "
          + CLIENTS
          + ")";

  private static final String START_CHAINS =
      "INSERT INTO sl_sessions (id, token_hash, user_name, client_ip, user_agent, device,"
          + " auth_method, created_at, last_seen_at, expires_at, absolute_expires_at)"
          + " SELECT CAST(CAST(c AS bigint) * 1000000000 + ? AS text), "
          + TOKEN.formatted("CAST(CAST(c AS bigint) * 1000000000 + ? AS text)")
          + ", 'pgb' || c, '203.0.113.7', '"
          + BenchStores.FIREFOX
          + "', NULL, 'password', now(), now(), now() + interval '3650 days', NULL FROM "
          + CLIENTS;

  private static String evict(String recordsAlso) {
    return EVICT
        .formatted(COLUMNS, BenchStores.FIREFOX, recordsAlso, TOKEN.formatted(":id"))
        // pgbench reads a script line by line: each SQL statement is one line (up to ';').
        .replace("\n  ", " ");
  }

  /** Opens a connection to the runs' database, for the set-up between runs. */
  interface Sql {
    Connection open() throws SQLException;
  }

  private final String database;
  private final Path scripts;
  private final Sql sql;
  private final boolean ownsScripts;
  private long nextN;

  /**
   * pgbench's runs on {@code stores}' database (PostgreSQL): gives its evicting clients their quota
   * rows and writes the scripts to a directory of their own, which {@link #close} removes.
   */
  static PgBenchRuns on(BenchStores stores) throws IOException, SQLException {
    try (Connection c = stores.sql();
        Statement s = c.createStatement()) {
      s.execute(evictSetUp());
    }
    Path scripts = Files.createTempDirectory("sl-pgbench-");
    return new PgBenchRuns(stores.database(), stores.nodeId(), scripts, stores::sql, true);
  }

  /**
   * Writes the scripts to {@code scripts}: {@code find}, {@code evict} (the store's statements) and
   * {@code evict-no-notify} (its UPDATE without {@code end_xid} and {@code end_node}, what the
   * other nodes poll for). {@code node} is the measured store's node id ({@link
   * BenchStores#nodeId}): pgbench's ends then carry it, and the store's own listener, polling the
   * same table meanwhile, skips them as it skips the store's own (no other node reads either).
   */
  PgBenchRuns(String database, String node, Path scripts, Sql sql) throws IOException {
    this(database, node, scripts, sql, false);
  }

  private PgBenchRuns(String database, String node, Path scripts, Sql sql, boolean ownsScripts)
      throws IOException {
    this.database = database;
    this.scripts = scripts;
    this.sql = sql;
    this.ownsScripts = ownsScripts;
    Files.writeString(scripts.resolve("find.sql"), FIND, StandardCharsets.UTF_8);
    Files.writeString(
        scripts.resolve("evict.sql"),
        evict(", end_xid = pg_current_xact_id(), end_node = '" + node + "'"),
        StandardCharsets.UTF_8);
    Files.writeString(scripts.resolve("evict-no-notify.sql"), evict(""), StandardCharsets.UTF_8);
  }

  /** The SQL that gives pgbench's evicting clients their quota rows (clients 0 to 7). */
  static String evictSetUp() {
    return "INSERT INTO sl_quota_locks (scope, subject, created_at)"
        + " SELECT 'user', 'pgb' || c, now() FROM "
        + CLIENTS;
  }

  /** Whether pgbench can be run at all. */
  static boolean available() {
    try {
      Process p = new ProcessBuilder(PGBENCH, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * pgbench's transactions per second of {@code workload} with {@code clients} clients, or NaN if
   * it failed three times (on a shared server, most often for want of a free connection slot).
   */
  double run(String workload, int clients, int seconds, long rows) throws IOException {
    String out = "";
    for (int attempt = 1; attempt <= 3; attempt++) {
      List<String> command = new ArrayList<>();
      command.addAll(List.of(PGBENCH, "-h", "127.0.0.1", "-U", "postgres", "-n", "-M", "prepared"));
      command.addAll(List.of("-c", "" + clients, "-j", "" + Math.min(clients, 2)));
      command.addAll(List.of("-T", "" + seconds, "-D", "rows=" + rows));
      // Each run's session ids start past the previous run's, so no insert meets an old id.
      nextN += 10_000_000;
      if (workload.startsWith("evict")) {
        startChains(nextN);
      }
      command.addAll(
          List.of("-D", "n=" + nextN, "-f", scripts.resolve(workload + ".sql").toString()));
      command.add(database);
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      try {
        p.waitFor(seconds + 60L, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroy();
        break;
      }
      Matcher m = TPS.matcher(out);
      if (m.find() && !out.contains("aborted in command")) {
        return Double.parseDouble(m.group(1));
      }
    }
    BigTableBench.log("pgbench %s on %d clients failed: %s", workload, clients, out.strip());
    return Double.NaN;
  }

  /**
   * Leaves each client's user exactly one live session, the one its first login will end (id c *
   * 10^9 + {@code n}), as the store's benchmark users have; outside the timed run.
   */
  private void startChains(long n) throws IOException {
    try (Connection c = sql.open();
        Statement end = c.createStatement();
        PreparedStatement start = c.prepareStatement(START_CHAINS)) {
      end.executeUpdate(END_CHAINS);
      start.setLong(1, n);
      start.setLong(2, n);
      start.executeUpdate();
    } catch (SQLException e) {
      throw new IOException("could not give pgbench's clients their first sessions: " + e, e);
    }
  }

  /** Removes the scripts' directory if {@link #on} made it. */
  @Override
  public void close() throws IOException {
    if (!ownsScripts) {
      return;
    }
    try (Stream<Path> files = Files.list(scripts)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(scripts);
  }
}
