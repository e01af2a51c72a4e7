package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.SessionSort;
import java.util.Collections;

/**
 * Every statement of the session store, one constant each, on {@code sl_sessions} and {@code
 * sl_quota_locks}. A statement that holds the database's clock is written once here with {@link
 * #CLOCK} in it and made for a {@link Dialect} by {@link #forDialect}, once per store.
 */
final class SessionSql {

  private SessionSql() {}

  /** Stands for {@link Dialect#clock()} in a statement. */
  static final String CLOCK = "{clock}";

  /** Stands for {@link Dialect#transactionId()} in a statement. */
  static final String TRANSACTION_ID = "{xid}";

  /** The columns {@link SessionRows#read} reads, by name. */
  static final String COLUMNS =
      "id, token_hash, user_name, client_ip, user_agent, device,"
          + " auth_method, created_at, last_seen_at, expires_at, absolute_expires_at, ended_at,"
          + " end_reason, end_scope, end_limit, end_login_at, end_login_ip, end_login_user_agent,"
          + " end_login_device, end_login_session_id, end_actor, end_recorded_at";

  /** The columns of the administrators' list; the order is {@link SessionSort.Key}'s. */
  private static final String[] SORT_COLUMNS = {
    "created_at", "last_seen_at", "expires_at", "user_name"
  };

  static final String SELECT = "SELECT " + COLUMNS + " FROM sl_sessions";
  static final String BY_ID = SELECT + " WHERE id = ?";
  static final String BY_TOKEN_HASH = SELECT + " WHERE token_hash = ?";
  static final String UNENDED = SELECT + " WHERE ended_at IS NULL";
  static final String UNENDED_OF_USER = SELECT + " WHERE user_name = ? AND ended_at IS NULL";
  static final String UNENDED_FROM_IP = SELECT + " WHERE client_ip = ? AND ended_at IS NULL";
  static final String STILL_UNENDED = "SELECT 1 FROM sl_sessions WHERE id = ? AND ended_at IS NULL";

  /** Parameters: scope, subject. A row, if it exists, locked until the transaction ends. */
  static final String LOCK =
      "SELECT subject FROM sl_quota_locks WHERE scope = ? AND subject = ? FOR UPDATE";

  /** Parameters: scope, subject, created at, scope, subject. */
  static final String CREATE_LOCK =
      "INSERT INTO sl_quota_locks (scope, subject, created_at)"
          + " SELECT ?, ?, ? WHERE NOT EXISTS"
          + " (SELECT 1 FROM sl_quota_locks WHERE scope = ? AND subject = ?)";

  /**
   * First in a PostgreSQL login's transaction: its reads walk the live-session indexes entry by
   * entry instead of building a bitmap of them. The two plans cost about the same for a handful of
   * rows and the planner often takes the bitmap; but only a plain index scan marks the entries of
   * ended sessions dead as it passes them, a bitmap scan never does. With the bitmap, every login
   * of a user read every earlier session of that user until VACUUM came by: 1.9 ms and 1,736
   * buffers a login on average over 50,000 logins of one user (docs/benchmarks.md). {@code LOCAL}:
   * it ends with the transaction, so the administrators' lists, whose trigram searches need
   * bitmaps, keep them.
   */
  static final String PLAIN_INDEX_SCANS = "SET LOCAL enable_bitmapscan = off";

  /**
   * The start of a PostgreSQL login's transaction, sent by the store as the first statement of its
   * first round trip ({@link Database#transactionBegunByWork}); its isolation level is named, so
   * that neither the database's default nor the pool's can change it.
   */
  static final String BEGIN = "BEGIN ISOLATION LEVEL READ COMMITTED";

  /**
   * The transaction's start, {@link #PLAIN_INDEX_SCANS}, the locks and then the reads, sent
   * together: see {@link JdbcLogins}.
   */
  static final String LOCK_AND_READ_USER =
      BEGIN + "; " + PLAIN_INDEX_SCANS + "; " + LOCK + "; " + UNENDED_OF_USER;

  static final String LOCK_AND_READ_IP =
      BEGIN + "; " + PLAIN_INDEX_SCANS + "; " + LOCK + "; " + UNENDED_FROM_IP;
  static final String LOCK_AND_READ_BOTH =
      BEGIN
          + "; "
          + PLAIN_INDEX_SCANS
          + "; "
          + LOCK
          + "; "
          + LOCK
          + "; "
          + UNENDED_OF_USER
          + "; "
          + UNENDED_FROM_IP;

  /** Parameters as {@link SessionRows#bindInsert} sets them. */
  static final String INSERT =
      "INSERT INTO sl_sessions (id, token_hash, user_name,"
          + " client_ip, user_agent, device, auth_method, created_at, last_seen_at, expires_at,"
          + " absolute_expires_at, ip_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  // The administrators' list (SessionList): LIVE_LIST, then the filters given, in this order, then
  // the position (LIST_AFTER) if any, then LIST_ORDER.

