package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.instant;
import static dev.sessionlimits.store.jdbc.Sql.micros;
import static dev.sessionlimits.store.jdbc.Sql.setInstant;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.EndCause;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Immediate;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.Quota;
import dev.sessionlimits.core.QuotaDecision;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Scope;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.SessionListener;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.core.TokenHash;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The {@link SessionStore} on H2 or PostgreSQL.
 *
 * <p>Design note. Correctness comes from the database alone, never from this JVM, so any number of
 * nodes may share one database.
 *
 * <p>Only {@link #open} makes a session live, and it does so in one READ COMMITTED transaction that
 * first locks two rows of {@code sl_quota_locks} with {@code SELECT ... FOR UPDATE}, always in the
 * same order: the address's row ({@code 'ip'}) and then the user's ({@code 'user'}). Holding both,
 * it reads the unended sessions of the user and of the address, asks {@link Quota#decide} about
 * the live ones, ends the evicted sessions, the expired ones it left out of the count and the
 * session the login supersedes (also left out of the count; read by its token hash if neither read
 * found it), and inserts the new one. The live sessions of a user (or of an address) can therefore only grow
 * while that user's (address's) row is locked, and because each statement of a
 * READ COMMITTED transaction sees everything committed before it started, the read after the locks
 * sees every session that earlier holders committed. That keeps every limit exact. A scope the
 * login's policy leaves unlimited is neither locked nor read (an exempt administrator, or no address
 * limit): such a login may add to that scope's count unseen, which is what an unlimited login may do
 * anyway, and a login that the scope does limit still sees every session committed before its own
 * read; a login that no scope limits is a single INSERT in autocommit mode. REPEATABLE READ would
 * break it: its snapshot is taken before the lock wait and misses the previous holder's session.
 * The fixed order means two logins never wait for each other in a cycle.
 *
 * <p>Round trips. On H2, in this process, each statement is run on its own. On PostgreSQL a login
 * that a scope limits takes two round trips. The first carries the driver's BEGIN, the locks and
 * the reads as the separate statements of one prepared statement ({@code "lock; read"}): the driver
 * sends each statement's Parse, Bind and Execute and one Sync for all, and the server runs them one
 * after the other, taking each read's snapshot when it binds it, after the locks are granted; so
 * the reads see exactly what they would see sent one by one. (One statement that both locked and
 * read would not: its single snapshot is taken before the lock wait.) The second carries, likewise,
 * one statement for each session to end, in ascending id order (an UPDATE of the row by its id that
 * calls {@code pg_notify} if it ended the session), the INSERT of the new session and
 * {@code COMMIT}; the driver, having seen the transaction end, sends nothing for the commit that
 * follows. After its first few executions on a connection the server reuses one generic plan for
 * each of these statements (one UPDATE joined to arrays of all the sessions would be planned anew
 * for every login, as its row estimate depends on the arrays' length). A login that records
 * expiries leaves the {@code COMMIT} out and sends it after checking them (below), one round trip
 * more; one that ends more than {@link #PIPELINED_ENDS} sessions ends them one round trip each; a
 * refused login commits after the first.
 *
 * <p>A missing lock row is inserted in autocommit mode, outside the login's transaction, and the
 * transaction is run again. {@link #purge} deletes the lock rows, an hour old or more, of subjects
 * without live sessions; it can only delete a row nobody holds, and a login that was waiting for a
 * deleted row finds fewer rows than it asked for and starts over the same way, so no two logins ever
 * hold different rows for one subject.
 *
 * <p>A session ends by a conditional UPDATE of its row ({@code ... AND ended_at IS NULL}): the
 * first ender wins, and only it tells the listeners. Ends decided from the expiry the caller read
 * ({@link #end}, expiries found by {@link #find}, {@link #touch} and {@link #purge}) also require
 * {@code expires_at} to be unchanged, so a concurrent touch makes them read again rather than end a
 * session that was just extended (a login's expiries too: it then counts again); evictions do not,
 * since they must end the session whatever its activity. Ending takes no quota lock: it only
 * lowers counts. Touches are compare-and-set on {@code last_seen_at} (or batched, below). Only a
 * login's evictions and expiries, purge's expiry batches and touch batches lock more than one
 * session row in a transaction; the first two lock them in ascending id order, and touch batches
 * are sorted by id too (should a plan not follow that order, a deadlock is retried like any
 * other).
 *
 * <p>Listeners are told after the commit, outside any transaction.
 *
 * <p>Ends reach every node. On PostgreSQL every end also sends {@code pg_notify} on
 * {@link EndNotices#CHANNEL} in the transaction that ends the session, so it is delivered on commit
 * and only then: a single end as one statement ({@code WITH ended AS (UPDATE ... RETURNING id)
 * SELECT pg_notify(...) FROM ended}), the ends of a login likewise, one notification for each
 * session from the statement that ends them, and the ends of a purge batch as one or more payloads
 * before the commit. The payload names this node, so its {@link ClusterListener} skips
 * what this node already announced. Each end also records the database's own time in
 * {@code end_recorded_at}, which a node that lost its listener searches after reconnecting.
 *
 * <p>Cache and batched touches (the embedded store and {@link JdbcStore#postgres}; not
 * {@link JdbcStore#using}). {@link #find} and {@link #touch} answer a live session from the
 * {@link SessionCache} while it may be trusted, and a touch then only replaces the cached session
 * and queues its new activity in the {@link TouchBatcher}. Everything else reads the database, and
 * every read of a session row is seen through {@link TouchBatcher#overlay}, so this node never acts
 * on an expiry its own queued touch has moved. The design notes of those two classes give their
 * rules; the ones that concern this class: (1) an expiry found in the cache is confirmed here
 * against the database before the session is recorded as ended; (2) an end conditional on the
 * expiry compares the row's stored {@code expires_at}, never the overlaid one; (3) a login counts a
 * session as expired only if it records that expiry in its own transaction, in the same ascending id
 * order as its evictions, and reads again if the row was extended meanwhile, so a touch still queued
 * on another node cannot bring it back above the limit; (4) every end this node makes or hears of
 * is removed from the cache after the commit, before the listeners are told and before the call
 * returns.
 */
final class JdbcSessions implements SessionStore {

  private static final System.Logger LOG = System.getLogger(JdbcSessions.class.getName());

  /** The longest id, user name, address or authentication method the schema holds. */
  static final int MAX_KEY_LENGTH = 255;

  /** How often a login starts over because its lock rows were missing before it gives up. */
  private static final int LOCK_ROUNDS = 5;

  /**
   * How old a lock row must be before purge may delete it (when its subject has no live session).
   * Logins that find their row deleted make it again, now; so a login starts over at most once per
   * this period because of purge, and purge can never keep a login out.
   */
  static final Duration LOCK_ROW_AGE = Duration.ofHours(1);

  /** How often one call re-reads a session that changed under it before it gives up. */
  private static final int CHANGE_ROUNDS = 16;

  private static final String USER = "user";
  private static final String IP = "ip";

  /** The columns {@link #read} reads, in its order; {@code end_recorded_at} is the last. */
  static final String COLUMNS = "id, token_hash, user_name, client_ip, user_agent, device,"
      + " auth_method, created_at, last_seen_at, expires_at, absolute_expires_at, ended_at,"
      + " end_reason, end_scope, end_limit, end_login_at, end_login_ip, end_login_user_agent,"
      + " end_login_device, end_login_session_id, end_actor, end_recorded_at";
  static final int END_RECORDED_COLUMN = 22;
  private static final String SELECT = "SELECT " + COLUMNS + " FROM sl_sessions";
  private static final String UNENDED = " AND ended_at IS NULL";

  private static final String LOCK =
      "SELECT subject FROM sl_quota_locks WHERE scope = ? AND subject = ? FOR UPDATE";
  private static final String CREATE_LOCK = "INSERT INTO sl_quota_locks (scope, subject, created_at)"
      + " SELECT ?, ?, ? WHERE NOT EXISTS"
      + " (SELECT 1 FROM sl_quota_locks WHERE scope = ? AND subject = ?)";
  private static final String UNENDED_OF_USER = SELECT + " WHERE user_name = ?" + UNENDED;
  private static final String UNENDED_FROM_IP = SELECT + " WHERE client_ip = ?" + UNENDED;
  private static final String LOCK_AND_READ_USER = LOCK + "; " + UNENDED_OF_USER;
  private static final String LOCK_AND_READ_IP = LOCK + "; " + UNENDED_FROM_IP;
  private static final String LOCK_AND_READ_BOTH =
      LOCK + "; " + LOCK + "; " + UNENDED_OF_USER + "; " + UNENDED_FROM_IP;
  private static final String STILL_UNENDED =
      "SELECT 1 FROM sl_sessions WHERE id = ? AND ended_at IS NULL";
  private static final String INSERT = "INSERT INTO sl_sessions (id, token_hash, user_name,"
      + " client_ip, user_agent, device, auth_method, created_at, last_seen_at, expires_at,"
      + " absolute_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  /**
   * Ends one session, if it has not ended and, unless the expiry given is null, if its stored
   * {@code expires_at} is still that; notifies every node of the end and answers the session's id.
   */
  private static final String END_ONE = "WITH ended AS (UPDATE sl_sessions SET ended_at = ?,"
      + " end_reason = ?, end_scope = ?, end_limit = ?, end_login_at = ?, end_login_ip = ?,"
      + " end_login_user_agent = ?, end_login_device = ?, end_login_session_id = ?, end_actor = ?,"
      + " end_recorded_at = clock_timestamp() WHERE id = ? AND ended_at IS NULL"
      + " AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR expires_at = ?) RETURNING id)"
      + " SELECT id, pg_notify(?, ?) FROM ended";

  /** The most sessions a login ends in its second round trip; it ends more one by one. */
  private static final int PIPELINED_ENDS = 16;

  /**
   * {@code [n][commit]}: {@link #END_ONE} {@code n} times, then {@link #INSERT}, then, if
   * {@code commit} is 1, {@code COMMIT}; one prepared statement each.
   */
  private static final String[][] ENDS_AND_INSERT = endsAndInsert();

  private static final String TOUCH = "UPDATE sl_sessions SET last_seen_at = ?, expires_at = ?"
      + " WHERE id = ? AND ended_at IS NULL AND last_seen_at = ?";
  private static final String EXPIRED_BATCH = SELECT
      + " WHERE ended_at IS NULL AND expires_at <= ? ORDER BY expires_at FETCH FIRST ? ROWS ONLY";
  // Ordered by ended_at so that both databases walk the tombstone index from its oldest end: without
  // the order PostgreSQL prefers a sequential scan, which reads the whole table for each batch.
  private static final String FORGET_BATCH = "DELETE FROM sl_sessions WHERE id IN"
      + " (SELECT id FROM sl_sessions WHERE ended_at <= ? ORDER BY ended_at FETCH FIRST ? ROWS ONLY)";
  private static final String SWEEP_USERS = sweepWindow("user_name");
  private static final String SWEEP_IPS = sweepWindow("client_ip");
  private static final String SWEEP_USERS_DELETE = sweepDelete("user_name");
  private static final String SWEEP_IPS_DELETE = sweepDelete("client_ip");
  private static final String NOTIFY = "SELECT pg_notify(?, ?)";

  private final Database db;
  private final int batchSize;
  private final String nodeId;
  private final boolean notifies;
  private final boolean pipelines;
  private final SessionCache cache;
  private final TouchBatcher touches;
  private final String endSql;
  private final String endIfUnchangedSql;
  private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param nodeId names this node in the notifications it sends
   * @param cache the cache of live sessions, or null for none; with a cache, touches are batched
   */
  JdbcSessions(Database db, int batchSize, String nodeId, SessionCache cache) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    this.db = db;
    this.batchSize = batchSize;
    this.nodeId = requireNonNull(nodeId, "nodeId");
    this.notifies = db.vendor() == Vendor.POSTGRESQL;
    this.pipelines = notifies;
    this.cache = cache;
    this.touches = (cache == null) ? null : new TouchBatcher(db);
    // PostgreSQL: the time of the statement, not of the transaction, which may have waited for locks.
    String clock = notifies ? "clock_timestamp()" : "CURRENT_TIMESTAMP";
    this.endSql = "UPDATE sl_sessions SET ended_at = ?, end_reason = ?,"
        + " end_scope = ?, end_limit = ?, end_login_at = ?, end_login_ip = ?,"
        + " end_login_user_agent = ?, end_login_device = ?, end_login_session_id = ?, end_actor = ?,"
        + " end_recorded_at = " + clock + " WHERE id = ? AND ended_at IS NULL";
    this.endIfUnchangedSql = endSql + " AND expires_at = ?";
  }

  /** The lock rows purge may delete: of one scope, after a subject, old enough, without sessions. */
  private static String sweepable(String column) {
    return " WHERE q.scope = ? AND q.subject > ? AND q.created_at <= ?"
        + " AND NOT EXISTS (SELECT 1 FROM sl_sessions s WHERE s." + column + " = q.subject"
        + " AND s.ended_at IS NULL)";
  }

  /** The next window of deletable lock rows, in subject order. */
  private static String sweepWindow(String column) {
    return "SELECT q.subject FROM sl_quota_locks q" + sweepable(column)
        + " ORDER BY q.subject FETCH FIRST ? ROWS ONLY";
  }

  /** Deletes the deletable lock rows up to a subject, checking each condition again. */
  private static String sweepDelete(String column) {
    return "DELETE FROM sl_quota_locks q" + sweepable(column) + " AND q.subject <= ?";
  }

  private static String[][] endsAndInsert() {
    String[][] sql = new String[PIPELINED_ENDS + 1][2];
    for (int n = 0; n <= PIPELINED_ENDS; n++) {
      String statements = String.join("; ", Collections.nCopies(n, END_ONE));
      sql[n][0] = (n == 0 ? "" : statements + "; ") + INSERT;
      sql[n][1] = sql[n][0] + "; COMMIT";
    }
    return sql;
  }

  /** The node id this store's notifications carry. */
  String nodeId() {
    return nodeId;
  }

  /** The cache, or null: for {@link JdbcStore} and tests. */
  SessionCache cache() {
    return cache;
  }

  /** The touch queue, or null when touches are written at once: for tests. */
  TouchBatcher touches() {
    return touches;
  }

  // ---- open

  @Override
  public OpenResult open(Session candidate, QuotaPolicy policy) {
    return open(candidate, policy, null);
  }

  @Override
  public OpenResult open(Session candidate, QuotaPolicy policy, TokenHash supersedes) {
    requireNonNull(candidate, "candidate");
    requireNonNull(policy, "policy");
    if (candidate.end() != null) {
      throw new IllegalArgumentException("cannot open an ended session: " + candidate.id());
    }
    requireKeyLength(candidate.id(), "session id");
    requireKeyLength(candidate.user(), "user name");
    requireKeyLength(candidate.clientIp(), "client address");
    requireKeyLength(candidate.authMethod(), "authentication method");
    Session session = normalized(candidate);
    Supplier<String> what = () -> "open session " + session.id() + " of user " + session.user()
        + " from " + session.clientIp();
    long generation = (cache == null) ? 0 : cache.generation(session.tokenHash());
    // An unlimited scope is neither locked nor read: logins behind one NAT address must not queue
    // for it, and its size must not slow a login down. Only a login that a scope limits needs to
    // see that scope's count exactly.
    boolean userLimited = policy.userLimit() != QuotaPolicy.UNLIMITED;
    boolean ipLimited = policy.ipLimit() != QuotaPolicy.UNLIMITED;
    TokenHash presented = session.tokenHash().equals(supersedes) ? null : supersedes;
    if (!userLimited && !ipLimited) {
      return openUnlimited(session, policy, what, generation, presented);
    }
    for (int round = 1; ; round++) {
      Opening opening = db.transaction(what, connection ->
          openLocked(connection, session, policy, userLimited, ipLimited, presented));
      if (opening != null) {
        afterEnds(opening.ended());
        if (cache != null && opening.result() instanceof OpenResult.Opened) {
          cache.putIfUnchanged(session, generation);
        }
        return opening.result();
      }
      if (round == LOCK_ROUNDS) {
        throw new StoreUnavailableException("Could not " + what.get() + " on " + db.vendor()
            + ": its quota lock rows (user " + session.user() + ", address " + session.clientIp()
            + ") went missing " + LOCK_ROUNDS + " times in a row", null);
      }
      db.autocommit(what, connection -> {
        createLockRow(connection, IP, session.clientIp(), session.createdAt());
        createLockRow(connection, USER, session.user(), session.createdAt());
        return null;
      });
    }
  }

  /** What a login did: its result, and every session it ended (evicted, or found expired). */
  private record Opening(OpenResult result, List<Session> ended) {}

  /**
   * One session a login ends, as this node sees it, with its end; for an expiry, also the
   * {@code expires_at} stored when the login read it, which the end requires unchanged.
   */
  private record PlannedEnd(Session session, SessionEnd end, Instant storedExpiry) {}

  /** The unended sessions a login read, each as stored and as this node sees it, live or not. */
  private static final class Unended {
    final Map<String, Session> stored = new HashMap<>();
    final Map<String, Session> expired = new HashMap<>();
    final Map<String, Session> ofUser = new LinkedHashMap<>();
    final Map<String, Session> fromIp = new LinkedHashMap<>();
  }

  /**
   * A login that no limit constrains: nothing to lock, read or end, so one INSERT; with the session
   * it supersedes, if live, ended in the same transaction.
   */
  private OpenResult openUnlimited(Session session, QuotaPolicy policy, Supplier<String> what,
      long generation, TokenHash supersedes) {
    QuotaDecision decision =
        Quota.decide(session.attempt(), List.of(), List.of(), policy, session.createdAt());
    if (decision instanceof QuotaDecision.Deny deny) {
      return new OpenResult.Refused(deny);
    }
    Session superseded = null;
    if (supersedes == null) {
      db.autocommit(what, connection -> {
        insert(connection, session);
        db.persist(connection);
        return null;
      });
    } else {
      superseded = db.transaction(what, connection -> {
        Session presented = presentedLive(connection, supersedes, session.createdAt());
        SessionEnd end = supersededEnd(session);
        boolean ended = presented != null && endRow(connection, presented.id(), end, null, true);
        insert(connection, session);
        return ended ? presented.withEnd(end) : null;
      });
      afterEnds(superseded == null ? List.of() : List.of(superseded));
    }
    if (cache != null) {
      cache.putIfUnchanged(session, generation);
    }
    return new OpenResult.Opened(session, List.of(), superseded);
  }

  /** The end of the session a login presented, superseded by the new {@code login}. */
  private static SessionEnd supersededEnd(Session login) {
    return new SessionEnd(EndReason.SUPERSEDED, login.createdAt(), EndCause.supersededBy(login));
  }

  /** The live session (as this node sees it) whose token hash is {@code tokenHash}, or null. */
  private Session presentedLive(Connection connection, TokenHash tokenHash, Instant now)
      throws SQLException {
    Session row = selectOne(connection, " WHERE token_hash = ?", tokenHash.hex());
    if (row == null || row.end() != null) {
      return null;
    }
    Session seen = overlay(row);
    return seen.isLive(now) ? seen : null;
  }

  /**
   * The live session with {@code tokenHash} among those a login read, taken out of its counts; if
   * the login did not read it (another user, another address, or an unlimited scope), read now.
   * Null if there is none, or it has expired (then the login records it as an expiry).
   */
  private Session takePresented(Connection connection, TokenHash tokenHash, Unended unended,
      Instant now) throws SQLException {
    for (Session stored : unended.stored.values()) {
      if (stored.tokenHash().equals(tokenHash)) {
        Session user = unended.ofUser.remove(stored.id());
        Session ip = unended.fromIp.remove(stored.id());
        return (user != null) ? user : ip;
      }
    }
    return presentedLive(connection, tokenHash, now);
  }

  /** The outcome with the quota rows of the limited scopes held, or null if a row is missing. */
  private Opening openLocked(Connection connection, Session session, QuotaPolicy policy,
      boolean userLimited, boolean ipLimited, TokenHash supersedes) throws SQLException {
    Instant now = session.createdAt();
    Unended unended = new Unended();
    boolean locked = pipelines
        ? lockAndReadInOneRoundTrip(connection, session, userLimited, ipLimited, now, unended)
        : lockAndRead(connection, session, userLimited, ipLimited, now, unended);
    if (!locked) {
      return null;
    }
    // Left out of the counts here and ended below, in the same transaction as the INSERT.
    Session presented = (supersedes == null) ? null
        : takePresented(connection, supersedes, unended, now);
    QuotaDecision decision = Quota.decide(session.attempt(), unended.ofUser.values(),
        unended.fromIp.values(), policy, now);
    if (decision instanceof QuotaDecision.Deny deny) {
      return new Opening(new OpenResult.Refused(deny), List.of());
    }
    List<QuotaDecision.Eviction> evictions = ((QuotaDecision.Admit) decision).evictions();
    // Evictions and the expiries this login left out of its count, in one ascending id order.
    TreeMap<String, PlannedEnd> toEnd = new TreeMap<>();
    for (QuotaDecision.Eviction eviction : evictions) {
      SessionEnd end = new SessionEnd(EndReason.SESSION_LIMIT_REACHED, now,
          EndCause.limitReached(eviction.scope(), eviction.limit(), session));
      toEnd.put(eviction.session().id(), new PlannedEnd(eviction.session(), end, null));
    }
    if (presented != null) {
      toEnd.put(presented.id(), new PlannedEnd(presented, supersededEnd(session), null));
    }
    for (Session lapsed : unended.expired.values()) {
      toEnd.putIfAbsent(lapsed.id(), new PlannedEnd(lapsed, lapsed.endAt(now),
          unended.stored.get(lapsed.id()).expiresAt()));
    }
    Set<String> done = (pipelines && toEnd.size() <= PIPELINED_ENDS)
        ? endInsertAndCommit(connection, toEnd.values(), session)
        : endAndInsert(connection, toEnd.values(), session);
    List<Session> inDecisionOrder = new ArrayList<>(evictions.size());
    for (QuotaDecision.Eviction eviction : evictions) {
      if (done.contains(eviction.session().id())) {
        inDecisionOrder.add(eviction.session().withEnd(toEnd.get(eviction.session().id()).end()));
      }
    }
    List<Session> all = new ArrayList<>(inDecisionOrder);
    Session superseded = null;
    if (presented != null && done.contains(presented.id())) {
      superseded = presented.withEnd(toEnd.get(presented.id()).end());
      all.add(superseded);
    }
    for (PlannedEnd planned : toEnd.values()) {
      if (planned.storedExpiry() != null && done.contains(planned.session().id())) {
        all.add(planned.session().withEnd(planned.end()));
      }
    }
    return new Opening(new OpenResult.Opened(session, inDecisionOrder, superseded), all);
  }

  /** H2: locks and reads statement by statement; false if a quota row is missing. */
  private boolean lockAndRead(Connection connection, Session session, boolean userLimited,
      boolean ipLimited, Instant now, Unended unended) throws SQLException {
    if ((ipLimited && !lock(connection, IP, session.clientIp()))
        || (userLimited && !lock(connection, USER, session.user()))) {
      return false;
    }
    if (userLimited) {
      try (PreparedStatement select = connection.prepareStatement(UNENDED_OF_USER)) {
        select.setString(1, session.user());
        try (ResultSet rows = select.executeQuery()) {
          collect(rows, now, unended, unended.ofUser);
        }
      }
    }
    if (ipLimited) {
      try (PreparedStatement select = connection.prepareStatement(UNENDED_FROM_IP)) {
        select.setString(1, session.clientIp());
        try (ResultSet rows = select.executeQuery()) {
          collect(rows, now, unended, unended.fromIp);
        }
      }
    }
    return true;
  }

  /**
   * PostgreSQL: the same statements as {@link #lockAndRead}, sent together (with the driver's
   * BEGIN) and answered in one round trip; false if a quota row is missing.
   */
  private boolean lockAndReadInOneRoundTrip(Connection connection, Session session,
      boolean userLimited, boolean ipLimited, Instant now, Unended unended) throws SQLException {
    String sql =
        !ipLimited ? LOCK_AND_READ_USER : userLimited ? LOCK_AND_READ_BOTH : LOCK_AND_READ_IP;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int index = 1;
      if (ipLimited) {
        statement.setString(index++, IP);
        statement.setString(index++, session.clientIp());
      }
      if (userLimited) {
        statement.setString(index++, USER);
        statement.setString(index++, session.user());
        statement.setString(index++, session.user());
      }
      if (ipLimited) {
        statement.setString(index, session.clientIp());
      }
      statement.execute();
      int locks = (ipLimited && userLimited) ? 2 : 1;
      for (int i = 0; i < locks; i++) {
        try (ResultSet rows = statement.getResultSet()) {
          if (!rows.next()) {
            return false;
          }
        }
        statement.getMoreResults();
      }
      if (userLimited) {
        try (ResultSet rows = statement.getResultSet()) {
          collect(rows, now, unended, unended.ofUser);
        }
        statement.getMoreResults();
      }
      if (ipLimited) {
        try (ResultSet rows = statement.getResultSet()) {
          collect(rows, now, unended, unended.fromIp);
        }
      }
      return true;
    }
  }

  /**
   * Reads unended sessions of one user or address: each row as stored into {@code unended}, and as
   * this node sees it ({@link #overlay}) into {@code live} or the expired ones by {@code now}.
   */
  private void collect(ResultSet rows, Instant now, Unended unended, Map<String, Session> live)
      throws SQLException {
    while (rows.next()) {
      Session row = read(rows);
      unended.stored.put(row.id(), row);
      Session seen = overlay(row);
      if (seen.isLive(now)) {
        live.put(seen.id(), seen);
      } else {
        unended.expired.put(seen.id(), seen);
      }
    }
  }

  /**
   * Ends {@code toEnd} one statement each (on PostgreSQL notifying every node of each end), then
   * inserts {@code session}; the ids it ended. Throws a serialization failure if an expiry was not
   * recorded because the session was extended meanwhile, so the login counts again.
   */
  private Set<String> endAndInsert(Connection connection, Collection<PlannedEnd> toEnd,
      Session session) throws SQLException {
    Set<String> done = new HashSet<>();
    for (PlannedEnd planned : toEnd) {
      String id = planned.session().id();
      if (endRow(connection, id, planned.end(), planned.storedExpiry(), true)) {
        done.add(id);
      } else if (planned.storedExpiry() != null && stillUnended(connection, id)) {
        throw extendedMeanwhile(id);
      }
    }
    insert(connection, session);
    return done;
  }

  /**
   * PostgreSQL: {@link #endAndInsert} in one round trip that also commits; the ids it ended. A
   * login that records expiries commits only after checking them, leaving the commit to the caller.
   */
  private Set<String> endInsertAndCommit(Connection connection, Collection<PlannedEnd> toEnd,
      Session session) throws SQLException {
    boolean expiries = false;
    for (PlannedEnd planned : toEnd) {
      expiries |= planned.storedExpiry() != null;
    }
    Set<String> done = new HashSet<>();
    try (PreparedStatement statement =
        connection.prepareStatement(ENDS_AND_INSERT[toEnd.size()][expiries ? 0 : 1])) {
      int index = 1;
      for (PlannedEnd planned : toEnd) {
        String id = planned.session().id();
        SessionEnd end = planned.end();
        EndCause cause = end.cause();
        setInstant(statement, index++, end.at());
        statement.setString(index++, end.reason().code());
        statement.setString(index++, cause.scope() == null ? null : cause.scope().code());
        Sql.setInteger(statement, index++, cause.limit());
        setInstant(statement, index++, cause.loginAt());
        statement.setString(index++, cause.loginIp());
        statement.setString(index++, cause.loginUserAgent());
        statement.setString(index++, cause.loginDevice());
        statement.setString(index++, cause.loginSessionId());
        statement.setString(index++, cause.actor());
        statement.setString(index++, id);
        setInstant(statement, index++, planned.storedExpiry());
        setInstant(statement, index++, planned.storedExpiry());
        statement.setString(index++, EndNotices.CHANNEL);
        statement.setString(index++, EndNotices.payloads(nodeId, List.of(id)).get(0));
      }
      bindInsert(statement, index, session);
      try {
        statement.execute();
      } catch (SQLException e) {
        if (Database.isUniqueViolation(e)) {
          throw duplicate(session);
        }
        throw e;
      }
      for (PlannedEnd planned : toEnd) {
        try (ResultSet rows = statement.getResultSet()) {
          if (rows.next()) {
            done.add(planned.session().id());
          }
        }
        statement.getMoreResults();
      }
    }
    if (expiries) {
      for (PlannedEnd planned : toEnd) {
        String id = planned.session().id();
        if (planned.storedExpiry() != null && !done.contains(id) && stillUnended(connection, id)) {
          throw extendedMeanwhile(id);
        }
      }
    }
    return done;
  }

  /** A touch was written since the login's read: the session is live after all, so count again. */
  private static SQLException extendedMeanwhile(String sessionId) {
    return new SQLTransactionRollbackException("session " + sessionId + " was extended while a"
        + " login counted it as expired");
  }

  private static boolean stillUnended(Connection connection, String sessionId) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(STILL_UNENDED)) {
      select.setString(1, sessionId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static boolean lock(Connection connection, String scope, String subject)
      throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
      lock.setString(1, scope);
      lock.setString(2, subject);
      try (ResultSet rows = lock.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static void createLockRow(Connection connection, String scope, String subject,
      Instant now) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(CREATE_LOCK)) {
      insert.setString(1, scope);
      insert.setString(2, subject);
      setInstant(insert, 3, now);
      insert.setString(4, scope);
      insert.setString(5, subject);
      insert.executeUpdate();
    } catch (SQLException e) {
      if (!Database.isUniqueViolation(e)) {
        throw e;
      }
    }
  }

  private static void insert(Connection connection, Session session) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      bindInsert(insert, 1, session);
      insert.executeUpdate();
    } catch (SQLException e) {
      if (Database.isUniqueViolation(e)) {
        throw duplicate(session);
      }
      throw e;
    }
  }

  /** Sets the parameters of {@link #INSERT} from {@code first} on; the index after them. */
  private static int bindInsert(PreparedStatement insert, int first, Session session)
      throws SQLException {
    int index = first;
    insert.setString(index++, session.id());
    insert.setString(index++, session.tokenHash().hex());
    insert.setString(index++, session.user());
    insert.setString(index++, session.clientIp());
    insert.setString(index++, session.userAgent());
    insert.setString(index++, session.device());
    insert.setString(index++, session.authMethod());
    setInstant(insert, index++, session.createdAt());
    setInstant(insert, index++, session.lastSeenAt());
    setInstant(insert, index++, session.expiresAt());
    setInstant(insert, index++, session.absoluteExpiresAt());
    return index;
  }

  /** The driver's message would carry the whole token hash; this one names only its prefix. */
  private static IllegalArgumentException duplicate(Session session) {
    return new IllegalArgumentException("a session with id " + session.id() + " or token "
        + session.tokenHash() + " exists already");
  }

  // ---- lookups

  @Override
  public Lookup find(TokenHash tokenHash, Instant now) {
    return lookup(tokenHash, now, null);
  }

  @Override
  public Lookup touch(TokenHash tokenHash, Instant now, Duration idleTimeout) {
    requireNonNull(idleTimeout, "idleTimeout");
    return lookup(tokenHash, now, idleTimeout);
  }

  @Override
  public Immediate<Lookup> findWithoutWaiting(TokenHash tokenHash, Instant now) {
    requireNonNull(tokenHash, "tokenHash");
    requireNonNull(now, "now");
    return withoutWaiting(tokenHash, now, null);
  }

  @Override
  public Immediate<Lookup> touchWithoutWaiting(TokenHash tokenHash, Instant now,
      Duration idleTimeout) {
    requireNonNull(tokenHash, "tokenHash");
    requireNonNull(now, "now");
    requireNonNull(idleTimeout, "idleTimeout");
    return withoutWaiting(tokenHash, now, idleTimeout);
  }

  private Immediate<Lookup> withoutWaiting(TokenHash tokenHash, Instant now, Duration idleTimeout) {
    Lookup cached = (cache == null) ? null : fromCache(tokenHash, now, idleTimeout);
    return (cached == null) ? Immediate.mustWait() : Immediate.known(cached);
  }

  private Lookup lookup(TokenHash tokenHash, Instant now, Duration idleTimeout) {
    requireNonNull(tokenHash, "tokenHash");
    requireNonNull(now, "now");
    if (cache != null) {
      Lookup cached = fromCache(tokenHash, now, idleTimeout);
      if (cached != null) {
        return cached;
      }
    }
    long generation = (cache == null) ? 0 : cache.generation(tokenHash);
    Supplier<String> what = () -> (idleTimeout == null ? "look up" : "touch") + " the session of token "
        + tokenHash.prefix() + "…";
    List<Session> ended = new ArrayList<>(1);
    Lookup lookup = db.lookup(what, connection -> {
      for (int round = 0; round < CHANGE_ROUNDS; round++) {
        Session row = selectOne(connection, " WHERE token_hash = ?", tokenHash.hex());
        if (row == null) {
          return Lookup.UNKNOWN;
        }
        if (row.end() != null) {
          return isForgotten(row, now) ? Lookup.UNKNOWN : new Lookup.Ended(row);
        }
        Session session = overlay(row);
        if (!session.isLive(now)) {
          SessionEnd expiry = session.endAt(now);
          if (endRow(connection, row.id(), expiry, row.expiresAt(), true)) {
            Session done = session.withEnd(expiry);
            ended.add(done);
            db.persist(connection);
            return new Lookup.Ended(done);
          }
          continue;
        }
        if (idleTimeout == null) {
          return new Lookup.Live(session);
        }
        if (touches != null) {
          Session touched = TouchBatcher.touched(session, micros(now), idleTimeout);
          if (touched != session) {
            touches.add(touched);
          }
          return new Lookup.Live(touched);
        }
        Session touched = session.touchedAt(micros(now), idleTimeout);
        if (touched == session) {
          return new Lookup.Live(session);
        }
        if (recordTouch(connection, session, touched)) {
          db.persist(connection);
          return new Lookup.Live(touched);
        }
      }
      throw new SQLTransactionRollbackException("the session of token " + tokenHash.prefix()
          + "… changed under " + CHANGE_ROUNDS + " reads in a row");
    });
    afterEnds(ended);
    if (cache != null && lookup instanceof Lookup.Live live) {
      cache.putIfUnchanged(live.session(), generation);
    }
    return lookup;
  }

  /**
   * The answer from the cache, or null when the database must be asked: not trusted now, not
   * cached, or expired by {@code now} (an expiry is confirmed against the database).
   */
  private Lookup fromCache(TokenHash tokenHash, Instant now, Duration idleTimeout) {
    while (true) {
      Session cached = cache.trustedGet(tokenHash);
      if (cached == null || !cached.isLive(now)) {
        return null;
      }
      if (idleTimeout == null) {
        return new Lookup.Live(cached);
      }
      Session touched = TouchBatcher.touched(cached, micros(now), idleTimeout);
      if (touched == cached) {
        return new Lookup.Live(cached);
      }
      if (cache.replace(cached, touched)) {
        touches.add(touched);
        return new Lookup.Live(touched);
      }
    }
  }

  private static boolean recordTouch(Connection connection, Session before, Session after)
      throws SQLException {
    try (PreparedStatement touch = connection.prepareStatement(TOUCH)) {
      setInstant(touch, 1, after.lastSeenAt());
      setInstant(touch, 2, after.expiresAt());
      touch.setString(3, before.id());
      setInstant(touch, 4, before.lastSeenAt());
      return touch.executeUpdate() == 1;
    }
  }

  @Override
  public Optional<Session> get(String sessionId) {
    requireNonNull(sessionId, "sessionId");
    return Optional.ofNullable(overlay(db.autocommit(() -> "read session " + sessionId,
        connection -> selectOne(connection, " WHERE id = ?", sessionId))));
  }

  @Override
  public List<Session> liveSessionsOfUser(String user, Instant now) {
    requireNonNull(user, "user");
    return live(() -> "list the live sessions of user " + user, " WHERE user_name = ?" + UNENDED,
        user, now);
  }

  @Override
  public List<Session> liveSessionsFrom(String clientIp, Instant now) {
    requireNonNull(clientIp, "clientIp");
    return live(() -> "list the live sessions from " + clientIp, " WHERE client_ip = ?" + UNENDED,
        clientIp, now);
  }

  @Override
  public List<Session> liveSessions(Instant now) {
    return live(() -> "list the live sessions", " WHERE ended_at IS NULL", null, now);
  }

  /**
   * The unended sessions {@code where} selects that are live at {@code now} as this node sees them:
   * the expiry is judged after {@link #overlay}, so a session extended by a queued touch is listed.
   */
  private List<Session> live(Supplier<String> what, String where, String key, Instant now) {
    requireNonNull(now, "now");
    List<Session> rows = db.autocommit(what, connection -> {
      try (PreparedStatement select = connection.prepareStatement(SELECT + where)) {
        if (key != null) {
          select.setString(1, key);
        }
        return readAll(select);
      }
    });
    List<Session> live = new ArrayList<>(rows.size());
    for (Session row : rows) {
      Session session = overlay(row);
      if (session.isLive(now)) {
        live.add(session);
      }
    }
    live.sort(Session.BY_CREATION);
    return live;
  }

  // ---- ending

  @Override
  public Optional<Session> end(String sessionId, SessionEnd end) {
    requireNonNull(sessionId, "sessionId");
    requireNonNull(end, "end");
    SessionEnd wanted = normalized(end);
    List<Session> ended = new ArrayList<>(1);
    Optional<Session> result = db.autocommit(
        () -> "end session " + sessionId + " (" + wanted.reason().code() + ")", connection -> {
          for (int round = 0; round < CHANGE_ROUNDS; round++) {
            Session row = selectOne(connection, " WHERE id = ?", sessionId);
            if (row == null || row.end() != null) {
              return Optional.empty();
            }
            Session session = overlay(row);
            SessionEnd actual = session.isLive(wanted.at()) ? wanted : session.endAt(wanted.at());
            if (endRow(connection, sessionId, actual, row.expiresAt(), true)) {
              Session done = session.withEnd(actual);
              ended.add(done);
              db.persist(connection);
              return (actual == wanted) ? Optional.of(done) : Optional.empty();
            }
          }
          throw new SQLTransactionRollbackException("session " + sessionId + " changed under "
              + CHANGE_ROUNDS + " reads in a row");
        });
    afterEnds(ended);
    return result;
  }

  /**
   * Records {@code end} if the session has not ended yet and, unless {@code storedExpiry} is null,
   * if its stored {@code expires_at} is still {@code storedExpiry}; true if this call ended it. With
   * {@code notifyNow} on PostgreSQL, the same statement sends the notification of the end.
   */
  private boolean endRow(Connection connection, String sessionId, SessionEnd end,
      Instant storedExpiry, boolean notifyNow) throws SQLException {
    String sql = (storedExpiry == null) ? endSql : endIfUnchangedSql;
    boolean notifying = notifyNow && notifies;
    if (notifying) {
      sql = "WITH ended AS (" + sql + " RETURNING id) SELECT pg_notify(?, ?) FROM ended";
    }
    EndCause cause = end.cause();
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      setInstant(update, 1, end.at());
      update.setString(2, end.reason().code());
      update.setString(3, cause.scope() == null ? null : cause.scope().code());
      Sql.setInteger(update, 4, cause.limit());
      setInstant(update, 5, cause.loginAt());
      update.setString(6, cause.loginIp());
      update.setString(7, cause.loginUserAgent());
      update.setString(8, cause.loginDevice());
      update.setString(9, cause.loginSessionId());
      update.setString(10, cause.actor());
      update.setString(11, sessionId);
      int index = 12;
      if (storedExpiry != null) {
        setInstant(update, index++, storedExpiry);
      }
      if (!notifying) {
        return update.executeUpdate() == 1;
      }
      update.setString(index++, EndNotices.CHANNEL);
      update.setString(index, EndNotices.payloads(nodeId, List.of(sessionId)).get(0));
      try (ResultSet rows = update.executeQuery()) {
        return rows.next();
      }
    }
  }

  /** On PostgreSQL, tells every node, when this transaction commits, that {@code ended} ended. */
  private void notifyEnded(Connection connection, List<Session> ended) throws SQLException {
    if (!notifies || ended.isEmpty()) {
      return;
    }
    List<String> ids = new ArrayList<>(ended.size());
    for (Session session : ended) {
      ids.add(session.id());
    }
    try (PreparedStatement notify = connection.prepareStatement(NOTIFY)) {
      for (String payload : EndNotices.payloads(nodeId, ids)) {
        notify.setString(1, EndNotices.CHANNEL);
        notify.setString(2, payload);
        notify.executeQuery().close();
      }
    }
  }

  @Override
  public PurgeResult purge(Instant now) {
    requireNonNull(now, "now");
    if (touches != null) {
      // Expiries are judged after this node's queued touches are in the database.
      touches.flush();
    }
    int expired = 0;
    while (true) {
      List<Session> due = db.autocommit(() -> "find the sessions expired at " + now, connection -> {
        try (PreparedStatement select = connection.prepareStatement(EXPIRED_BATCH)) {
          setInstant(select, 1, now);
          select.setInt(2, batchSize);
          return readAll(select);
        }
      });
      if (due.isEmpty()) {
        break;
      }
      due.sort(Comparator.comparing(Session::id));
      List<Session> ended = db.transaction(
          () -> "record " + due.size() + " sessions expired at " + now, connection -> {
            List<Session> done = new ArrayList<>(due.size());
            for (Session row : due) {
              Session session = overlay(row);
              if (session.isLive(now)) {
                continue;
              }
              SessionEnd expiry = session.endAt(now);
              if (endRow(connection, row.id(), expiry, row.expiresAt(), false)) {
                done.add(session.withEnd(expiry));
              }
            }
            notifyEnded(connection, done);
            return done;
          });
      afterEnds(ended);
      expired += ended.size();
      if (due.size() < batchSize || ended.isEmpty()) {
        break;
      }
    }
    Instant cutoff = now.minus(TOMBSTONE_RETENTION);
    int forgotten = 0;
    int deleted;
    do {
      deleted = db.autocommit(() -> "forget the sessions ended by " + cutoff, connection -> {
        try (PreparedStatement delete = connection.prepareStatement(FORGET_BATCH)) {
          setInstant(delete, 1, cutoff);
          delete.setInt(2, batchSize);
          return delete.executeUpdate();
        }
      });
      forgotten += deleted;
    } while (deleted >= batchSize);
    Instant lockCutoff = now.minus(LOCK_ROW_AGE);
    sweepLocks(USER, SWEEP_USERS, SWEEP_USERS_DELETE, lockCutoff);
    sweepLocks(IP, SWEEP_IPS, SWEEP_IPS_DELETE, lockCutoff);
    return new PurgeResult(expired, forgotten);
  }

  /**
   * Deletes the lock rows of {@code scope} that are older than {@code cutoff} and whose subject has
   * no unended session, in windows of at most {@code batchSize} rows walked once in subject order:
   * each statement locks only the rows it deletes, and no window reads the rows of the ones before.
   */
  private void sweepLocks(String scope, String window, String delete, Instant cutoff) {
    Supplier<String> what = () -> "delete the quota lock rows of " + (scope.equals(USER) ? "users"
        : "addresses") + " without live sessions, made before " + cutoff;
    String after = "";
    while (true) {
      String from = after;
      List<String> subjects = db.autocommit(what, connection -> {
        try (PreparedStatement select = connection.prepareStatement(window)) {
          select.setString(1, scope);
          select.setString(2, from);
          setInstant(select, 3, cutoff);
          select.setInt(4, batchSize);
          List<String> found = new ArrayList<>();
          try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              found.add(rows.getString(1));
            }
          }
          return found;
        }
      });
      if (subjects.isEmpty()) {
        return;
      }
      String upTo = subjects.get(subjects.size() - 1);
      db.autocommit(what, connection -> {
        try (PreparedStatement deleting = connection.prepareStatement(delete)) {
          deleting.setString(1, scope);
          deleting.setString(2, from);
          setInstant(deleting, 3, cutoff);
          deleting.setString(4, upTo);
          return deleting.executeUpdate();
        }
      });
      if (subjects.size() < batchSize) {
        return;
      }
      after = upTo;
    }
  }

  // ---- listeners

  @Override
  public Subscription subscribe(SessionListener listener) {
    requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Writes the queued touches, stops telling listeners and empties the cache. */
  @Override
  public void close() {
    if (touches != null) {
      touches.close();
    }
    if (cache != null) {
      cache.close();
    }
    listeners.clear();
  }

  /** Sessions another node ended (or, after a reconnect, may have ended): as for this node's own. */
  void heard(List<Session> ended) {
    afterEnds(ended);
  }

  /** After the commit of {@code ended}: out of the cache and the touch queue, then the listeners. */
  private void afterEnds(List<Session> ended) {
    if (cache != null) {
      for (Session session : ended) {
        cache.invalidate(session.tokenHash());
        touches.forget(session.id());
      }
    }
    for (Session session : ended) {
      for (SessionListener listener : listeners) {
        try {
          listener.sessionEnded(session);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "A session listener failed for session " + session.id()
              + " (token " + session.tokenHash().prefix() + "…); the others are still told", e);
        }
      }
    }
  }

  // ---- rows

  /** {@code stored} as this node sees it: with its queued touch, if touches are batched. */
  private Session overlay(Session stored) {
    return (touches == null) ? stored : touches.overlay(stored);
  }

  private static Session selectOne(Connection connection, String where, String key)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT + where)) {
      select.setString(1, key);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? read(rows) : null;
      }
    }
  }

  private static List<Session> readAll(PreparedStatement select) throws SQLException {
    List<Session> sessions = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        sessions.add(read(rows));
      }
    }
    return sessions;
  }

  /** The session in the current row of {@code rows}, which selected {@link #COLUMNS}. */
  static Session read(ResultSet rows) throws SQLException {
    Instant endedAt = instant(rows, 12);
    SessionEnd end = null;
    if (endedAt != null) {
      String scope = rows.getString(14);
      EndCause cause = new EndCause(
          scope == null ? null : Scope.valueOf(scope.toUpperCase(Locale.ROOT)),
          Sql.integer(rows, 15), instant(rows, 16), rows.getString(17), rows.getString(18),
          rows.getString(19), rows.getString(20), rows.getString(21));
      end = new SessionEnd(EndReason.fromCode(rows.getString(13)), endedAt, cause);
    }
    return new Session(rows.getString(1), new TokenHash(rows.getString(2)), rows.getString(3),
        rows.getString(4), rows.getString(5), rows.getString(6), rows.getString(7),
        instant(rows, 8), instant(rows, 9), instant(rows, 10), instant(rows, 11), end);
  }

  private static boolean isForgotten(Session session, Instant now) {
    return session.end() != null
        && !now.isBefore(session.end().at().plus(TOMBSTONE_RETENTION));
  }

  private static Session normalized(Session s) {
    Session exact = new Session(s.id(), s.tokenHash(), s.user(), s.clientIp(), s.userAgent(),
        s.device(), s.authMethod(), micros(s.createdAt()), micros(s.lastSeenAt()),
        micros(s.expiresAt()), micros(s.absoluteExpiresAt()), s.end());
    return exact.equals(s) ? s : exact;
  }

  private static SessionEnd normalized(SessionEnd end) {
    EndCause c = end.cause();
    SessionEnd exact = new SessionEnd(end.reason(), micros(end.at()), new EndCause(c.scope(),
        c.limit(), micros(c.loginAt()), c.loginIp(), c.loginUserAgent(), c.loginDevice(),
        c.loginSessionId(), c.actor()));
    return exact.equals(end) ? end : exact;
  }

  private static void requireKeyLength(String value, String name) {
    if (value.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("the " + name + " has " + value.length()
          + " characters; the JDBC store keeps at most " + MAX_KEY_LENGTH);
    }
  }
}
