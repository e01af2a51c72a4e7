package dev.sessionlimits.server.auth;

import static dev.sessionlimits.server.http.Json.map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.server.Version;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.JsonFields;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.http.Sentence;
import dev.sessionlimits.server.http.Views;
import dev.sessionlimits.server.ops.Metrics;
import dev.sessionlimits.server.service.Auditor;
import dev.sessionlimits.server.service.DeviceCookies;
import dev.sessionlimits.server.service.Logins;
import dev.sessionlimits.server.service.Passwords;
import dev.sessionlimits.server.service.ResolveTokens;
import dev.sessionlimits.server.service.SettingsService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Login, logout, the caller's own sessions, forward-auth and the health check. */
public final class AuthRoutes {

  /** The forward-auth path: 200 with {@code X-Session-*} headers and no body, or 401. */
  static final String VERIFY = "/auth/verify";

  /**
   * Forward-auth under a path (Envoy's ext_authz appends the original path): any method, the same
   * answer as {@link #VERIFY}.
   */
  private static final String VERIFY_UNDER = VERIFY + "/";

  /** Tells browsers to drop what they cached of this origin's pages on sign-out. */
  static final String CLEAR_SITE_DATA = "\"cache\"";

  private static final Logger LOG = LoggerFactory.getLogger(AuthRoutes.class);
  static final int MAX_DEVICE = 100;
  private static final int MAX_SESSION_ID = 255;

  /** The longest user name, in characters, that a login or a new user may have. */
  public static final int MAX_USERNAME = 64;

  private final SessionManager sessions;
  private final SettingsService settings;
  private final Logins logins;
  private final SessionStart start;
  private final MfaRoutes mfa;
  private final Authenticator auth;
  private final Reauthentication reauth;
  private final Requests requests;
  private final SignInRedirect redirects;
  private final Auditor auditor;
  private final BooleanSupplier healthy;
  private final InstantSource clock;
  private final Function<String, Optional<URI>> providerLogout;
  private final Metrics metrics;
  private final ResolveTokens resolveTokens;

  /**
   * The routes of signing in and out, where signing out of a session also gives the identity
   * provider's sign-out address that {@code providerLogout} finds for it, if any.
   */
  public AuthRoutes(
      SessionManager sessions,
      SettingsService settings,
      Logins logins,
      SessionStart start,
      MfaRoutes mfa,
      Authenticator auth,
      Reauthentication reauth,
      Requests requests,
      SignInRedirect redirects,
      Auditor auditor,
      BooleanSupplier healthy,
      InstantSource clock,
      Function<String, Optional<URI>> providerLogout,
      Metrics metrics,
      ResolveTokens resolveTokens) {
    this.resolveTokens = resolveTokens;
    this.providerLogout = providerLogout;
    this.metrics = metrics;
    this.sessions = sessions;
    this.settings = settings;
    this.logins = logins;
    this.start = start;
    this.mfa = mfa;
    this.auth = auth;
    this.reauth = reauth;
    this.requests = requests;
    this.redirects = redirects;
    this.auditor = auditor;
    this.healthy = healthy;
    this.clock = clock;
  }

  /** Adds the login, logout, own-session, verify and health routes to {@code routes}. */
  public void register(RoutesConfig routes) {
    routes.post("/api/v1/login", this::login);
    routes.post("/api/v1/login/resolve", this::resolve);
    routes.post("/api/v1/logout", this::logout);
    routes.get("/api/v1/me", this::me);
    routes.get("/api/v1/me/sessions", this::mySessions);
    routes.delete("/api/v1/me/sessions/{id}", this::endMySession);
    routes.get(VERIFY, this::verify);
    routes.get(VERIFY_UNDER + "<rest>", this::verify);
    routes.get("/healthz", this::health);
  }

  private void login(Context ctx) {
    long started = System.nanoTime();
    try {
      checkAndOpen(ctx);
    } finally {
      metrics.loggedIn(started);
    }
  }

  /** The login itself: a wrong password, the throttle and the like are counted here. */
  private void checkAndOpen(Context ctx) {
    ObjectNode body = Json.object(Requests.body(ctx));
    JsonFields fields = new JsonFields(body, "username", "password", "device", "preview");
    String username = fields.string("username", MAX_USERNAME, true);
    String password = fields.secret("password", Passwords.MAX_LENGTH, true);
    String device = fields.string("device", MAX_DEVICE, false);
    boolean preview = preview(fields);
    fields.done();
    String ip = requests.clientIp(ctx);
    Logins.Verified verified;
    try {
      verified = logins.checkPassword(username, password, ip, DeviceCookies.presented(ctx));
    } catch (RuntimeException e) {
      metrics.credentialsFailed(e);
      throw e;
    }
    mfa.requireSecondStep(ctx, verified.user(), settings.settings());
    start.answer(ctx, verified.user(), device, verified.authMethod(), Map.of(), preview);
  }

  /** The optional {@code preview} field of a login: false when absent. */
  static boolean preview(JsonFields fields) {
    return Boolean.TRUE.equals(fields.bool("preview"));
  }

