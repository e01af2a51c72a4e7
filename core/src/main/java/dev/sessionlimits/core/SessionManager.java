package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The library's front door: issues tokens, opens sessions under a {@link QuotaPolicy},
 * authenticates tokens and ends sessions, on any {@link SessionStore}, with time from an injected
 * clock.
 */
public final class SessionManager {

  /** Longer presented tokens are not even hashed: no issued token comes close. */
  private static final int MAX_TOKEN_LENGTH = 256;

  private final SessionStore store;
  private final InstantSource clock;
  private final SecureRandom random;

  public SessionManager(SessionStore store, InstantSource clock) {
    this(store, clock, new SecureRandom());
  }

  public SessionManager(SessionStore store, InstantSource clock, SecureRandom random) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    this.random = requireNonNull(random, "random");
  }

  /** The outcome of a login: a new session and its token, or a refusal. */
  public sealed interface LoginResult {
    /**
     * The session is open; {@code token} goes to the client, {@code ended} made room for it, and
     * {@code superseded} is the presented session it replaced, or null.
     */
    record Admitted(SessionToken token, Session session, List<Session> ended, Session superseded)
        implements LoginResult {

      /** Admitted without replacing a session. */
      public Admitted(SessionToken token, Session session, List<Session> ended) {
        this(token, session, ended, null);
      }
    }

    /** Refused by the quota; nothing changed. */
    record Refused(QuotaDecision.Deny deny) implements LoginResult {}
  }

  /** Opens a session for {@code attempt} now, atomically with the quota check. */
  public LoginResult login(LoginAttempt attempt, QuotaPolicy policy) {
    return login(attempt, policy, null);
  }

  /**
   * {@link #login(LoginAttempt, QuotaPolicy)} by a client that presented {@code presentedToken}
   * (its session cookie, or null): if admitted, the session of that token, if live, ends with
   * {@link EndReason#SUPERSEDED} as part of the opening and does not count against the new one
   * ({@link SessionStore#open(Session, QuotaPolicy, TokenHash)}).
   */
  public LoginResult login(LoginAttempt attempt, QuotaPolicy policy, String presentedToken) {
    return login(attempt, policy, presentedToken, SessionToken.newSessionId(random), null);
  }

  /**
   * {@link #login(LoginAttempt, QuotaPolicy, String)} of a session with the given id that, if
   * admitted, ends {@code endFirst} (a live session of the same user, left out of the counts) as
   * part of the opening ({@link SessionStore#open(Session, QuotaPolicy, TokenHash, EndFirst)}).
   *
   * @param sessionId the new session's public id: a caller that derives it from a single-use
   *     credential opens at most one session per credential
   * @param endFirst the session to end, or null
   * @throws DuplicateSessionException if a session with {@code sessionId} exists already (live or a
   *     tombstone); nothing changed
   */
  public LoginResult login(
      LoginAttempt attempt,
      QuotaPolicy policy,
      String presentedToken,
      String sessionId,
      EndFirst endFirst) {
    SessionToken token = SessionToken.generate(random);
    Session candidate = Session.open(sessionId, token.hash(), attempt, clock.instant(), policy);
    boolean presented =
        presentedToken != null
            && !presentedToken.isEmpty()
            && presentedToken.length() <= MAX_TOKEN_LENGTH;
    TokenHash supersedes = presented ? TokenHash.of(presentedToken) : null;
    OpenResult result =
        (endFirst != null)
            ? store.open(candidate, policy, supersedes, endFirst)
            : presented ? store.open(candidate, policy, supersedes) : store.open(candidate, policy);
    if (result instanceof OpenResult.Opened opened) {
      return new LoginResult.Admitted(token, opened.session(), opened.ended(), opened.superseded());
    }
    return new LoginResult.Refused(((OpenResult.Refused) result).deny());
  }

  /**
   * The session a presented token belongs to. A live session is extended by {@code idleTimeout}
   * unless the request is {@code quiet} (background polling must not keep a user signed in).
   */
  public Lookup authenticate(String token, Duration idleTimeout, boolean quiet) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return Lookup.UNKNOWN;
    }
    TokenHash hash = TokenHash.of(token);
    Instant now = clock.instant();
    return quiet ? store.find(hash, now) : store.touch(hash, now, idleTimeout);
  }

  /**
   * {@link #authenticate}, if the store can answer without waiting for I/O: for a thread that must
   * not block. An empty or over-long token is {@link Lookup#UNKNOWN} at once; for any other the
   * answer is the store's ({@link SessionStore#touchWithoutWaiting}), {@link Immediate.MustWait}
   * when it cannot tell without waiting: then call {@code authenticate} where waiting is allowed.
   */
  public Immediate<Lookup> authenticateWithoutWaiting(
      String token, Duration idleTimeout, boolean quiet) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return Immediate.known(Lookup.UNKNOWN);
    }
    TokenHash hash = TokenHash.of(token);
    Instant now = clock.instant();
    return quiet
        ? store.findWithoutWaiting(hash, now)
        : store.touchWithoutWaiting(hash, now, idleTimeout);
  }

  /** Ends a session now for {@code reason}; {@code actor} is who did it, or null. */
  public Optional<Session> end(String sessionId, EndReason reason, String actor) {
    EndCause cause = (actor == null) ? EndCause.NONE : EndCause.byActor(actor);
    return store.end(sessionId, new SessionEnd(reason, clock.instant(), cause));
  }

  /**
   * Ends every live session of {@code user} but {@code keep} (null: all of them) for {@code
   * reason}; {@code actor} is who did it, or null.
   *
   * @return the ids of the sessions this call ended (not those that ended otherwise meanwhile)
   */
  public List<String> endAllOf(String user, EndReason reason, String actor, String keep) {
    List<String> ended = new ArrayList<>();
    for (Session s : store.liveSessionsOfUser(user, clock.instant())) {
      if (!s.id().equals(keep) && end(s.id(), reason, actor).isPresent()) {
        ended.add(s.id());
      }
    }
    return ended;
  }

  /**
   * Records that the holder of session {@code sessionId} entered the password now (a
   * re-authentication; the login itself counts as one without this call).
   *
   * @return false if the session does not exist or has ended
   */
  public boolean recordPasswordEntry(String sessionId) {
    return store.recordPasswordEntry(requireNonNull(sessionId, "sessionId"), clock.instant());
  }

  /**
   * Whether the holder of the unended session {@code sessionId} entered the password (at login or
   * since, {@link #recordPasswordEntry}) less than {@code window} ago: what a sensitive change asks
   * before it is made (re-authentication).
   */
  public boolean enteredPasswordWithin(String sessionId, Duration window) {
    requireNonNull(window, "window");
    Optional<Instant> last = store.lastPasswordEntry(requireNonNull(sessionId, "sessionId"));
    return last.isPresent() && clock.instant().isBefore(last.get().plus(window));
  }

  /**
   * Ends a live session with {@code end} (its reason, time and cause as given): for an end whose
   * cause says more than who did it, such as an enforced limit.
   */
  public Optional<Session> end(String sessionId, SessionEnd end) {
    return store.end(sessionId, end);
  }

  /** One page of the live sessions now ({@link SessionStore#livePage}). */
  public SessionPage livePage(SessionQuery query) {
    return store.livePage(query, clock.instant());
  }

  /** The session with this public id, live or a tombstone. */
  public Optional<Session> get(String sessionId) {
    return store.get(sessionId);
  }

  /** Every live session now. */
  public List<Session> liveSessions() {
    return store.liveSessions(clock.instant());
  }

  /** The live sessions of {@code user} now. */
  public List<Session> liveSessionsOfUser(String user) {
    return store.liveSessionsOfUser(user, clock.instant());
  }

  /** The live sessions opened from {@code clientIp} (canonical form) now. */
  public List<Session> liveSessionsFrom(String clientIp) {
    return store.liveSessionsFrom(clientIp, clock.instant());
  }

  /**
   * The store under this manager.
   *
   * @deprecated reading and ending sessions go through this class ({@link #get}, {@link
   *     #liveSessions}, {@link #end}), which brings the clock; kept for callers of the library that
   *     used it, to be removed in the next major version
   */
  @Deprecated(since = "0.1")
  public SessionStore store() {
    return store;
  }

  public Instant now() {
    return clock.instant();
  }
}