  /** Parameter: now. */
  static final String LIVE_LIST = SELECT + " WHERE ended_at IS NULL AND expires_at > ?";

  /** Parameter: the user name. */
  static final String LIST_USER = " AND user_name = ?";

  /** Parameter: the address. */
  static final String LIST_IP = " AND client_ip = ?";

  /** Parameter: a LIKE pattern, the address prefix and {@code %}. */
  static final String LIST_IP_PREFIX = " AND client_ip LIKE ?";

  /** Parameters: the lowest and the highest {@code ip_key}. */
  static final String LIST_IP_BLOCK = " AND ip_key BETWEEN ? AND ?";

  /**
   * Parameters: one LIKE pattern ({@code %text%}, lower case, escaped by backslash) three times.
   */
  static final String LIST_TEXT =
      " AND (LOWER(user_name) LIKE ? ESCAPE '\\' OR LOWER(device) LIKE ? ESCAPE '\\'"
          + " OR LOWER(user_agent) LIKE ? ESCAPE '\\')";

  /**
   * PostgreSQL, a search ({@link #LIST_TEXT}): the first rows of the list in its order, without the
   * search (the inner query; parameter after it: the window's size), then the search among them.
   */
  static final String SEARCH_WINDOW = "SELECT * FROM (";

  static final String SEARCH_WINDOW_END = ") w WHERE 1 = 1";

  /**
   * PostgreSQL, a search the window did not fill: every matching row, found by the search's trigram
   * indexes rather than by walking the list's order (MATERIALIZED keeps the planner from walking
   * the order index under the LIMIT), then ordered.
   */
  static final String SEARCH_ALL = "WITH m AS MATERIALIZED (";

  /** The live sessions' ids and sort keys ({@code %s}: the sort column); parameter: now. */
  private static final String LIVE_KEYS =
      "SELECT id, %s FROM sl_sessions WHERE ended_at IS NULL AND expires_at > ?";

  /** Then the first of {@code m} in order ({@link #LIST_ORDER}), read whole by id. */
  static final String SEARCH_ALL_END = ") " + SELECT + " WHERE id IN (SELECT id FROM m";

  static final String SEARCH_ALL_BY_ID = ")";

  /** The order alone, by sort column and direction. */
  private static final String ORDER_ONLY = " ORDER BY %1$s %2$s, id %2$s";

  /** The position, by sort column and direction; parameters: the key, the id. */
  private static final String LIST_AFTER = " AND (%s, id) %s (?, ?)";

  /** The order, by sort column and direction; parameter: how many rows. */
  private static final String LIST_ORDER = " ORDER BY %1$s %2$s, id %2$s FETCH FIRST ? ROWS ONLY";

  /** {@link #LIST_AFTER} for {@code sort}. */
  static String listAfter(SessionSort sort) {
    return LIST_AFTER.formatted(SORT_COLUMNS[sort.key().ordinal()], sort.descending() ? "<" : ">");
  }

  /** {@link #LIVE_KEYS} for {@code sort}. */
  static String liveKeys(SessionSort sort) {
    return LIVE_KEYS.formatted(SORT_COLUMNS[sort.key().ordinal()]);
  }

  /** {@link #ORDER_ONLY} for {@code sort}. */
  static String orderOnly(SessionSort sort) {
    return ORDER_ONLY.formatted(
        SORT_COLUMNS[sort.key().ordinal()], sort.descending() ? "DESC" : "ASC");
  }

  /** {@link #LIST_ORDER} for {@code sort}. */
  static String listOrder(SessionSort sort) {
    return LIST_ORDER.formatted(
        SORT_COLUMNS[sort.key().ordinal()], sort.descending() ? "DESC" : "ASC");
  }

  /**
   * Ends one session if it has not ended and, unless the expiry given (twice) is null, if its
   * stored {@code expires_at} is still that; parameters as {@link SessionRows#bindEnd} sets them.
   * The end is recorded at the database's own time too ({@code end_recorded_at}), with the id of
   * the transaction that ends it ({@code end_xid}, PostgreSQL only) and the node that ended it
   * ({@code end_node}): what the other nodes' {@link ClusterListener}s poll for. No notification.
   */
  static final String END =
      "UPDATE sl_sessions SET ended_at = ?, end_reason = ?, end_scope = ?,"
          + " end_limit = ?, end_login_at = ?, end_login_ip = ?, end_login_user_agent = ?,"
          + " end_login_device = ?, end_login_session_id = ?, end_actor = ?,"
          + " end_recorded_at = "
          + CLOCK
          + ", end_xid = "
          + TRANSACTION_ID
          + ", end_node = ?"
          + " WHERE id = ? AND ended_at IS NULL"
          + " AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR expires_at = ?)";

