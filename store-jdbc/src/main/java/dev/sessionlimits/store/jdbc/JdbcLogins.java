package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.LoginReads.IP;
import static dev.sessionlimits.store.jdbc.LoginReads.USER;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.EndCause;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.Quota;
import dev.sessionlimits.core.QuotaDecision;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.core.TokenHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The login transaction: {@link dev.sessionlimits.core.SessionStore#open}, the only way a session
 * becomes live.
 *
 * <p>Design note: lock order. A login runs in one READ COMMITTED transaction that first locks two
 * rows of {@code sl_quota_locks} with {@code SELECT ... FOR UPDATE}, always in the same order: the
 * address's row ({@code 'ip'}) and then the user's ({@code 'user'}). Holding both, it reads the
 * unended sessions of the user and of the address ({@link LoginReads}), asks {@link Quota#decide}
 * about the live ones, ends the evicted sessions, the expired ones it left out of the count and the
 * session the login supersedes (also left out of the count; read by its token hash if neither read
 * found it), and inserts the new one. The live sessions of a user (or of an address) can therefore
 * only grow while that user's (address's) row is locked, and because each statement of a READ
 * COMMITTED transaction sees everything committed before it started, the read after the locks sees
 * every session that earlier holders committed. That keeps every limit exact. A scope the login's
 * policy leaves unlimited is neither locked nor read (an exempt administrator, or no address
 * limit): such a login may add to that scope's count unseen, which is what an unlimited login may
 * do anyway, and a login that the scope does limit still sees every session committed before its
 * own read; a login that no scope limits is a single INSERT in autocommit mode. REPEATABLE READ
 * would break it: its snapshot is taken before the lock wait and misses the previous holder's
 * session. The fixed order means two logins never wait for each other in a cycle. Only a login's
 * evictions and expiries, purge's expiry batches and touch batches lock more than one session row
 * in a transaction; the first two lock them in ascending id order, and touch batches are sorted by
 * id too (should a plan not follow that order, a deadlock is retried like any other).
 *
 * <p>Round trips. On H2, in this process, each statement is run on its own. On PostgreSQL a login
 * that a scope limits takes two round trips. The first carries the driver's BEGIN, the locks and
 * the reads as the separate statements of one prepared statement ({@code "lock; read"}): the driver
 * sends each statement's Parse, Bind and Execute and one Sync for all, and the server runs them one
 * after the other, taking each read's snapshot when it binds it, after the locks are granted; so
 * the reads see exactly what they would see sent one by one. (One statement that both locked and
 * read would not: its single snapshot is taken before the lock wait.) The second carries, likewise,
 * one statement for each session to end, in ascending id order ({@link SessionSql#END_AND_NOTIFY}),
 * the INSERT of the new session and {@code COMMIT}; the driver, having seen the transaction end,
 * sends nothing for the commit that follows. After its first few executions on a connection the
 * server reuses one generic plan for each of these statements (one UPDATE joined to arrays of all
 * the sessions would be planned anew for every login, as its row estimate depends on the arrays'
 * length). A login that records expiries leaves the {@code COMMIT} out and sends it after checking
 * them (below), one round trip more; one that ends more than {@link #PIPELINED_ENDS} sessions ends
 * them one round trip each; a refused login commits after the first.
 *
 * <p>A missing lock row is inserted in autocommit mode, outside the login's transaction, and the
 * transaction is run again. Purge ({@link SessionPurge}) deletes the lock rows, an hour old or
 * more, of subjects without live sessions; it can only delete a row nobody holds, and a login that
 * was waiting for a deleted row finds fewer rows than it asked for and starts over the same way, so
 * no two logins ever hold different rows for one subject.
 *
 * <p>Expiries and queued touches. A login counts a session as expired only if it records that
 * expiry in its own transaction, in the same ascending id order as its evictions, and runs again
 * ({@link Database.RunAgain}) if the row was extended meanwhile, so a touch still queued on another
 * node cannot bring it back above the limit.
 */
final class JdbcLogins {

  /** The longest id, user name, address or authentication method the schema holds. */
  static final int MAX_KEY_LENGTH = 255;

  /** How often a login starts over because its lock rows were missing before it gives up. */
  private static final int LOCK_ROUNDS = 5;

  /** The most sessions a login ends in its second round trip; it ends more one by one. */
  private static final int PIPELINED_ENDS = 16;

  private static final String[][] ENDS_AND_INSERT = SessionSql.endsAndInsert(PIPELINED_ENDS);

  private final Database db;
  private final NodeView view;
  private final SessionEnds ends;
  private final LoginReads reads;
  private final boolean together;

  JdbcLogins(Database db, NodeView view, SessionEnds ends) {
    this.db = db;
    this.view = view;
    this.ends = ends;
    this.reads = new LoginReads(db.dialect(), view);
    this.together = db.dialect().sendsStatementsTogether();
  }

  /** What a login did: its result, and every session it ended (evicted, or found expired). */
  private record Opening(OpenResult result, List<Session> ended) {}

  /**
   * One session a login ends, as this node sees it, with its end; for an expiry, also the {@code
   * expires_at} stored when the login read it, which the end requires unchanged.
   */
  private record PlannedEnd(Session session, SessionEnd end, Instant storedExpiry) {}

  OpenResult open(Session candidate, QuotaPolicy policy, TokenHash supersedes) {
    requireNonNull(candidate, "candidate");
    requireNonNull(policy, "policy");
    if (candidate.end() != null) {
      throw new IllegalArgumentException("cannot open an ended session: " + candidate.id());
    }
    requireKeyLength(candidate.id(), "session id");
    requireKeyLength(candidate.user(), "user name");
    requireKeyLength(candidate.clientIp(), "client address");
    requireKeyLength(candidate.authMethod(), "authentication method");
    Session session = SessionRows.normalized(candidate);
    Supplier<String> what =
        () ->
            "open session "
                + session.id()
                + " of user "
                + session.user()
                + " from "
                + session.clientIp();
    SessionCache cache = view.cache();
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
      Opening opening =
          db.transaction(
              what,
              connection ->
                  openLocked(connection, session, policy, userLimited, ipLimited, presented));
      if (opening != null) {
        view.ended(opening.ended());
        if (cache != null && opening.result() instanceof OpenResult.Opened) {
          cache.putIfUnchanged(session, generation);
        }
        return opening.result();
      }
      if (round == LOCK_ROUNDS) {
        throw new StoreUnavailableException(
            "Could not "
                + what.get()
                + " on "
                + db.dialect()
                + ": its quota lock rows (user "
                + session.user()
                + ", address "
                + session.clientIp()
                + ") went missing "
                + LOCK_ROUNDS
                + " times in a row",
            null);
      }
      db.autocommit(
          what,
          connection -> {
            LoginReads.createLockRow(connection, IP, session.clientIp(), session.createdAt());
            LoginReads.createLockRow(connection, USER, session.user(), session.createdAt());
            return null;
          });
    }
  }

  /**
   * A login that no limit constrains: nothing to lock, read or end, so one INSERT; with the session
   * it supersedes, if live, ended in the same transaction.
   */
  private OpenResult openUnlimited(
      Session session,
      QuotaPolicy policy,
      Supplier<String> what,
      long generation,
      TokenHash supersedes) {
    QuotaDecision decision =
        Quota.decide(session.attempt(), List.of(), List.of(), policy, session.createdAt());
    if (decision instanceof QuotaDecision.Deny deny) {
      return new OpenResult.Refused(deny);
    }
    Session superseded = null;
    if (supersedes == null) {
      db.autocommit(
          what,
          connection -> {
            insert(connection, session);
            db.persist(connection);
            return null;
          });
    } else {
      superseded =
          db.transaction(
              what,
              connection -> {
                Session presented = presentedLive(connection, supersedes, session.createdAt());
                SessionEnd end = supersededEnd(session);
                boolean ended =
                    presented != null && ends.end(connection, presented.id(), end, null, true);
                insert(connection, session);
                return ended ? presented.withEnd(end) : null;
              });
      view.ended(superseded == null ? List.of() : List.of(superseded));
    }
    if (view.cache() != null) {
      view.cache().putIfUnchanged(session, generation);
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
    Session row = SessionRows.selectOne(connection, SessionSql.BY_TOKEN_HASH, tokenHash.hex());
    if (row == null || row.end() != null) {
      return null;
    }
    Session seen = view.overlay(row);
    return seen.isLive(now) ? seen : null;
  }

  /**
   * The live session with {@code tokenHash} among those a login read, taken out of its counts; if
   * the login did not read it (another user, another address, or an unlimited scope), read now.
   * Null if there is none, or it has expired (then the login records it as an expiry).
   */
  private Session takePresented(
      Connection connection, TokenHash tokenHash, LoginReads.Unended unended, Instant now)
      throws SQLException {
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
  private Opening openLocked(
      Connection connection,
      Session session,
      QuotaPolicy policy,
      boolean userLimited,
      boolean ipLimited,
      TokenHash supersedes)
      throws SQLException {
    Instant now = session.createdAt();
    LoginReads.Unended unended = new LoginReads.Unended();
    if (!reads.lockAndRead(connection, session, userLimited, ipLimited, now, unended)) {
      return null;
    }
    // Left out of the counts here and ended below, in the same transaction as the INSERT.
    Session presented =
        (supersedes == null) ? null : takePresented(connection, supersedes, unended, now);
    QuotaDecision decision =
        Quota.decide(
            session.attempt(), unended.ofUser.values(), unended.fromIp.values(), policy, now);
    if (decision instanceof QuotaDecision.Deny deny) {
      return new Opening(new OpenResult.Refused(deny), List.of());
    }
    List<QuotaDecision.Eviction> evictions = ((QuotaDecision.Admit) decision).evictions();
    // Evictions and the expiries this login left out of its count, in one ascending id order.
    TreeMap<String, PlannedEnd> toEnd = new TreeMap<>();
    for (QuotaDecision.Eviction eviction : evictions) {
      SessionEnd end =
          new SessionEnd(
              EndReason.SESSION_LIMIT_REACHED,
              now,
              EndCause.limitReached(eviction.scope(), eviction.limit(), session));
      toEnd.put(eviction.session().id(), new PlannedEnd(eviction.session(), end, null));
    }
    if (presented != null) {
      toEnd.put(presented.id(), new PlannedEnd(presented, supersededEnd(session), null));
    }
    for (Session lapsed : unended.expired.values()) {
      toEnd.putIfAbsent(
          lapsed.id(),
          new PlannedEnd(lapsed, lapsed.endAt(now), unended.stored.get(lapsed.id()).expiresAt()));
    }
    Set<String> done =
        (together && toEnd.size() <= PIPELINED_ENDS)
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

  /**
   * Ends {@code toEnd} one statement each (notifying every node of each end where there are
   * notifications), then inserts {@code session}; the ids it ended. Runs the login again if an
   * expiry was not recorded because the session was extended meanwhile, so it counts again.
   */
  private Set<String> endAndInsert(
      Connection connection, Collection<PlannedEnd> toEnd, Session session) throws SQLException {
    Set<String> done = new HashSet<>();
    for (PlannedEnd planned : toEnd) {
      String id = planned.session().id();
      if (ends.end(connection, id, planned.end(), planned.storedExpiry(), true)) {
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
  private Set<String> endInsertAndCommit(
      Connection connection, Collection<PlannedEnd> toEnd, Session session) throws SQLException {
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
        index = SessionRows.bindEnd(statement, index, id, planned.end(), planned.storedExpiry());
        statement.setString(index++, EndNotices.CHANNEL);
        statement.setString(index++, ends.payload(id));
      }
      SessionRows.bindInsert(statement, index, session);
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
  private static Database.RunAgain extendedMeanwhile(String sessionId) {
    return new Database.RunAgain(
        "session " + sessionId + " was extended while a login counted" + " it as expired");
  }

  private static boolean stillUnended(Connection connection, String sessionId) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SessionSql.STILL_UNENDED)) {
      select.setString(1, sessionId);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static void insert(Connection connection, Session session) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(SessionSql.INSERT)) {
      SessionRows.bindInsert(insert, 1, session);
      insert.executeUpdate();
    } catch (SQLException e) {
      if (Database.isUniqueViolation(e)) {
        throw duplicate(session);
      }
      throw e;
    }
  }

  /** The driver's message would carry the whole token hash; this one names only its prefix. */
  private static IllegalArgumentException duplicate(Session session) {
    return new IllegalArgumentException(
        "a session with id "
            + session.id()
            + " or token "
            + session.tokenHash()
            + " exists already");
  }

  private static void requireKeyLength(String value, String name) {
    if (value.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "the "
              + name
              + " has "
              + value.length()
              + " characters; the JDBC store keeps at most "
              + MAX_KEY_LENGTH);
    }
  }
}