  /**
   * {@code POST /api/v1/login/resolve}: a login that waited for the user's choice ({@link
   * ResolveTokens}), now opened. It needs no password: the token proves that one was right, here,
   * less than two minutes ago, and opens at most one session; it is unguessable, so there is
   * nothing to throttle.
   */
  private void resolve(Context ctx) {
    long started = System.nanoTime();
    try {
      JsonFields fields =
          new JsonFields(Json.object(Requests.body(ctx)), "resolve_token", "end_session");
      String token = fields.secret("resolve_token", ResolveTokens.MAX_LENGTH, true);
      String endSession = fields.string("end_session", MAX_SESSION_ID, false);
      fields.done();
      ResolveTokens.Ticket ticket =
          resolveTokens
              .verify(token, requests.clientIp(ctx), SessionStart.userAgent(ctx))
              .orElseThrow(() -> ApiError.RESOLVE_TOKEN_INVALID.exception());
      start.resolve(ctx, ticket, endSession);
    } finally {
      metrics.loggedIn(started);
    }
  }

  private void logout(Context ctx) {
    ctx.header("Clear-Site-Data", CLEAR_SITE_DATA);
    String token = requests.sessionToken(ctx);
    if (token == null) {
      throw ApiException.notAuthenticated();
    }
    Session session;
    try {
      session = auth.session(ctx, token, settings.settings());
    } catch (ApiException e) {
      requests.clearSessionCookie(ctx);
      throw e;
    }
    requests.clearSessionCookie(ctx);
    if (session == null) {
      throw ApiException.notAuthenticated();
    }
    Optional<Session> ended = sessions.end(session.id(), EndReason.LOGGED_OUT, null);
    if (ended.isPresent()) {
      auditor.record(
          "logout", session.user(), requests.clientIp(ctx), session.user(), session.id(), Map.of());
    }
    Optional<URI> atProvider = providerLogout.apply(session.id());
    if (atProvider.isPresent()) {
      ctx.status(200).json(map("provider_logout", atProvider.get().toString()));
      return;
    }
    ctx.status(204);
  }

  private void me(Context ctx) {
    Authenticator.Caller caller = auth.require(ctx, true);
    Instant now = clock.instant();
    ctx.json(
        map(
            "user",
            Views.user(caller.user()),
            "session",
            caller.session() == null
                ? null
                : Views.session(caller.session(), now, caller.session().id()),
            "auth_method",
            caller.session() == null ? "basic" : "session"));
  }

  private void mySessions(Context ctx) {
    Authenticator.Caller caller = auth.require(ctx, true);
    Instant now = clock.instant();
    String current = (caller.session() == null) ? "" : caller.session().id();
    List<Object> list = new ArrayList<>();
    for (Session s : sessions.liveSessionsOfUser(caller.username())) {
      list.add(Views.session(s, now, current));
    }
    ctx.json(map("sessions", list));
  }

  private void endMySession(Context ctx) {
    Authenticator.Caller caller = auth.require(ctx, true);
    String id = ctx.pathParam("id");
    Instant now = clock.instant();
    Optional<Session> target = sessions.get(id);
    if (target.isEmpty()
        || !target.get().user().equals(caller.username())
        || !target.get().isLive(now)) {
      throw ApiError.SESSION_NOT_FOUND.exception(Sentence.of("session.not_yours", id));
    }
    if (caller.session() == null || !caller.session().id().equals(id)) {
      reauth.require(caller);
    }
    if (sessions.end(id, EndReason.ENDED_BY_USER, caller.username()).isEmpty()) {
      throw ApiError.SESSION_NOT_FOUND.exception(Sentence.of("session.not_yours", id));
    }
    auditor.record(
        "session_ended_by_user",
        caller.username(),
        caller.clientIp(),
        caller.username(),
        id,
        map("from_session", caller.session() == null ? null : caller.session().id()));
    ctx.status(204);
  }

  /**
   * Whether {@code path} (as sent, not decoded) is answered by forward-auth, whatever the method.
   */
  public static boolean isVerify(String path) {
    return VERIFY.equals(path) || path.startsWith(VERIFY_UNDER);
  }

  /**
   * The original path of {@code /auth/verify/<path>}, with its leading "/"; null for another path.
   */
  static String verifiedPath(String path) {
    return (path != null && path.startsWith(VERIFY_UNDER)) ? path.substring(VERIFY.length()) : null;
  }

  private void verify(Context ctx) {
    Session session;
    try {
      session =
          auth.verify(
              requests.sessionToken(ctx), Authenticator.isQuiet(ctx.header(Authenticator.QUIET)));
    } catch (ApiException e) {
      throw redirects.answer(
          e,
          new SignInRedirect.VerifyRequest(
              ctx.method().name(),
              ctx.req().getRequestURI(),
              ctx.queryString(),
              ctx.req().getRemoteAddr(),
              ctx::header));
    }
    ctx.header(Authenticator.SESSION_TIMEOUT, Long.toString(auth.secondsLeft(session)));
    ctx.header(Authenticator.USER, session.user());
    ctx.header(Authenticator.SESSION_ID, session.id());
    ctx.status(200);
  }

  private void health(Context ctx) {
    boolean up;
    try {
      up = healthy.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.warn("The store health check failed", e);
      up = false;
    }
    if (up) {
      ctx.json(map("status", "ok", "version", Version.CURRENT));
    } else {
      ctx.status(503)
          .json(
              map(
                  "status",
                  "unavailable",
                  "error",
                  ApiError.STORE_UNAVAILABLE.code(),
                  "message",
                  "This node cannot reach its store.",
                  "version",
                  Version.CURRENT));
    }
  }
}
