package dev.sessionlimits.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where sessions live. A store provides atomicity and persistence; which sessions a login ends is
 * decided by {@link Quota#decide}, never by the store.
 *
 * <p>The central promise is {@link #open}: however many logins for one user or one address arrive
 * at once, on however many nodes, no instant sees more live sessions than the limit. Every
 * implementation runs the store contract suite ({@code SessionStoreContract} in the core test-jar).
 */
public interface SessionStore extends AutoCloseable {

  /** A new store in this JVM's memory: fast, exact under concurrency, gone when the JVM exits. */
  static SessionStore inMemory() {
    return new InMemorySessionStore();
  }

  /** How long an ended session stays findable, so a later request learns why it ended. */
  Duration TOMBSTONE_RETENTION = Duration.ofDays(7);

  /**
   * Opens {@code candidate} if {@code policy} admits it, atomically with the check: reads the live
   * sessions of the candidate's user and address, asks {@link Quota#decide}, ends the evicted
   * sessions with {@link EndReason#SESSION_LIMIT_REACHED}, and stores the candidate, all under one
   * lock (or transaction) on the user and the address. The login time is {@code
   * candidate.createdAt()}.
   *
   * @throws StoreUnavailableException when the store cannot be reached; nothing was opened
   */
  OpenResult open(Session candidate, QuotaPolicy policy);

  /**
   * {@link #open(Session, QuotaPolicy)} for a login that presented a session (the browser's session
   * cookie, by its token hash): if the login is admitted and that session is live, it ends with
   * {@link EndReason#SUPERSEDED} (cause {@link EndCause#supersededBy}) atomically with the opening,
   * and it is left out of both counts, so it never costs the new session its room: a user at a
   * limit of 1 who signs in again in the same browser is neither refused nor made to evict another
   * device. Any live session may be superseded, whoever owns it: the browser that presented it is
   * about to replace its cookie, and re-authentication must not leave the presented token alive
   * (ASVS 7.2.4). A refused login changes nothing, the presented session included. A null {@code
   * supersedes}, or one that is not live, makes this {@code open(candidate, policy)}. The result
   * names the superseded session ({@link OpenResult.Opened#superseded}).
   *
   * <p>The built-in stores do this under the lock (or in the transaction) of the open. This
   * default, for other stores, cannot: it ends the presented session first and then opens, which
   * never admits more than a limit (an end only lowers counts) but ends the presented session even
   * when the login is then refused. Stores should override it.
   *
   * @throws StoreUnavailableException when the store cannot be reached
   */
  default OpenResult open(Session candidate, QuotaPolicy policy, TokenHash supersedes) {
    if (supersedes == null || supersedes.equals(candidate.tokenHash())) {
      return open(candidate, policy);
    }
    Session superseded = null;
    if (find(supersedes, candidate.createdAt()) instanceof Lookup.Live live) {
      superseded =
          end(
                  live.session().id(),
                  new SessionEnd(
                      EndReason.SUPERSEDED,
                      candidate.createdAt(),
                      EndCause.supersededBy(candidate)))
              .orElse(null);
    }
    OpenResult result = open(candidate, policy);
    if (superseded != null && result instanceof OpenResult.Opened opened) {
      return new OpenResult.Opened(opened.session(), opened.ended(), superseded);
    }
    return result;
  }

  /**
   * {@link #open(Session, QuotaPolicy, TokenHash)} for a login that ends one of its user's own
   * sessions to make room ({@code endFirst}: a user refused by her limit who chose which session to
   * sign out). If that session is live and belongs to the candidate's user, it is left out of both
   * counts, as if it had ended just before, and ends with {@code endFirst.reason()} (cause {@link
   * EndCause#signedOutBy}) atomically with the opening, under the same lock (or in the same
   * transaction) as the quota decision; the result lists it first among {@link
   * OpenResult.Opened#ended}. A session that is not live, or is another user's, is not ended, and
   * the quota decides as for any login. A refused login changes nothing.
   *
   * <p>A candidate whose id or token hash is stored already (live or a tombstone) throws {@link
   * DuplicateSessionException}, changing nothing, however many logins race with it: a caller that
   * derives the id from a single-use credential can count on each credential opening at most one
   * session.
   *
   * <p>The default, for other stores, ends the session first and then opens, which never admits
   * more than a limit but ends it even when the login is then refused. Stores should override it.
   *
   * @param endFirst the session to end, or null: then this is {@code open(candidate, policy,
   *     supersedes)}
   * @throws StoreUnavailableException when the store cannot be reached
   */
  default OpenResult open(
      Session candidate, QuotaPolicy policy, TokenHash supersedes, EndFirst endFirst) {
    if (endFirst == null) {
      return open(candidate, policy, supersedes);
    }
    if (get(candidate.id()).isPresent()) {
      throw new DuplicateSessionException(candidate.id(), candidate.tokenHash());
    }
    Session released = null;
    Optional<Session> target = get(endFirst.sessionId());
    if (target.isPresent()
        && target.get().user().equals(candidate.user())
        && target.get().isLive(candidate.createdAt())) {
      released =
          end(
                  endFirst.sessionId(),
                  new SessionEnd(
                      endFirst.reason(), candidate.createdAt(), EndCause.signedOutBy(candidate)))
              .orElse(null);
    }
    OpenResult result = open(candidate, policy, supersedes);
    if (released != null && result instanceof OpenResult.Opened opened) {
      List<Session> ended = new ArrayList<>();
      ended.add(released);
      ended.addAll(opened.ended());
      return new OpenResult.Opened(opened.session(), ended, opened.superseded());
    }
    return result;
  }

  /**
   * The session with this token hash, as of {@code now}, without extending it. A session found
   * expired is recorded as ended ({@code idle_timeout} or {@code max_lifetime}) and reported ended.
   */
  Lookup find(TokenHash tokenHash, Instant now);

  /**
   * Like {@link #find}, and records activity at {@code now} for a live session: its idle expiry
   * moves to {@code now + idleTimeout} (never past its absolute expiry). Touches less than {@link
   * Session#TOUCH_RESOLUTION} after the previous one are not written.
   */
  Lookup touch(TokenHash tokenHash, Instant now, Duration idleTimeout);

  /**
   * What {@link #find} would answer, if this store can tell without waiting for I/O (from memory or
   * a node cache), for a caller that must not block, such as an event loop; {@link
   * Immediate.MustWait} when it cannot, and the caller calls {@link #find} on a thread that may
   * wait. It may leave any session to {@code find}, and leaves it every one that must be recorded
   * as expired. The default answers {@code MustWait}.
   */
  default Immediate<Lookup> findWithoutWaiting(TokenHash tokenHash, Instant now) {
    return Immediate.mustWait();
  }

  /**
   * {@link #touch}, if this store can do it without waiting for I/O; {@link Immediate.MustWait}
   * otherwise, as {@link #findWithoutWaiting}. The default answers {@code MustWait}.
   */
  default Immediate<Lookup> touchWithoutWaiting(
      TokenHash tokenHash, Instant now, Duration idleTimeout) {
    return Immediate.mustWait();
  }

  /** The session with this public id, live or a tombstone. */
  Optional<Session> get(String sessionId);

  /**
   * Ends a live session. Returns the ended session if this call ended it; empty if there is no such
   * session or it had already ended (or expired: then it is recorded with its expiry reason).
   */
  Optional<Session> end(String sessionId, SessionEnd end);

  /**
   * Records that the holder of the unended session {@code sessionId} entered the user's password at
   * {@code at} (re-authentication before a sensitive change), so that every node sharing this store
   * sees it. The recorded time never moves back: an earlier {@code at} than the one recorded
   * changes nothing.
   *
   * <p>The default throws {@link UnsupportedOperationException}: a store that cannot record it
   * cannot support re-authentication. Every store of this project implements it.
   *
   * @return true if the session exists and has not ended (the entry is now at least {@code at});
   *     false otherwise
   */
  default boolean recordPasswordEntry(String sessionId, Instant at) {
    throw new UnsupportedOperationException(
        getClass().getName()
            + " does not record password entries, so re-authentication cannot be used with it");
  }

  /**
   * When the holder of the unended session {@code sessionId} last entered the password: the last
   * {@link #recordPasswordEntry}, or else the login itself ({@link Session#createdAt()}). Empty
   * when there is no such session or it has ended. Read from the store itself, never from a node's
   * cache, so an entry recorded on one node counts on every other at once.
   *
   * <p>The default answers the login time: right for a store that never records entries.
   */
  default Optional<Instant> lastPasswordEntry(String sessionId) {
    return get(sessionId).filter(s -> s.end() == null).map(Session::createdAt);
  }

  /** The user's live sessions at {@code now}, earliest-created first. */
  List<Session> liveSessionsOfUser(String user, Instant now);

  /** The live sessions from {@code clientIp} at {@code now}, earliest-created first. */
  List<Session> liveSessionsFrom(String clientIp, Instant now);

  /** Every live session at {@code now}, earliest-created first. */
  List<Session> liveSessions(Instant now);

  /**
   * One page of the live sessions at {@code now} that {@code query} selects, in its order, from its
   * position on; with the position of the next page when there are more. Read from the store itself
   * (never only from a node's cache), so every node lists the same sessions.
   *
   * <p>The default selects in memory from {@link #liveSessions} (or {@link #liveSessionsOfUser}):
   * right for a small store; a database store overrides it with an indexed query.
   */
  default SessionPage livePage(SessionQuery query, Instant now) {
    List<Session> candidates =
        query.user().isPresent()
            ? liveSessionsOfUser(query.user().get(), now)
            : (query.ip().orElse(null) instanceof IpMatch.Exact exact)
                ? liveSessionsFrom(exact.address(), now)
                : liveSessions(now);
    return SessionPage.select(candidates, query);
  }

  /**
   * Records every session expired at {@code now} as ended (telling the listeners) and forgets
   * tombstones whose end is {@link #TOMBSTONE_RETENTION} or more before {@code now}.
   */
  PurgeResult purge(Instant now);

  /** Calls {@code listener} for every session this store ends from now on, until closed. */
  Subscription subscribe(SessionListener listener);

  @Override
  void close();

  /** How many sessions a {@link #purge} marked expired, and how many tombstones it forgot. */
  record PurgeResult(int expired, int forgotten) {}

  /** A listener's registration. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
