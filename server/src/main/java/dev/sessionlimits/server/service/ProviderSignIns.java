package dev.sessionlimits.server.service;

import static dev.sessionlimits.server.http.Json.map;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExternalIdentity;
import dev.sessionlimits.core.GroupSource;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.ProviderSession;
import dev.sessionlimits.core.ProviderSessions;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.User;
import dev.sessionlimits.identity.oidc.LogoutAnswer;
import dev.sessionlimits.identity.oidc.OidcAnswer;
import dev.sessionlimits.identity.oidc.OidcClient;
import dev.sessionlimits.identity.oidc.OidcConfig;
import dev.sessionlimits.identity.oidc.PendingLogin;
import dev.sessionlimits.identity.oidc.StartAnswer;
import dev.sessionlimits.identity.oidc.Unavailable;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.ops.Metrics;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing in and out with the configured OpenID Connect provider: the callback's user becomes a
 * local account ({@link ExternalUsers}, groups from the provider, administrator from its admin
 * group) and gets a session through {@link SignIns}, the one way a session opens; the provider
 * session behind it is remembered ({@link ProviderSessions}) so that the provider's back-channel
 * logout ends it (reason {@code identity_provider_logout}, through {@link SessionManager}, so the
 * browser holding it is told at once) and so that signing out here can end the provider's session
 * too.
 */
public final class ProviderSignIns {

  /** The auth method of a session opened here, in the session and the audit trail. */
  public static final String AUTH_METHOD = "oidc";

  /** The refusal of a sign-in whose account name belongs to another account or identity. */
  public static final String ACCOUNT_CONFLICT = "oidc_account_conflict";

  /** The refusal of a sign-in whose username claim is not a valid user name here. */
  public static final String INVALID_USERNAME = "oidc_invalid_username";

  /** The refusal of a sign-in of a disabled account. */
  public static final String USER_DISABLED = "user_disabled";

  /** The answer of a sign-in or a logout while the provider cannot be asked. */
  public static final String PROVIDER_UNAVAILABLE = "identity_provider_unavailable";

  private static final Logger LOG = LoggerFactory.getLogger(ProviderSignIns.class);

  private final OidcConfig config;
  private final OidcClient client;
  private final ExternalUsers users;
  private final SignIns signIns;
  private final SessionManager sessions;
  private final ProviderSessions providerSessions;
  private final Auditor auditor;
  private final Metrics metrics;

  /** Sign-ins with the provider {@code config} names, through {@code client}. */
  public ProviderSignIns(
      OidcConfig config,
      OidcClient client,
      ExternalUsers users,
      SignIns signIns,
      SessionManager sessions,
      ProviderSessions providerSessions,
      Auditor auditor,
      Metrics metrics) {
    this.config = requireNonNull(config, "config");
    this.client = requireNonNull(client, "client");
    this.users = requireNonNull(users, "users");
    this.signIns = requireNonNull(signIns, "signIns");
    this.sessions = requireNonNull(sessions, "sessions");
    this.providerSessions = requireNonNull(providerSessions, "providerSessions");
    this.auditor = requireNonNull(auditor, "auditor");
    this.metrics = requireNonNull(metrics, "metrics");
  }

  /** The provider's configuration. */
  public OidcConfig config() {
    return config;
  }

  /** Starts a sign-in that comes back to {@code returnTo}, a target the caller checked. */
  public StartAnswer start(String returnTo) {
    return client.start(returnTo);
  }

  /** How a callback ends. */
  public sealed interface Outcome {}

  /** Signed in: set the session cookie and go to {@code returnTo}. */
  public record SignedIn(SessionManager.LoginResult.Admitted admitted, String returnTo)
      implements Outcome {}

  /** Refused: nothing was opened; {@code code} is for the sign-in page, {@code detail} the log. */
  public record Refused(String code, String detail) implements Outcome {}