  /**
   * PostgreSQL, the cluster listener's poll ({@link ClusterListener}): the statement's own snapshot
   * ({@code xmin:xmax:xip,...}), the database's time, and the sessions whose end the previous
   * poll's snapshot did not see, ended by another node; one row with NULL columns if there are
   * none. Parameters: the previous snapshot's xmax, this node, the previous snapshot's running
   * transactions ({@code {xid,...}}), this node. Two scans of the {@code end_xid} index, not one
   * OR: the generic plan of an OR walks the whole index, every tombstone.
   */
  static final String ENDS_SINCE_SNAPSHOT =
      "WITH s AS (SELECT CAST(pg_current_snapshot() AS text) AS snapshot,"
          + " clock_timestamp() AS now)"
          + " SELECT s.snapshot, s.now, e.* FROM s LEFT JOIN ("
          + SELECT
          + " WHERE end_xid >= CAST(? AS xid8) AND end_node IS DISTINCT FROM ?"
          + " UNION ALL "
          + SELECT
          + " WHERE end_xid = ANY (CAST(? AS xid8[])) AND end_node IS DISTINCT FROM ?) e ON TRUE";

  /** PostgreSQL: the first snapshot of a chain of polls, and the database's time. */
  static final String SNAPSHOT =
      "SELECT CAST(pg_current_snapshot() AS text) AS snapshot, clock_timestamp() AS now";

  /** Parameters: last seen, expires, id, last seen before (compare-and-set). */
  static final String TOUCH =
      "UPDATE sl_sessions SET last_seen_at = ?, expires_at = ?"
          + " WHERE id = ? AND ended_at IS NULL AND last_seen_at = ?";

  /** Parameters: now, how many. */
  static final String EXPIRED_BATCH =
      SELECT
          + " WHERE ended_at IS NULL AND expires_at <= ? ORDER BY expires_at FETCH FIRST ? ROWS"
          + " ONLY";

  /**
   * Parameters: ended by, how many. Ordered by ended_at so that both databases walk the tombstone
   * index from its oldest end: without the order PostgreSQL prefers a sequential scan, which reads
   * the whole table for each batch.
   */
  static final String FORGET_BATCH =
      "DELETE FROM sl_sessions WHERE id IN (SELECT id"
          + " FROM sl_sessions WHERE ended_at <= ? ORDER BY ended_at FETCH FIRST ? ROWS ONLY)";

  /**
   * The next window of lock rows purge may delete, in subject order; parameters: scope, after
   * subject, made by, how many. {@code %s} is the column of the scope's subject.
   */
  private static final String SWEEP_WINDOW =
      "SELECT q.subject FROM sl_quota_locks q"
          + " WHERE q.scope = ? AND q.subject > ? AND q.created_at <= ?"
          + " AND NOT EXISTS (SELECT 1 FROM sl_sessions s WHERE s.%s = q.subject"
          + " AND s.ended_at IS NULL) ORDER BY q.subject FETCH FIRST ? ROWS ONLY";

  /**
   * Deletes the deletable lock rows of a window, checking each condition again; parameters: scope,
   * after subject, made by, up to subject.
   */
  private static final String SWEEP_DELETE =
      "DELETE FROM sl_quota_locks q"
          + " WHERE q.scope = ? AND q.subject > ? AND q.created_at <= ?"
          + " AND NOT EXISTS (SELECT 1 FROM sl_sessions s WHERE s.%s = q.subject"
          + " AND s.ended_at IS NULL) AND q.subject <= ?";

  static final String SWEEP_USERS = SWEEP_WINDOW.formatted("user_name");
  static final String SWEEP_IPS = SWEEP_WINDOW.formatted("client_ip");
  static final String SWEEP_USERS_DELETE = SWEEP_DELETE.formatted("user_name");
  static final String SWEEP_IPS_DELETE = SWEEP_DELETE.formatted("client_ip");

  /**
   * {@code sql} with {@link #CLOCK} and {@link #TRANSACTION_ID} replaced by {@code dialect}'s SQL.
   */
  static String forDialect(String sql, Dialect dialect) {
    return sql.replace(CLOCK, dialect.clock()).replace(TRANSACTION_ID, dialect.transactionId());
  }

  /**
   * PostgreSQL, {@code [n][commit]}: {@link #END} {@code n} times, then {@link #INSERT}, then, if
   * {@code commit} is 1, {@code COMMIT}; one prepared statement each.
   */
  static String[][] endsAndInsert(int most) {
    String end = forDialect(END, Dialect.POSTGRESQL);
    String[][] sql = new String[most + 1][2];
    for (int n = 0; n <= most; n++) {
      String statements = String.join("; ", Collections.nCopies(n, end));
      sql[n][0] = (n == 0 ? "" : statements + "; ") + INSERT;
      sql[n][1] = sql[n][0] + "; COMMIT";
    }
    return sql;
  }
}
