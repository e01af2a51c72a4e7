package dev.sessionlimits.server.service;

import static dev.sessionlimits.server.http.Json.map;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.DuplicateSessionException;
import dev.sessionlimits.core.EndFirst;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.Quota;
import dev.sessionlimits.core.QuotaDecision;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Scope;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.TokenHash;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.Views;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nobody stuck at a refusal: the choices a user has when a login of hers meets her limit, once her
 * password (and every factor the login needs) was right.
 *
 * <ul>
 *   <li>Refused by her own limit ({@code DENY_ACCESS}, scope {@code user}) while {@code
 *       DENY_ACCESS_LETS_USER_CHOOSE} is on, the 403 also lists her live sessions and carries a
 *       {@link ResolveTokens resolve token}; {@link #resolve} with the token and one of those
 *       sessions ends it ({@code signed_out_at_sign_in}) and opens hers, atomically ({@link
 *       EndFirst}). A refusal by the address's limit lists nothing: those sessions are others'.
 *   <li>A login asked as a preview that would end other sessions of hers (an evicting exhaustion
 *       action) opens nothing and names them ({@link #wouldEnd}), with a token; {@link #resolve}
 *       with the token alone then logs in, deciding anew.
 * </ul>
 *
 * Each token opens at most one session, on every node (its session id is derived from it); the
 * quota is decided again, atomically, when it is used, so the preview is advice and every limit
 * stays exact.
 */
public final class SignInChoices {

  private final SignIns signIns;
  private final SessionManager sessions;
  private final SettingsService settings;
  private final UserStore users;
  private final ResolveTokens tokens;
  private final Auditor auditor;
  private final InstantSource clock;

  /**
   * Choices for the users of {@code users} (read past any cache), opened through {@code signIns}.
   */
  public SignInChoices(
      SignIns signIns,
      SessionManager sessions,
      SettingsService settings,
      UserStore users,
      ResolveTokens tokens,
      Auditor auditor,
      InstantSource clock) {
    this.signIns = requireNonNull(signIns, "signIns");
    this.sessions = requireNonNull(sessions, "sessions");
    this.settings = requireNonNull(settings, "settings");
    this.users = requireNonNull(users, "users");
    this.tokens = requireNonNull(tokens, "tokens");
    this.auditor = requireNonNull(auditor, "auditor");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * A session for {@code user}, whose identity was just proven in full: {@link SignIns#open}, whose
   * refusal by her own limit lets her choose a session to sign out when the setting allows it.
   */
  public SessionManager.LoginResult.Admitted open(
      User user, LoginAttempt attempt, String presentedToken) {
    return signIns.open(user, attempt, presentedToken, null, null, this::offer);
  }

  /**
   * The sessions of hers that {@code attempt} would end now if it logged in, and a token to go on
   * with; empty when it would end none of hers (or be refused): then the caller logs in at once.
   * Changes nothing.
   */
  public Optional<Preview> wouldEnd(User user, LoginAttempt attempt, String presentedToken) {
    QuotaPolicy policy = signIns.policy(user);
    Instant now = clock.instant();
    String presented =
        (presentedToken == null || presentedToken.isEmpty() || presentedToken.length() > 256)
            ? null
            : TokenHash.of(presentedToken).hex();
    List<Session> ofUser =
        (policy.userLimit() == QuotaPolicy.UNLIMITED)
            ? List.of()
            : without(sessions.liveSessionsOfUser(attempt.user()), presented);
    List<Session> fromIp =
        (policy.ipLimit() == QuotaPolicy.UNLIMITED)
            ? List.of()
            : without(sessions.liveSessionsFrom(attempt.clientIp()), presented);
    QuotaDecision decision = Quota.decide(attempt, ofUser, fromIp, policy, now);
    if (!(decision instanceof QuotaDecision.Admit admit)) {
      return Optional.empty();
    }
    // Only her own sessions are named: others' at her address (an address limit) are not hers to
    // see, and are ended without a question, as before.
    List<Object> ended = new ArrayList<>();
    for (QuotaDecision.Eviction eviction : admit.evictions()) {
      if (eviction.session().user().equals(attempt.user())) {
        ended.add(Views.session(eviction.session(), now, null));
      }
    }
    if (ended.isEmpty()) {
      return Optional.empty();
    }
    ResolveTokens.Issued issued = issue(attempt);
    return Optional.of(new Preview(ended, issued));
  }

  /**
   * What a preview found: the sessions (as {@link Views#session}) the login would end, and the
   * token that logs in.
   */
  public record Preview(List<Object> wouldEnd, ResolveTokens.Issued token) {
    public Preview {
      wouldEnd = List.copyOf(wouldEnd);
      requireNonNull(token, "token");
    }
  }

  /**
   * The session that {@code ticket} (already checked against the client) opens, after ending her
   * session {@code endSession} (or none, if null) atomically with the opening; audited as {@code
   * login_resolved}.
   *
   * @param clientIp the client's address, {@code userAgent} its user agent (the ticket's)
   * @param presentedToken the session token the client presents, or null ({@link SignIns#open})
   * @throws ApiException 400 {@code resolve_token_invalid} if the token was used already (or names
   *     a session to end while {@code DENY_ACCESS_LETS_USER_CHOOSE} is off), 400 {@code
   *     resolve_session_not_found} (the token stays unused) if {@code endSession} is not a live
   *     session of hers, 403 {@code user_disabled}, 403 {@code session_limit_reached} if the limit
   *     refuses her after all (the sessions changed meanwhile; with a new choice)
   */
  public SessionManager.LoginResult.Admitted resolve(
      ResolveTokens.Ticket ticket,
      String endSession,
      String clientIp,
      String userAgent,
      String presentedToken) {
    if (sessions.get(ticket.sessionId()).isPresent()) {
      throw ApiError.RESOLVE_TOKEN_INVALID.exception();
    }
    User user =
        users.find(ticket.username()).orElseThrow(() -> ApiError.RESOLVE_TOKEN_INVALID.exception());
    if (user.disabled()) {
      throw ApiError.USER_DISABLED.exception();
    }
    EndFirst endFirst = null;
    if (endSession != null && !settings.settings().denyAccessLetsUserChoose()) {
      // Turned off since the refusal: the choice it offered is withdrawn.
      throw ApiError.RESOLVE_TOKEN_INVALID.exception();
    }
    if (endSession != null) {
      Optional<Session> chosen = sessions.get(endSession);
      if (chosen.isEmpty()
          || !chosen.get().user().equals(user.username())
          || !chosen.get().isLive(clock.instant())) {
        throw ApiError.RESOLVE_SESSION_NOT_FOUND.exception(endSession);
      }
      endFirst = new EndFirst(endSession, EndReason.SIGNED_OUT_AT_SIGN_IN);
    }
    LoginAttempt attempt =
        new LoginAttempt(
            user.username(),
            clientIp,
            userAgent,
            ticket.device().isBlank() ? null : ticket.device(),
            ticket.authMethod());
    SessionManager.LoginResult.Admitted admitted;
    try {
      admitted =
          signIns.open(user, attempt, presentedToken, ticket.sessionId(), endFirst, this::offer);
    } catch (DuplicateSessionException e) {
      throw ApiError.RESOLVE_TOKEN_INVALID.exception();
    } catch (ApiException e) {
      if (sessions.get(ticket.sessionId()).isPresent()) {
        // Refused because another request with this token opened its session meanwhile.
        throw ApiError.RESOLVE_TOKEN_INVALID.exception();
      }
      throw e;
    }
    String signedOut = null;
    for (Session ended : admitted.ended()) {
      if (ended.end().reason() == EndReason.SIGNED_OUT_AT_SIGN_IN) {
        signedOut = ended.id();
      }
    }
    auditor.record(
        "login_resolved",
        user.username(),
        clientIp,
        user.username(),
        signedOut == null ? admitted.session().id() : signedOut,
        map(
            "session",
            admitted.session().id(),
            "signed_out_session",
            signedOut,
            "auth_method",
            ticket.authMethod()));
    return admitted;
  }

  /** Her sessions and a token, for a refusal by her own limit while the setting allows it. */
  private Map<String, ?> offer(User user, LoginAttempt attempt, QuotaDecision.Deny deny) {
    if (deny.scope() != Scope.USER || !settings.settings().denyAccessLetsUserChoose()) {
      return Map.of();
    }
    Instant now = clock.instant();
    List<Object> list = new ArrayList<>();
    for (Session s : sessions.liveSessionsOfUser(user.username())) {
      list.add(Views.session(s, now, null));
    }
    ResolveTokens.Issued issued = issue(attempt);
    return map(
        "sessions",
        list,
        "resolve_token",
        issued.token(),
        "resolve_expires",
        Views.time(issued.expiresAt()));
  }

  private ResolveTokens.Issued issue(LoginAttempt attempt) {
    return tokens.issue(
        attempt.user(),
        attempt.authMethod(),
        attempt.device(),
        attempt.clientIp(),
        attempt.userAgent());
  }

  private static List<Session> without(List<Session> sessions, String tokenHashHex) {
    if (tokenHashHex == null) {
      return sessions;
    }
    List<Session> rest = new ArrayList<>(sessions);
    rest.removeIf(s -> s.tokenHash().hex().equals(tokenHashHex));
    return rest;
  }
}