  /**
   * Finishes the sign-in of the browser that holds {@code pending}: the provider's answer, the
   * account, the session (its limit refusal, {@code session_limit_reached}, is a {@link Refused}),
   * the provider session remembered. Failures are audited as {@code login_failed} with the code.
   *
   * @param pending the pending login of the browser's cookie, or empty when it had none (or one
   *     that is not a pending login): refused as {@code oidc_state_mismatch}
   * @param attempt where the browser is and what it is; its user and auth method are replaced
   * @throws ApiException 503 {@code store_unavailable} when the store cannot be reached
   */
  public Outcome finish(
      Map<String, String> callbackQuery,
      Optional<PendingLogin> pending,
      Instant now,
      LoginAttempt attempt,
      String presentedToken) {
    if (pending.isEmpty()) {
      return refused(
          attempt,
          null,
          OidcAnswer.Refused.STATE_MISMATCH,
          "the browser brought no pending sign-in: it was not started in this browser, or the"
              + " cookie expired");
    }
    OidcAnswer answer = client.finish(callbackQuery, pending.get(), now);
    if (answer instanceof OidcAnswer.SignedIn yes) {
      return signIn(yes, pending.get().returnTo(), attempt, presentedToken);
    }
    if (answer instanceof OidcAnswer.Refused no) {
      return refused(attempt, null, no.code(), no.detail());
    }
    return refused(attempt, null, PROVIDER_UNAVAILABLE, ((Unavailable) answer).reason());
  }

  private Outcome signIn(
      OidcAnswer.SignedIn who, String returnTo, LoginAttempt attempt, String presentedToken) {
    if (!User.USERNAME.matcher(who.username()).matches()) {
      return refused(
          attempt,
          null,
          INVALID_USERNAME,
          "the provider's " + config.usernameClaim() + " is not a valid user name here");
    }
    ExternalUsers.Provisioned provisioned =
        users.provision(
            new ExternalIdentity(who.issuer(), who.subject()),
            who.username(),
            config.adminGroup().isPresent() ? Optional.of(who.admin()) : Optional.empty(),
            GroupSource.OIDC,
            who.groups());
    if (provisioned instanceof ExternalUsers.Conflict conflict) {
      return refused(attempt, who.username(), ACCOUNT_CONFLICT, conflict.reason());
    }
    ExternalUsers.Ready ready = (ExternalUsers.Ready) provisioned;
    User user = ready.user();
    if (ready.created()) {
      auditor.record(
          "user_created",
          null,
          attempt.clientIp(),
          user.username(),
          null,
          map("external", who.issuer(), "admin", user.admin()));
    }
    if (user.disabled()) {
      return refused(attempt, user.username(), USER_DISABLED, "the account is disabled");
    }
    LoginAttempt login =
        new LoginAttempt(
            user.username(), attempt.clientIp(), attempt.userAgent(), null, AUTH_METHOD);
    SessionManager.LoginResult.Admitted admitted;
    try {
      admitted = signIns.open(user, login, presentedToken);
    } catch (ApiException e) {
      if (e.error() != ApiError.SESSION_LIMIT_REACHED) {
        throw e;
      }
      // SignIns audited the refusal (login_refused).
      return new Refused(e.error().code(), e.getMessage());
    }
    Session session = admitted.session();
    try {
      providerSessions.remember(
          new ProviderSession(
              session.id(), who.issuer(), who.sid(), who.subject(), who.idTokenHint()));
    } catch (RuntimeException e) {
      // Without the record, the provider's logout could not end this session: end it now.
      sessions.end(session.id(), EndReason.LOGGED_OUT, null);
      throw e;
    }
    return new SignedIn(admitted, returnTo);
  }

  private Refused refused(LoginAttempt attempt, String username, String code, String detail) {
    LOG.info("OpenID Connect sign-in from {} refused: {} ({})", attempt.clientIp(), code, detail);
    metrics.login(
        switch (code) {
          case USER_DISABLED -> Metrics.LoginResult.DISABLED;
          case PROVIDER_UNAVAILABLE -> Metrics.LoginResult.UNAVAILABLE;
          default -> Metrics.LoginResult.REJECTED;
        });
    auditor.record(
        "login_failed",
        null,
        attempt.clientIp(),
        username,
        null,
        map("auth_method", AUTH_METHOD, "reason", code, "detail", detail));
    return new Refused(code, detail);
  }

