package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.micros;
import static dev.sessionlimits.store.jdbc.Sql.setInstant;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.EndFirst;
import dev.sessionlimits.core.Immediate;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.SessionListener;
import dev.sessionlimits.core.SessionPage;
import dev.sessionlimits.core.SessionQuery;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.TokenHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@link SessionStore} on H2 or PostgreSQL: lookups, touches and ends here; the login
 * transaction in {@link JdbcLogins} (with its lock order), purge in {@link SessionPurge}, the SQL
 * in {@link SessionSql}, rows in {@link SessionRows}, the UPDATE that ends a session in {@link
 * SessionEnds}, and this node's cache, touch queue and listeners in {@link NodeView}.
 *
 * <p>Design note. Correctness comes from the database alone, never from this JVM, so any number of
 * nodes may share one database. Only {@link #open} makes a session live (under the quota locks);
 * everything else can only end sessions or move their expiry. Ends decided from the expiry the
 * caller read ({@link #end}, expiries found by {@link #find}, {@link #touch} and purge) require
 * {@code expires_at} to be unchanged, so a concurrent touch makes them read again rather than end a
 * session that was just extended; a call that keeps losing so for {@link #CHANGE_ROUNDS} reads runs
 * again ({@link Database.RunAgain}). Touches are compare-and-set on {@code last_seen_at} (or
 * batched, below). Listeners are told after the commit, outside any transaction.
 *
 * <p>Cache and batched touches (the embedded store and {@link JdbcStore#postgres}; not {@link
 * JdbcStore#using}). {@link #find} and {@link #touch} answer a live session from the {@link
 * SessionCache} while it may be trusted, and a touch then only replaces the cached session and
 * queues its new activity in the {@link TouchBatcher}. Everything else reads the database, and
 * every read of a session row is seen through {@link NodeView#overlay}, so this node never acts on
 * an expiry its own queued touch has moved. The design notes of those two classes give their rules;
 * the ones that concern the session store: (1) an expiry found in the cache is confirmed here
 * against the database before the session is recorded as ended; (2) an end conditional on the
 * expiry compares the row's stored {@code expires_at}, never the overlaid one; (3) a login counts a
 * session as expired only if it records that expiry in its own transaction ({@link JdbcLogins});
 * (4) every end this node makes or hears of is removed from the cache after the commit, before the
 * listeners are told and before the call returns ({@link NodeView#ended}).
 */
final class JdbcSessions implements SessionStore {

  /** How often one call re-reads a session that changed under it before it runs again. */
  private static final int CHANGE_ROUNDS = 16;

  private final Database db;
  private final NodeView view;
  private final SessionEnds ends;
  private final JdbcLogins logins;
  private final SessionPurge purge;
  private final JdbcPasswordEntries passwordEntries;
  private final SessionList list;

  /**
   * @param batchSize rows purge handles per statement or transaction
   * @param nodeId names this node in the ends it records ({@code end_node})
   * @param cache the cache of live sessions, or null for none; with a cache, touches are batched
   */
  JdbcSessions(Database db, int batchSize, String nodeId, SessionCache cache) {
    this.db = db;
    this.view = new NodeView(db, cache);
    this.ends = new SessionEnds(db.dialect(), requireNonNull(nodeId, "nodeId"));
    this.logins = new JdbcLogins(db, view, ends);
    this.purge = new SessionPurge(db, view, ends, batchSize);
    this.passwordEntries = new JdbcPasswordEntries(db);
    this.list = new SessionList(db, view);
  }

  /** The node id this store records with its ends. */
  String nodeId() {
    return ends.nodeId();
  }

  /** The cache, or null: for {@link JdbcStore} and tests. */
  SessionCache cache() {
    return view.cache();
  }

  /** The touch queue, or null when touches are written at once: for tests. */
  TouchBatcher touches() {
    return view.touches();
  }

  @Override
  public OpenResult open(Session candidate, QuotaPolicy policy) {
    return logins.open(candidate, policy, null, null);
  }

  @Override
  public OpenResult open(Session candidate, QuotaPolicy policy, TokenHash supersedes) {
    return logins.open(candidate, policy, supersedes, null);
  }

  @Override
  public OpenResult open(
      Session candidate, QuotaPolicy policy, TokenHash supersedes, EndFirst endFirst) {
    return logins.open(candidate, policy, supersedes, endFirst);
  }

  @Override
  public PurgeResult purge(Instant now) {
    return purge.purge(now);
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

  /** From this node's cache of live sessions, while it may be trusted; must wait otherwise. */
  @Override
  public Immediate<Lookup> findWithoutWaiting(TokenHash tokenHash, Instant now) {
    requireNonNull(tokenHash, "tokenHash");
    requireNonNull(now, "now");
    return withoutWaiting(tokenHash, now, null);
  }

  /**
   * From this node's cache of live sessions, while it may be trusted, the touch queued for the next
   * batch; must wait otherwise.
   */
  @Override
  public Immediate<Lookup> touchWithoutWaiting(
      TokenHash tokenHash, Instant now, Duration idleTimeout) {
    requireNonNull(tokenHash, "tokenHash");
    requireNonNull(now, "now");
    requireNonNull(idleTimeout, "idleTimeout");
    return withoutWaiting(tokenHash, now, idleTimeout);
  }

  private Immediate<Lookup> withoutWaiting(TokenHash tokenHash, Instant now, Duration idleTimeout) {
    Lookup cached = (view.cache() == null) ? null : fromCache(tokenHash, now, idleTimeout);
    return (cached == null) ? Immediate.mustWait() : Immediate.known(cached);
  }

  private Lookup lookup(TokenHash tokenHash, Instant now, Duration idleTimeout) {
    requireNonNull(tokenHash, "tokenHash");
    requireNonNull(now, "now");
    SessionCache cache = view.cache();
    if (cache != null) {
      Lookup cached = fromCache(tokenHash, now, idleTimeout);
      if (cached != null) {
        return cached;
      }
    }
    long generation = (cache == null) ? 0 : cache.generation(tokenHash);
    Supplier<String> what =
        () ->
            (idleTimeout == null ? "look up" : "touch")
                + " the session of token "
                + tokenHash.prefix()
                + "…";
    List<Session> ended = new ArrayList<>(1);
    Lookup lookup =
        db.lookup(
            what,
            connection -> {
              for (int round = 0; round < CHANGE_ROUNDS; round++) {
                Session row =
                    SessionRows.selectOne(connection, SessionSql.BY_TOKEN_HASH, tokenHash.hex());
                if (row == null) {
                  return Lookup.UNKNOWN;
                }
                if (row.end() != null) {
                  return isForgotten(row, now) ? Lookup.UNKNOWN : new Lookup.Ended(row);
                }
                Session session = view.overlay(row);
                if (!session.isLive(now)) {
                  SessionEnd expiry = session.endAt(now);
                  if (ends.end(connection, row.id(), expiry, row.expiresAt())) {
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
                if (view.touches() != null) {
                  Session touched = TouchBatcher.touched(session, micros(now), idleTimeout);
                  if (touched != session) {
                    view.touches().add(touched);
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
              throw new Database.RunAgain(
                  "the session of token "
                      + tokenHash.prefix()
                      + "… changed under "
                      + CHANGE_ROUNDS
                      + " reads in a row");
            });
    view.ended(ended);
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
    SessionCache cache = view.cache();
    while (true) {
      Session cached = cache.trustedLive(tokenHash, now);
      if (cached == null) {
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
        view.touches().add(touched);
        return new Lookup.Live(touched);
      }
    }
  }

  private static boolean recordTouch(Connection connection, Session before, Session after)
      throws SQLException {
    try (PreparedStatement touch = connection.prepareStatement(SessionSql.TOUCH)) {
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
    return Optional.ofNullable(
        view.overlay(
            db.autocommit(
                () -> "read session " + sessionId,
                connection -> SessionRows.selectOne(connection, SessionSql.BY_ID, sessionId))));
  }

  @Override
  public List<Session> liveSessionsOfUser(String user, Instant now) {
    requireNonNull(user, "user");
    return live(
        () -> "list the live sessions of user " + user, SessionSql.UNENDED_OF_USER, user, now);
  }

  @Override
  public List<Session> liveSessionsFrom(String clientIp, Instant now) {
    requireNonNull(clientIp, "clientIp");
    return live(
        () -> "list the live sessions from " + clientIp, SessionSql.UNENDED_FROM_IP, clientIp, now);
  }

  @Override
  public List<Session> liveSessions(Instant now) {
    return live(() -> "list the live sessions", SessionSql.UNENDED, null, now);
  }

  @Override
  public SessionPage livePage(SessionQuery query, Instant now) {
    requireNonNull(query, "query");
    requireNonNull(now, "now");
    return list.page(query, now);
  }

  /**
   * The unended sessions {@code sql} selects that are live at {@code now} as this node sees them:
   * the expiry is judged after {@link NodeView#overlay}, so a session extended by a queued touch is
   * listed.
   */
  private List<Session> live(Supplier<String> what, String sql, String key, Instant now) {
    requireNonNull(now, "now");
    List<Session> rows =
        db.autocommit(
            what,
            connection -> {
              try (PreparedStatement select = connection.prepareStatement(sql)) {
                if (key != null) {
                  select.setString(1, key);
                }
                return SessionRows.readAll(select);
              }
            });
    List<Session> live = new ArrayList<>(rows.size());
    for (Session row : rows) {
      Session session = view.overlay(row);
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
    SessionEnd wanted = SessionRows.normalized(end);
    List<Session> ended = new ArrayList<>(1);
    Optional<Session> result =
        db.autocommit(
            () -> "end session " + sessionId + " (" + wanted.reason().code() + ")",
            connection -> {
              for (int round = 0; round < CHANGE_ROUNDS; round++) {
                Session row = SessionRows.selectOne(connection, SessionSql.BY_ID, sessionId);
                if (row == null || row.end() != null) {
                  return Optional.empty();
                }
                Session session = view.overlay(row);
                SessionEnd actual =
                    session.isLive(wanted.at()) ? wanted : session.endAt(wanted.at());
                if (ends.end(connection, sessionId, actual, row.expiresAt())) {
                  Session done = session.withEnd(actual);
                  ended.add(done);
                  db.persist(connection);
                  return (actual == wanted) ? Optional.of(done) : Optional.empty();
                }
              }
              throw new Database.RunAgain(
                  "session " + sessionId + " changed under " + CHANGE_ROUNDS + " reads in a row");
            });
    view.ended(ended);
    return result;
  }

  @Override
  public Subscription subscribe(SessionListener listener) {
    return view.subscribe(listener);
  }

  /** Writes the queued touches, stops telling listeners and empties the cache. */
  @Override
  public void close() {
    view.close();
  }

  /** Sessions another node ended (or, after a reconnect, may have ended): as this node's own. */
  void heard(List<Session> ended) {
    view.ended(ended);
  }

  private static boolean isForgotten(Session session, Instant now) {
    return session.end() != null && !now.isBefore(session.end().at().plus(TOMBSTONE_RETENTION));
  }
}
