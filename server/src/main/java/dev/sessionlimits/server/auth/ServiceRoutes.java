package dev.sessionlimits.server.auth;

import static dev.sessionlimits.server.http.Json.map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.User;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.ClientAddresses;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.JsonFields;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.http.Sentence;
import dev.sessionlimits.server.http.Text;
import dev.sessionlimits.server.http.Views;
import dev.sessionlimits.server.ops.Metrics;
import dev.sessionlimits.server.service.ServiceSessions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The service API: sessions an application opens, checks and ends with an API key ({@link
 * ServiceKeys}) for users it authenticated itself ({@link ServiceSessions}). An opening is answered
 * as {@code POST /api/v1/login} is, with the token in the body instead of a cookie; a check as
 * {@code /auth/verify} is, with the session's view.
 */
public final class ServiceRoutes {

  /** Where service sessions live. */
  static final String SESSIONS = "/api/v1/service/sessions";

  /** The longest user agent a service may send; a longer one is cut, as a login's header is. */
  private static final int MAX_USER_AGENT_SENT = 8192;

  private static final int MAX_USER_AGENT = 512;

  /** The longest token or session id a path may name. */
  private static final int MAX_REFERENCE = 255;

  private final ServiceKeys keys;
  private final ServiceSessions service;
  private final Authenticator auth;
  private final Requests requests;
  private final Metrics metrics;
  private final InstantSource clock;

  /** The service routes, calling {@code service} for callers {@code keys} lets in. */
  public ServiceRoutes(
      ServiceKeys keys,
      ServiceSessions service,
      Authenticator auth,
      Requests requests,
      Metrics metrics,
      InstantSource clock) {
    this.keys = keys;
    this.service = service;
    this.auth = auth;
    this.requests = requests;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Adds {@code POST, GET, DELETE /api/v1/service/sessions[/{ref}]} to {@code routes}. */
  public void register(RoutesConfig routes) {
    routes.post(SESSIONS, this::open);
    routes.get(SESSIONS + "/{ref}", this::check);
    routes.delete(SESSIONS + "/{ref}", this::end);
  }

  private void open(Context ctx) {
    long started = System.nanoTime();
    try {
      ServiceSessions.Key key = key(keys.require(ctx, ApiKeyScope.SESSIONS_OPEN));
      ServiceSessions.Open open = read(Json.object(Requests.body(ctx)));
      answer(ctx, service.open(key, open));
    } finally {
      metrics.loggedIn(started);
    }
  }

  /** The body of an opening, every bad field named in one 400. */
  private static ServiceSessions.Open read(ObjectNode body) {
    JsonFields fields =
        new JsonFields(body, "user", "client_ip", "user_agent", "device", "sessions_limit");
    String user = fields.string("user", AuthRoutes.MAX_USERNAME, true);
    if (user != null && !User.USERNAME.matcher(user).matches()) {
      fields.error("user", Sentence.of("field.username", "user", user));
    }
    String ip = fields.string("client_ip", MAX_REFERENCE, true);
    Optional<String> canonical = (ip == null) ? Optional.empty() : ClientAddresses.canonical(ip);
    if (ip != null && canonical.isEmpty()) {
      fields.error("client_ip", Sentence.of("field.ip", "client_ip", ip));
    }
    String userAgent = fields.string("user_agent", MAX_USER_AGENT_SENT, false);
    if (!fields.has("user_agent")) {
      fields.error("user_agent", Sentence.of("field.required", "user_agent"));
    }
    String device = fields.string("device", AuthRoutes.MAX_DEVICE, false);
    Optional<ServiceSessions.LimitChange> limit =
        fields.has("sessions_limit")
            ? Optional.of(new ServiceSessions.LimitChange(fields.sessionsLimit("sessions_limit")))
            : Optional.empty();
    fields.done();
    String agent = Text.withoutControls(userAgent == null ? "" : userAgent);
    return new ServiceSessions.Open(
        user,
        canonical.get(),
        (agent.length() > MAX_USER_AGENT) ? agent.substring(0, MAX_USER_AGENT) : agent,
        (device == null || device.isBlank()) ? null : device.strip(),
        limit);
  }

  private void answer(Context ctx, SessionManager.LoginResult.Admitted admitted) {
    Session session = admitted.session();
    Instant now = clock.instant();
    List<Object> ended = new ArrayList<>();
    for (Session evicted : admitted.ended()) {
      ended.add(Views.session(evicted, now, null));
    }
    ctx.header("Location", SESSIONS + "/" + session.id());
    ctx.header(Authenticator.SESSION_TIMEOUT, Long.toString(session.secondsLeft(now)));
    ctx.status(201)
        .json(
            map(
                "token",
                admitted.token().secret(),
                "session",
                Views.session(session, now, session.id()),
                "ended_sessions",
                ended));
  }

  private void check(Context ctx) {
    keys.require(ctx, ApiKeyScope.SESSIONS_READ);
    Lookup lookup =
        service
            .check(reference(ctx), Authenticator.isQuiet(ctx.header(Authenticator.QUIET)))
            .orElseThrow(ServiceRoutes::notFound);
    if (lookup instanceof Lookup.Ended ended) {
      throw auth.sessionEnded(ended.session());
    }
    Session session = ServiceSessions.session(lookup);
    Instant now = clock.instant();
    ctx.header(Authenticator.SESSION_TIMEOUT, Long.toString(session.secondsLeft(now)));
    ctx.json(map("session", Views.session(session, now, session.id())));
  }

  private void end(Context ctx) {
    ServiceSessions.Key key = key(keys.require(ctx, ApiKeyScope.SESSIONS_END));
    String reference = reference(ctx);
    if (service.end(key, reference, requests.clientIp(ctx)).isEmpty()) {
      throw notFound();
    }
    ctx.status(204);
  }

  private static ApiException notFound() {
    return ApiError.SESSION_NOT_FOUND.exception(Sentence.of("session.not_a_service_session"));
  }

  /** The path's token or session id; 404 for one no session can have. */
  private static String reference(Context ctx) {
    String reference = ctx.pathParam("ref");
    if (reference.isEmpty() || reference.length() > MAX_REFERENCE || Text.hasControl(reference)) {
      throw notFound();
    }
    return reference;
  }

  private static ServiceSessions.Key key(ServiceCaller caller) {
    return new ServiceSessions.Key(caller.keyId(), caller.name());
  }
}