  /** What a back-channel logout did. */
  public sealed interface Logout {}

  /** A valid logout token: these sessions were ended now (those ended before are left out). */
  public record LoggedOut(List<String> ended) implements Logout {}

  /** Not a valid logout token of the provider; nothing was done. */
  public record InvalidToken(String reason) implements Logout {}

  /** The provider's keys could not be fetched; nothing was done. */
  public record ProviderDown(String reason) implements Logout {}

  /**
   * Ends the sessions a back-channel logout token names: those of its {@code sid} at its issuer,
   * else (a token without {@code sid}) every session of its {@code sub} there; each with reason
   * {@code identity_provider_logout}, audited, and told to its browser like any other end. A token
   * is acted on once: received again while it is still valid (its {@code jti} recorded on any
   * node), it is refused, audited as {@code logout_token_replayed}, and nothing is ended.
   *
   * @param clientIp the address the token came from, for the audit trail
   * @param now when the token came
   */
  public Logout backChannelLogout(String logoutToken, String clientIp, Instant now) {
    LogoutAnswer answer = client.validateLogoutToken(logoutToken);
    if (answer instanceof Unavailable down) {
      return new ProviderDown(down.reason());
    }
    if (answer instanceof LogoutAnswer.Invalid invalid) {
      return new InvalidToken(invalid.reason());
    }
    LogoutAnswer.LogoutNotice notice = (LogoutAnswer.LogoutNotice) answer;
    if (!providerSessions.firstReceipt(notice.issuer(), notice.jti(), notice.keptUntil(), now)) {
      auditor.record(
          "logout_token_replayed",
          null,
          clientIp,
          null,
          null,
          map(
              "issuer", notice.issuer(),
              "jti", notice.jti(),
              "sid", notice.sid().orElse(null),
              "subject", notice.subject().orElse(null)));
      LOG.warn(
          "Back-channel logout token {} from {} received again: refused, nothing ended",
          notice.jti(),
          notice.issuer());
      return new InvalidToken("it was received before (jti " + notice.jti() + ")");
    }
    List<String> ids =
        notice.sid().isPresent()
            ? providerSessions.sessionsOf(notice.issuer(), notice.sid().get())
            : providerSessions.sessionsOfSubject(notice.issuer(), notice.subject().orElseThrow());
    List<String> ended = new ArrayList<>();
    for (String id : ids) {
      Optional<Session> done = sessions.end(id, EndReason.IDENTITY_PROVIDER_LOGOUT, null);
      providerSessions.forget(id);
      if (done.isPresent()) {
        ended.add(id);
        auditor.record(
            "session_ended_by_provider",
            null,
            clientIp,
            done.get().user(),
            id,
            map(
                "issuer", notice.issuer(),
                "sid", notice.sid().orElse(null),
                "subject", notice.subject().orElse(null)));
      }
    }
    LOG.info(
        "Back-channel logout from {} (sid {}, sub {}): {} sessions ended",
        notice.issuer(),
        notice.sid().orElse("-"),
        notice.subject().orElse("-"),
        ended.size());
    return new LoggedOut(ended);
  }

  /**
   * Where to send the browser to sign out at the provider too, after the session {@code sessionId}
   * was signed out here: the provider's {@code end_session_endpoint} with the session's ID token as
   * the hint and this server's sign-in page to come back to; empty for a session that was not
   * opened here, or a provider without that endpoint (or unreachable now). Forgets the provider
   * session.
   */
  public Optional<URI> providerLogout(String sessionId) {
    Optional<String> hint = providerSessions.idTokenHintOf(sessionId);
    if (hint.isEmpty()) {
      return Optional.empty();
    }
    providerSessions.forget(sessionId);
    try {
      return client.endSessionUri(hint.get(), signInPage());
    } catch (IllegalArgumentException e) {
      LOG.warn("The ID token kept for session {} is not a JWT: {}", sessionId, e.getMessage());
      return Optional.empty();
    }
  }

  /** This server's sign-in page, as browsers reach it. */
  public URI signInPage() {
    return URI.create(config.publicUrl() + "/index.html");
  }
}
