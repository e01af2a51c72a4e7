package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.instant;
import static dev.sessionlimits.store.jdbc.Sql.micros;
import static dev.sessionlimits.store.jdbc.Sql.setInstant;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.EndCause;
import dev.sessionlimits.core.EndReason;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
 * it reads the live sessions of the user and of the address, asks {@link Quota#decide}, ends the
 * evicted sessions and inserts the new one. The live sessions of a user (or of an address) can
 * therefore only grow while that user's (address's) row is locked, and because each statement of a
 * READ COMMITTED transaction sees everything committed before it started, the read after the locks
 * sees every session that earlier holders committed. That keeps every limit exact. A scope the
 * login's policy leaves unlimited is neither locked nor read (an exempt administrator, or no address
 * limit): such a login may add to that scope's count unseen, which is what an unlimited login may do
 * anyway, and a login that the scope does limit still sees every session committed before its own
 * read. REPEATABLE READ
 * would break it: its snapshot is taken before the lock wait and misses the previous holder's
 * session. The fixed order means two logins never wait for each other in a cycle.
 *
 * <p>A missing lock row is inserted in autocommit mode, outside the login's transaction, and the
 * transaction is run again. {@link #purge} deletes the lock rows, an hour old or more, of subjects
 * without live sessions; it can only delete a row nobody holds, and a login that was waiting for a
 * deleted row finds fewer rows than it asked for and starts over the same way, so no two logins ever
 * hold different rows for one subject.
 *
 * <p>A session ends by one conditional UPDATE ({@code ... AND ended_at IS NULL}): the first ender
 * wins, and only it tells the listeners. Ends decided from the expiry the caller read ({@link #end},
 * expiries found by {@link #find}, {@link #touch} and {@link #purge}) also require
 * {@code expires_at} to be unchanged, so a concurrent touch makes them read again rather than end a
 * session that was just extended; evictions do not, since they must end the session whatever its
 * activity. Ending takes no quota lock: it only lowers counts. Touches are compare-and-set on
 * {@code last_seen_at}. Only evictions and purge's expiry batches lock more than one session row in a
 * transaction, and both lock them in ascending id order.
 *
 * <p>Listeners are told after the commit, outside any transaction.
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

  private static final String COLUMNS = "id, token_hash, user_name, client_ip, user_agent, device,"
      + " auth_method, created_at, last_seen_at, expires_at, absolute_expires_at, ended_at,"
      + " end_reason, end_scope, end_limit, end_login_at, end_login_ip, end_login_user_agent,"
      + " end_login_device, end_login_session_id, end_actor";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM sl_sessions";
  private static final String LIVE = " AND ended_at IS NULL AND expires_at > ?";

  private static final String LOCK =
      "SELECT subject FROM sl_quota_locks WHERE scope = ? AND subject = ? FOR UPDATE";
  private static final String CREATE_LOCK = "INSERT INTO sl_quota_locks (scope, subject, created_at)"
      + " SELECT ?, ?, ? WHERE NOT EXISTS"
      + " (SELECT 1 FROM sl_quota_locks WHERE scope = ? AND subject = ?)";
  private static final String LIVE_OF_USER = SELECT + " WHERE user_name = ?" + LIVE;
  private static final String LIVE_FROM_IP = SELECT + " WHERE client_ip = ?" + LIVE;
  private static final String INSERT = "INSERT INTO sl_sessions (id, token_hash, user_name,"
      + " client_ip, user_agent, device, auth_method, created_at, last_seen_at, expires_at,"
      + " absolute_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String END = "UPDATE sl_sessions SET ended_at = ?, end_reason = ?,"
      + " end_scope = ?, end_limit = ?, end_login_at = ?, end_login_ip = ?,"
      + " end_login_user_agent = ?, end_login_device = ?, end_login_session_id = ?, end_actor = ?"
      + " WHERE id = ? AND ended_at IS NULL";
  private static final String END_IF_UNCHANGED = END + " AND expires_at = ?";
  private static final String TOUCH = "UPDATE sl_sessions SET last_seen_at = ?, expires_at = ?"
      + " WHERE id = ? AND ended_at IS NULL AND last_seen_at = ?";
  private static final String EXPIRED_BATCH = SELECT
      + " WHERE ended_at IS NULL AND expires_at <= ? ORDER BY expires_at FETCH FIRST ? ROWS ONLY";
  private static final String FORGET_BATCH = "DELETE FROM sl_sessions WHERE id IN"
      + " (SELECT id FROM sl_sessions WHERE ended_at <= ? FETCH FIRST ? ROWS ONLY)";
  private static final String SWEEP_USER_LOCKS = sweep(USER, "user_name");
  private static final String SWEEP_IP_LOCKS = sweep(IP, "client_ip");

  private final Database db;
  private final int batchSize;
  private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();

  JdbcSessions(Database db, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    this.db = db;
    this.batchSize = batchSize;
  }

  private static String sweep(String scope, String column) {
    return "DELETE FROM sl_quota_locks WHERE scope = '" + scope + "' AND subject IN"
        + " (SELECT q.subject FROM sl_quota_locks q WHERE q.scope = '" + scope + "'"
        + " AND q.created_at <= ? AND NOT EXISTS (SELECT 1 FROM sl_sessions s WHERE s." + column + " = q.subject"
        + " AND s.ended_at IS NULL) FETCH FIRST ? ROWS ONLY)";
  }

  // ---- open

  @Override
  public OpenResult open(Session candidate, QuotaPolicy policy) {
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
    for (int round = 1; ; round++) {
      OpenResult result = db.transaction(what, connection -> openLocked(connection, session, policy));
      if (result != null) {
        if (result instanceof OpenResult.Opened opened) {
          announce(opened.ended());
        }
        return result;
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

  /** The outcome with both quota rows held, or null if a row is missing. */
  private OpenResult openLocked(Connection connection, Session session, QuotaPolicy policy)
      throws SQLException {
    // An unlimited scope is neither locked nor read: logins behind one NAT address must not queue
    // for it, and its size must not slow a login down. Only a login that a scope limits needs to
    // see that scope's count exactly.
    boolean userLimited = policy.userLimit() != QuotaPolicy.UNLIMITED;
    boolean ipLimited = policy.ipLimit() != QuotaPolicy.UNLIMITED;
    if ((ipLimited && !lock(connection, IP, session.clientIp()))
        || (userLimited && !lock(connection, USER, session.user()))) {
      return null;
    }
    Instant now = session.createdAt();
    Map<String, Session> ofUser = new LinkedHashMap<>();
    Map<String, Session> fromIp = new LinkedHashMap<>();
    if (userLimited) {
      readLive(connection, LIVE_OF_USER, session.user(), now, ofUser);
    }
    if (ipLimited) {
      readLive(connection, LIVE_FROM_IP, session.clientIp(), now, fromIp);
    }
    QuotaDecision decision =
        Quota.decide(session.attempt(), ofUser.values(), fromIp.values(), policy, now);
    if (decision instanceof QuotaDecision.Deny deny) {
      return new OpenResult.Refused(deny);
    }
    List<QuotaDecision.Eviction> evictions = ((QuotaDecision.Admit) decision).evictions();
    List<QuotaDecision.Eviction> inIdOrder = new ArrayList<>(evictions);
    inIdOrder.sort(Comparator.comparing(eviction -> eviction.session().id()));
    Map<String, Session> ended = new LinkedHashMap<>();
    for (QuotaDecision.Eviction eviction : inIdOrder) {
      SessionEnd end = new SessionEnd(EndReason.SESSION_LIMIT_REACHED, now,
          EndCause.limitReached(eviction.scope(), eviction.limit(), session));
      if (end(connection, eviction.session(), end, false)) {
        ended.put(eviction.session().id(), eviction.session().withEnd(end));
      }
    }
    insert(connection, session);
    List<Session> evicted = new ArrayList<>(ended.size());
    for (QuotaDecision.Eviction eviction : evictions) {
      Session done = ended.get(eviction.session().id());
      if (done != null) {
        evicted.add(done);
      }
    }
    return new OpenResult.Opened(session, evicted);
  }

  private static void readLive(Connection connection, String sql, String key, Instant now,
      Map<String, Session> into) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, key);
      setInstant(select, 2, now);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          Session live = read(rows);
          into.put(live.id(), live);
        }
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
      insert.setString(1, session.id());
      insert.setString(2, session.tokenHash().hex());
      insert.setString(3, session.user());
      insert.setString(4, session.clientIp());
      insert.setString(5, session.userAgent());
      insert.setString(6, session.device());
      insert.setString(7, session.authMethod());
      setInstant(insert, 8, session.createdAt());
      setInstant(insert, 9, session.lastSeenAt());
      setInstant(insert, 10, session.expiresAt());
      setInstant(insert, 11, session.absoluteExpiresAt());
      insert.executeUpdate();
    } catch (SQLException e) {
      if (Database.isUniqueViolation(e)) {
        // The driver's message would carry the whole token hash; this one names only its prefix.
        throw new IllegalArgumentException("a session with id " + session.id() + " or token "
            + session.tokenHash() + " exists already");
      }
      throw e;
    }
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

  private Lookup lookup(TokenHash tokenHash, Instant now, Duration idleTimeout) {
    requireNonNull(tokenHash, "tokenHash");
    requireNonNull(now, "now");
    Supplier<String> what = () -> (idleTimeout == null ? "look up" : "touch") + " the session of token "
        + tokenHash.prefix() + "…";
    List<Session> ended = new ArrayList<>(1);
    Lookup lookup = db.autocommit(what, connection -> {
      for (int round = 0; round < CHANGE_ROUNDS; round++) {
        Session session = selectOne(connection, " WHERE token_hash = ?", tokenHash.hex());
        if (session == null) {
          return Lookup.UNKNOWN;
        }
        if (session.end() != null) {
          return isForgotten(session, now) ? Lookup.UNKNOWN : new Lookup.Ended(session);
        }
        if (!session.isLive(now)) {
          SessionEnd expiry = session.endAt(now);
          if (end(connection, session, expiry, true)) {
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
        Session touched = session.touchedAt(micros(now), idleTimeout);
        if (touched == session) {
          return new Lookup.Live(session);
        }
        if (recordTouch(connection, session, touched)) {
          db.persist(connection);
          return new Lookup.Live(touched);
        }
      }
      throw new SQLException("the session of token " + tokenHash.prefix() + "… changed under "
          + CHANGE_ROUNDS + " reads in a row");
    });
    announce(ended);
    return lookup;
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
    return Optional.ofNullable(db.autocommit(() -> "read session " + sessionId,
        connection -> selectOne(connection, " WHERE id = ?", sessionId)));
  }

  @Override
  public List<Session> liveSessionsOfUser(String user, Instant now) {
    requireNonNull(user, "user");
    return live(() -> "list the live sessions of user " + user, " WHERE user_name = ?" + LIVE, user, now);
  }

  @Override
  public List<Session> liveSessionsFrom(String clientIp, Instant now) {
    requireNonNull(clientIp, "clientIp");
    return live(() -> "list the live sessions from " + clientIp, " WHERE client_ip = ?" + LIVE,
        clientIp, now);
  }

  @Override
  public List<Session> liveSessions(Instant now) {
    return live(() -> "list the live sessions", " WHERE 1 = 1" + LIVE, null, now);
  }

  private List<Session> live(Supplier<String> what, String where, String key, Instant now) {
    requireNonNull(now, "now");
    List<Session> live = db.autocommit(what, connection -> {
      try (PreparedStatement select = connection.prepareStatement(SELECT + where)) {
        int index = 1;
        if (key != null) {
          select.setString(index++, key);
        }
        setInstant(select, index, now);
        return readAll(select);
      }
    });
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
            Session session = selectOne(connection, " WHERE id = ?", sessionId);
            if (session == null || session.end() != null) {
              return Optional.empty();
            }
            SessionEnd actual = session.isLive(wanted.at()) ? wanted : session.endAt(wanted.at());
            if (end(connection, session, actual, true)) {
              Session done = session.withEnd(actual);
              ended.add(done);
              db.persist(connection);
              return (actual == wanted) ? Optional.of(done) : Optional.empty();
            }
          }
          throw new SQLException("session " + sessionId + " changed under " + CHANGE_ROUNDS
              + " reads in a row");
        });
    announce(ended);
    return result;
  }

  /**
   * Records {@code end} if the session has not ended yet and, {@code ifUnchanged}, if its expiry is
   * still the one in {@code session}; true if this call ended it.
   */
  private static boolean end(Connection connection, Session session, SessionEnd end,
      boolean ifUnchanged) throws SQLException {
    EndCause cause = end.cause();
    try (PreparedStatement update = connection.prepareStatement(ifUnchanged ? END_IF_UNCHANGED : END)) {
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
      update.setString(11, session.id());
      if (ifUnchanged) {
        setInstant(update, 12, session.expiresAt());
      }
      return update.executeUpdate() == 1;
    }
  }

  @Override
  public PurgeResult purge(Instant now) {
    requireNonNull(now, "now");
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
            for (Session session : due) {
              SessionEnd expiry = session.endAt(now);
              if (end(connection, session, expiry, true)) {
                done.add(session.withEnd(expiry));
              }
            }
            return done;
          });
      announce(ended);
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
    sweepLocks(SWEEP_USER_LOCKS, "users", lockCutoff);
    sweepLocks(SWEEP_IP_LOCKS, "addresses", lockCutoff);
    return new PurgeResult(expired, forgotten);
  }

  private void sweepLocks(String sql, String subjects, Instant cutoff) {
    int deleted;
    do {
      deleted = db.autocommit(() -> "delete the quota lock rows of " + subjects
          + " without live sessions, made before " + cutoff, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(sql)) {
              setInstant(delete, 1, cutoff);
              delete.setInt(2, batchSize);
              return delete.executeUpdate();
            }
          });
    } while (deleted >= batchSize);
  }

  // ---- listeners

  @Override
  public Subscription subscribe(SessionListener listener) {
    requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public void close() {
    listeners.clear();
  }

  private void announce(List<Session> ended) {
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

  private static Session read(ResultSet rows) throws SQLException {
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
