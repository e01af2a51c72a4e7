package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.LoginReads.IP;
import static dev.sessionlimits.store.jdbc.LoginReads.USER;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.EndCause;
import dev.sessionlimits.core.EndFirst;
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
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
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
 * that a scope limits takes two round trips. The first carries {@link SessionSql#BEGIN}, {@link
 * SessionSql#PLAIN_INDEX_SCANS}, the locks and the reads as the separate statements of one prepared
 * statement ({@code "begin; set; lock; read"}) on a connection in autocommit mode ({@link
 * Database#transactionBegunByWork}; the driver's own BEGIN, a simple query, would be answered and
 * flushed by itself): the driver sends each statement's Parse, Bind and Execute and one Sync for
 * all, and the server runs them one after the other, taking each read's snapshot when it binds it,
 * after the locks are granted; so the reads see exactly what they would see sent one by one. (One
 * statement that both locked and read would not: its single snapshot is taken before the lock
 * wait.) The second carries, likewise, one statement for each session to end, in ascending id order
 * ({@link SessionSql#END}), the INSERT of the new session and {@code COMMIT}; {@link
 * BegunTransaction} then finds the transaction ended and sends nothing more. After its first few
 * executions on a connection the server reuses one generic plan for each of these statements (one
 * UPDATE joined to arrays of all the sessions would be planned anew for every login, as its row
 * estimate depends on the arrays' length). A login that records expiries leaves the {@code COMMIT}
 * out and sends it after checking them (below), one round trip more; one that ends more than {@link
 * LoginWrites#PIPELINED_ENDS} sessions ends them one round trip each; a refused login commits after
 * the first.
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

  private final Database db;
  private final NodeView view;
  private final SessionEnds ends;
  private final LoginReads reads;
  private final LoginWrites writes;
  private final boolean together;

  JdbcLogins(Database db, NodeView view, SessionEnds ends) {
    this.db = db;
    this.view = view;
    this.ends = ends;
    this.reads = new LoginReads(db.dialect(), view);
    this.writes = new LoginWrites(ends);
    this.together = db.dialect().sendsStatementsTogether();
  }

  /** What a login did: its result, and every session it ended (evicted, or found expired). */
  private record Opening(OpenResult result, List<Session> ended) {}

  OpenResult open(Session candidate, QuotaPolicy policy, TokenHash supersedes, EndFirst endFirst) {
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
      return openUnlimited(session, policy, what, generation, presented, endFirst);
    }
    for (int round = 1; ; round++) {
      Database.Work<Opening> work =
          connection ->
              openLocked(connection, session, policy, userLimited, ipLimited, presented, endFirst);
      Opening opening =
          together ? db.transactionBegunByWork(what, work) : db.transaction(what, work);
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
      TokenHash supersedes,
      EndFirst endFirst) {
    QuotaDecision decision =
        Quota.decide(session.attempt(), List.of(), List.of(), policy, session.createdAt());
    if (decision instanceof QuotaDecision.Deny deny) {
      return new OpenResult.Refused(deny);
    }
    Session[] ended = new Session[2];
    if (supersedes == null && endFirst == null) {
      db.autocommit(
          what,
          connection -> {
            LoginWrites.insert(connection, session);
            db.persist(connection);
            return null;
          });
    } else {
      db.transaction(
          what,
          connection -> {
            Instant now = session.createdAt();
            Session presented =
                (supersedes == null) ? null : presentedLive(connection, supersedes, now);
            Session chosen = chosenLive(connection, endFirst, session, presented);
            ended[0] = endNow(connection, presented, supersededEnd(session));
            ended[1] =
                (chosen == null) ? null : endNow(connection, chosen, chosenEnd(endFirst, session));
            LoginWrites.insert(connection, session);
            return null;
          });
      List<Session> all = new ArrayList<>();
      for (Session one : ended) {
        if (one != null) {
          all.add(one);
        }
      }
      view.ended(all);
    }
    if (view.cache() != null) {
      view.cache().putIfUnchanged(session, generation);
    }
    return new OpenResult.Opened(
        session, (ended[1] == null) ? List.of() : List.of(ended[1]), ended[0]);
  }

  /** {@code session} (or null) ended with {@code end} in this transaction; null if it was not. */
  private Session endNow(Connection connection, Session session, SessionEnd end)
      throws SQLException {
    return (session != null && ends.end(connection, session.id(), end, null))
        ? session.withEnd(end)
        : null;
  }

  /** The end of the session a user chose to end ({@code endFirst}) for the new {@code login}. */
  private static SessionEnd chosenEnd(EndFirst endFirst, Session login) {
    return new SessionEnd(endFirst.reason(), login.createdAt(), EndCause.signedOutBy(login));
  }

  /**
   * The live session {@code endFirst} names, read now, if it is the login's user's and not the
   * presented one; null otherwise. Throws if the login's own id is taken: under the user's quota
   * row, read after the lock, so one of several logins of one id wins and the others learn why.
   */
  private Session chosenLive(
      Connection connection, EndFirst endFirst, Session login, Session presented)
      throws SQLException {
    if (endFirst == null) {
      return null;
    }
    if (SessionRows.selectOne(connection, SessionSql.BY_ID, login.id()) != null) {
      throw LoginWrites.duplicate(login);
    }
    if (presented != null && presented.id().equals(endFirst.sessionId())) {
      return null;
    }
    Session row = SessionRows.selectOne(connection, SessionSql.BY_ID, endFirst.sessionId());
    if (row == null || row.end() != null || !row.user().equals(login.user())) {
      return null;
    }
    Session seen = view.overlay(row);
    return seen.isLive(login.createdAt()) ? seen : null;
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

  /**
   * The session {@code endFirst} names, taken out of the login's counts, if it is the login's
   * user's and live; else null ({@link #chosenLive}, which also refuses a taken id).
   */
  private Session takeChosen(
      Connection connection,
      EndFirst endFirst,
      Session login,
      Session presented,
      LoginReads.Unended unended)
      throws SQLException {
    Session chosen = chosenLive(connection, endFirst, login, presented);
    if (chosen != null) {
      unended.ofUser.remove(chosen.id());
      unended.fromIp.remove(chosen.id());
    }
    return chosen;
  }

  /** The outcome with the quota rows of the limited scopes held, or null if a row is missing. */
  private Opening openLocked(
      Connection connection,
      Session session,
      QuotaPolicy policy,
      boolean userLimited,
      boolean ipLimited,
      TokenHash supersedes,
      EndFirst endFirst)
      throws SQLException {
    Instant now = session.createdAt();
    LoginReads.Unended unended = new LoginReads.Unended();
    if (!reads.lockAndRead(connection, session, userLimited, ipLimited, now, unended)) {
      return null;
    }
    // Left out of the counts here and ended below, in the same transaction as the INSERT.
    Session presented =
        (supersedes == null) ? null : takePresented(connection, supersedes, unended, now);
    Session chosen = takeChosen(connection, endFirst, session, presented, unended);
    QuotaDecision decision =
        Quota.decide(
            session.attempt(), unended.ofUser.values(), unended.fromIp.values(), policy, now);
    if (decision instanceof QuotaDecision.Deny deny) {
      return new Opening(new OpenResult.Refused(deny), List.of());
    }
    List<QuotaDecision.Eviction> evictions = ((QuotaDecision.Admit) decision).evictions();
    // Evictions and the expiries this login left out of its count, in one ascending id order.
    TreeMap<String, LoginWrites.PlannedEnd> toEnd = new TreeMap<>();
    for (QuotaDecision.Eviction eviction : evictions) {
      SessionEnd end =
          new SessionEnd(
              EndReason.SESSION_LIMIT_REACHED,
              now,
              EndCause.limitReached(eviction.scope(), eviction.limit(), session));
      toEnd.put(eviction.session().id(), new LoginWrites.PlannedEnd(eviction.session(), end, null));
    }
    if (presented != null) {
      toEnd.put(
          presented.id(), new LoginWrites.PlannedEnd(presented, supersededEnd(session), null));
    }
    if (chosen != null) {
      toEnd.put(
          chosen.id(), new LoginWrites.PlannedEnd(chosen, chosenEnd(endFirst, session), null));
    }
    for (Session lapsed : unended.expired.values()) {
      toEnd.putIfAbsent(
          lapsed.id(),
          new LoginWrites.PlannedEnd(
              lapsed, lapsed.endAt(now), unended.stored.get(lapsed.id()).expiresAt()));
    }
    Set<String> done =
        (together && toEnd.size() <= LoginWrites.PIPELINED_ENDS)
            ? writes.endInsertAndCommit(connection, toEnd.values(), session)
            : writes.endAndInsert(connection, toEnd.values(), session);
    List<Session> inDecisionOrder = new ArrayList<>(evictions.size() + 1);
    if (chosen != null && done.contains(chosen.id())) {
      inDecisionOrder.add(chosen.withEnd(toEnd.get(chosen.id()).end()));
    }
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
    for (LoginWrites.PlannedEnd planned : toEnd.values()) {
      if (planned.storedExpiry() != null && done.contains(planned.session().id())) {
        all.add(planned.session().withEnd(planned.end()));
      }
    }
    return new Opening(new OpenResult.Opened(session, inDecisionOrder, superseded), all);
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
