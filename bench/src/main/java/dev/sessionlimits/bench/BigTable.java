package dev.sessionlimits.bench;

import dev.sessionlimits.core.SessionStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fills {@code sl_sessions}, as the store's migrations made it, with {@code rows} sessions at
 * PostgreSQL's bulk speed, and adds the backlogs a purge measurement works through.
 *
 * <h2>What the table holds</h2>
 *
 * Session {@code i} (1-based) has a UUID-shaped id ({@code md5('s' || i)}), the token hash {@code
 * TokenHash.of("t" + i)} ({@link #tokenSeed}), user {@code fu<i mod users>} with {@code users =
 * rows / 10 + 1} (about ten sessions each; the count is coprime with 20, so no user has more than
 * one of the ended sessions below), an address in 10/8 shared by 100 consecutive sessions, one of
 * four browsers' user agents and its device label. It was created up to a week before {@link
 * BenchStores#T0}, seen within the hour before it, and expires one to two days after it. One in
 * twenty ({@code i % 20 = 0}) was logged out within the last six days and is not purged yet (a
 * tombstone). Every user and address has a quota lock row made two hours before T0, as limited
 * logins leave them.
 *
 * <h2>Why the indexes are dropped first</h2>
 *
 * Fourteen indexes on random keys (ids, token hashes) make a row-by-row fill read and write index
 * pages at random once the indexes outgrow shared buffers: tens of minutes for ten million rows. So
 * the fill saves the definitions of every index and constraint PostgreSQL reports for the table
 * (and the foreign keys that point at it), drops them, inserts, builds the indexes from those
 * definitions (the keys' under their own names) and adds the constraints back on them: the same
 * schema, built once by sorting. A fill that fails leaves the schema incomplete; its scratch
 * database is dropped anyway.
 */
final class BigTable {

  /** Definitions of the indexes of sl_sessions that no constraint owns. */
  static final String PLAIN_INDEXES =
      "SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition"
          + " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
          + " WHERE i.indrelid = 'sl_sessions'::regclass"
          + " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)";

  /**
   * The constraints to drop and add back: foreign keys pointing at sl_sessions first (they depend
   * on its key), then its own primary key and unique constraints.
   */
  static final String CONSTRAINTS =
      "SELECT conrelid::regclass::text AS owner, conname AS name,"
          + " pg_get_constraintdef(oid) AS definition, contype AS kind,"
          + " CASE WHEN contype = 'f' THEN NULL ELSE pg_get_indexdef(conindid) END AS index"
          + " FROM pg_constraint"
          + " WHERE (confrelid = 'sl_sessions'::regclass AND contype = 'f')"
          + " OR (conrelid = 'sl_sessions'::regclass AND contype IN ('p', 'u'))"
          + " ORDER BY contype = 'f' DESC, conname";

  private static final String[] AGENTS = {
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/141.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
        + " Gecko) Version/18.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        + " Version/18.6 Safari/605.1.15"
  };
  private static final String[] DEVICES = {
    "Firefox on Linux", "Chrome on Windows", "Safari on iPhone", "Safari on macOS"
  };

  /**
   * The columns every generated row fills; {@code ip_key} is {@code IpKey}'s {@code 4} and eight
   * hex digits of 10.x.y.z.
   */
  private static final String INSERT_COLUMNS =
      "INSERT INTO sl_sessions (id, token_hash, user_name, client_ip, user_agent, device,"
          + " auth_method, created_at, last_seen_at, expires_at, absolute_expires_at, ended_at,"
          + " end_reason, end_recorded_at, ip_key)";

  /**
   * Parameters: T0, users, first i, last i. The series' {@code a} is the address number, {@code
   * ended} the logout time of a tombstone (null for a live session).
   */
  static final String FILL =
      INSERT_COLUMNS
          + " SELECT md5('s' || i)::uuid::text, encode(sha256(convert_to('t' || i, 'UTF8')),"
          + " 'hex'), 'fu' || (i % users), '10.' || (a / 65536 % 256) || '.' || (a / 256 % 256)"
          + " || '.' || (a % 256), (?::text[])[1 + i % 4], (?::text[])[1 + i % 4], 'password',"
          + " t0 - (i % 604800) * interval '1 second', t0 - (i % 3600) * interval '1 second',"
          + " t0 + interval '1 day' + (i % 86400) * interval '1 second', NULL, ended,"
          + " CASE WHEN ended IS NOT NULL THEN 'logged_out' END, ended,"
          + " '40a' || lpad(to_hex(a % 16777216), 6, '0')"
          + " FROM (SELECT i, i / 100 AS a, t0, users, CASE WHEN i % 20 = 0"
          + " THEN t0 - (i % 518400) * interval '1 second' END AS ended"
          + " FROM generate_series(?::bigint, ?::bigint) i,"
          + " (SELECT ?::timestamptz AS t0, ?::bigint AS users) p) g";

  /** Parameters: made at, users, made at, rows. A lock row for every user and every address. */
  static final String FILL_LOCKS =
      "INSERT INTO sl_quota_locks (scope, subject, created_at)"
          + " SELECT 'user', 'fu' || u, ?::timestamptz FROM generate_series(0, ?::bigint - 1) u"
          + " UNION ALL SELECT 'ip', '10.' || (a / 65536 % 256) || '.' || (a / 256 % 256) || '.'"
          + " || (a % 256), ?::timestamptz FROM generate_series(0, ?::bigint / 100) a";

  /**
   * Parameters: backlog label, T0-relative end or expiry, kind ('expired' or 'ended'), count.
   * Backlog sessions belong to users of their own ({@code bu<label>-<k>}).
   */
  static final String FILL_BACKLOG =
      INSERT_COLUMNS
          + " SELECT 'b' || label || '-' || k, encode(sha256(convert_to('b' || label || '-' || k,"
          + " 'UTF8')), 'hex'), 'bu' || label || '-' || k, '10.255.' || (k / 256 % 256) || '.'"
          + " || (k % 256), 'curl/8.5', NULL, 'password', at - interval '1 hour', at - interval"
          + " '30 minutes', CASE WHEN kind = 'ended' THEN at + interval '1 day' ELSE at END, NULL,"
          + " CASE WHEN kind = 'ended' THEN at END, CASE WHEN kind = 'ended' THEN 'logged_out' END,"
          + " CASE WHEN kind = 'ended' THEN at END, NULL"
          + " FROM generate_series(1, ?::int) k, (SELECT ?::text AS label, ?::timestamptz AS at,"
          + " ?::text AS kind) p";

  /** Parameters: label, made at. */
  static final String FILL_BACKLOG_LOCKS =
      "INSERT INTO sl_quota_locks (scope, subject, created_at)"
          + " SELECT 'user', user_name, ?::timestamptz FROM sl_sessions WHERE id LIKE ?";

  /** How many rows one INSERT ... SELECT of {@link #FILL} adds (a transaction each). */
  private static final long CHUNK = 1_000_000;

  /** Connections that insert, and build indexes, at once: the machine's two cores. */
  private static final int WORKERS = 2;

  private BigTable() {}

  /** The users of a table of {@code rows} sessions: about ten sessions each, coprime with 20. */
  static long users(long rows) {
    long users = rows / 10 + 1;
    while (users % 2 == 0 || users % 5 == 0) {
      users++;
    }
    return users;
  }

  /** Whether session {@code i} of the fill is live (not one of its tombstones). */
  static boolean live(long i) {
    return i % 20 != 0;
  }

  /** The seed of session {@code i}'s token: its hash is {@code TokenHash.of(tokenSeed(i))}. */
  static String tokenSeed(long i) {
    return "t" + i;
  }

  /** When every lock row of the fill was made. */
  static Instant locksMadeAt() {
    return BenchStores.T0.minus(Duration.ofHours(2));
  }

  /** A new connection to the table's database, closed by its user. */
  interface Connections {
    Connection open() throws SQLException;
  }

  /** Work on a connection of its own. */
  private interface Task {
    void run(Connection c) throws SQLException;
  }

  /**
   * Fills the table (empty, as migrated) with {@code rows} sessions and their lock rows, then
   * vacuums and analyzes it; answers how long each step took, in its order. The inserts and the
   * index builds run on {@link #WORKERS} connections at once.
   */
  static Map<String, Duration> fill(Connections db, long rows) throws SQLException {
    Map<String, Duration> took = new LinkedHashMap<>();
    Instant start = Instant.now();
    List<String[]> constraints;
    List<String> builds = new ArrayList<>();
    try (Connection c = db.open();
        Statement s = c.createStatement()) {
      constraints = rows(c, CONSTRAINTS, "owner", "name", "definition", "kind", "index");
      for (String[] index : rows(c, PLAIN_INDEXES, "name", "definition")) {
        builds.add(index[1]);
        s.execute("DROP INDEX " + index[0]);
      }
      for (String[] k : constraints) {
        s.execute("ALTER TABLE " + k[0] + " DROP CONSTRAINT " + k[1]);
        if (k[4] != null) {
          builds.add(k[4]);
        }
      }
    }
    // The GIN indexes take longest and build on one core: they go first.
    builds.sort(Comparator.comparing((String sql) -> !sql.contains("USING gin")));
    long users = users(rows);
    List<Task> inserts = new ArrayList<>();
    for (long first = 1; first <= rows; first += CHUNK) {
      long from = first;
      long to = Math.min(rows, first + CHUNK - 1);
      inserts.add(c -> insert(c, from, to, users));
    }
    inParallel(db, inserts);
    try (Connection c = db.open();
        PreparedStatement locks = c.prepareStatement(FILL_LOCKS)) {
      locks.setTimestamp(1, Timestamp.from(locksMadeAt()));
      locks.setLong(2, users);
      locks.setTimestamp(3, Timestamp.from(locksMadeAt()));
      locks.setLong(4, rows);
      locks.executeUpdate();
    }
    took.put("insert", Duration.between(start, Instant.now()));
    start = Instant.now();
    List<Task> indexes = new ArrayList<>();
    for (String build : builds) {
      indexes.add(
          c -> {
            try (Statement s = c.createStatement()) {
              s.execute(build);
            }
          });
    }
    inParallel(db, indexes);
    try (Connection c = db.open();
        Statement s = c.createStatement()) {
      // Keys first (on the indexes just built, under their own names), then the foreign keys.
      for (int k = constraints.size() - 1; k >= 0; k--) {
        String[] constraint = constraints.get(k);
        String definition =
            constraint[4] == null
                ? constraint[2]
                : (constraint[3].equals("p") ? "PRIMARY KEY" : "UNIQUE")
                    + " USING INDEX "
                    + constraint[1];
        s.execute(
            "ALTER TABLE " + constraint[0] + " ADD CONSTRAINT " + constraint[1] + " " + definition);
      }
    }
    took.put("indexes", Duration.between(start, Instant.now()));
    start = Instant.now();
    try (Connection c = db.open();
        Statement s = c.createStatement()) {
      s.execute("VACUUM ANALYZE sl_sessions");
      s.execute("VACUUM ANALYZE sl_quota_locks");
    }
    took.put("vacuum analyze", Duration.between(start, Instant.now()));
    return took;
  }

  private static void insert(Connection c, long from, long to, long users) throws SQLException {
    try (PreparedStatement insert = c.prepareStatement(FILL)) {
      insert.setArray(1, c.createArrayOf("text", AGENTS));
      insert.setArray(2, c.createArrayOf("text", DEVICES));
      insert.setLong(3, from);
      insert.setLong(4, to);
      insert.setTimestamp(5, Timestamp.from(BenchStores.T0));
      insert.setLong(6, users);
      insert.executeUpdate();
    }
  }

  /** Runs {@code tasks} on {@link #WORKERS} connections, in order; throws the first failure. */
  private static void inParallel(Connections db, List<Task> tasks) throws SQLException {
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (Task task : tasks) {
        running.add(
            pool.submit(
                () -> {
                  try (Connection c = db.open();
                      Statement s = c.createStatement()) {
                    s.execute("SET maintenance_work_mem = '512MB'");
                    s.execute("SET synchronous_commit = off");
                    task.run(c);
                  }
                  return null;
                }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new IllegalStateException("the fill failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the fill was interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Adds a backlog for purge: {@code count} sessions of label {@code label} that either expired,
   * unrecorded, at {@code at} ({@code ended == false}) or were logged out at {@code at}; each of
   * its own user. An expiring session's user has a lock row made at {@link #locksMadeAt}, which
   * purge deletes once the session has ended; a logged-out one's was swept long ago.
   */
  static void backlog(Connection c, String label, Instant at, boolean ended, int count)
      throws SQLException {
    try (PreparedStatement insert = c.prepareStatement(FILL_BACKLOG)) {
      insert.setInt(1, count);
      insert.setString(2, label);
      insert.setTimestamp(3, Timestamp.from(at));
      insert.setString(4, ended ? "ended" : "expired");
      insert.executeUpdate();
    }
    if (ended) {
      return;
    }
    try (PreparedStatement locks = c.prepareStatement(FILL_BACKLOG_LOCKS)) {
      locks.setTimestamp(1, Timestamp.from(locksMadeAt()));
      locks.setString(2, "b" + label + "-%");
      locks.executeUpdate();
    }
  }

  /** When a tombstone must have ended to be forgotten by a purge at {@code now}. */
  static Instant forgettable(Instant now) {
    return now.minus(SessionStore.TOMBSTONE_RETENTION);
  }

  /** Bytes per row of the table (with its TOAST) and of each of its indexes, largest first. */
  static Map<String, Long> sizes(Connection c) throws SQLException {
    Map<String, Long> sizes = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT 'table (heap + TOAST)' AS name, pg_table_size('sl_sessions') AS bytes"
                    + " UNION ALL SELECT 'all indexes', pg_indexes_size('sl_sessions')"
                    + " UNION ALL (SELECT indexrelid::regclass::text,"
                    + " pg_relation_size(indexrelid) FROM pg_index"
                    + " WHERE indrelid = 'sl_sessions'::regclass ORDER BY 2 DESC)")) {
      while (r.next()) {
        sizes.put(r.getString("name"), r.getLong("bytes"));
      }
    }
    return sizes;
  }

  private static List<String[]> rows(Connection c, String sql, String... columns)
      throws SQLException {
    List<String[]> found = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        String[] row = new String[columns.length];
        for (int k = 0; k < columns.length; k++) {
          row[k] = r.getString(columns[k]);
        }
        found.add(row);
      }
    }
    return found;
  }
}
