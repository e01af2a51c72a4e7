package dev.sessionlimits.server;

import dev.sessionlimits.server.admin.AdminRoutes;
import dev.sessionlimits.server.admin.ApiKeyRoutes;
import dev.sessionlimits.server.apidocs.ApiDocsRoutes;
import dev.sessionlimits.server.apidocs.OpenApiDocument;
import dev.sessionlimits.server.auth.AccountRoutes;
import dev.sessionlimits.server.auth.AuthRoutes;
import dev.sessionlimits.server.auth.ForwardAuth;
import dev.sessionlimits.server.auth.MfaRoutes;
import dev.sessionlimits.server.auth.OidcRoutes;
import dev.sessionlimits.server.auth.ServiceRoutes;
import dev.sessionlimits.server.ops.MetricsAccess;
import dev.sessionlimits.server.ops.OpsRoutes;
import dev.sessionlimits.server.push.EndAnnouncer;
import dev.sessionlimits.server.push.EventRoutes;
import dev.sessionlimits.server.push.PushHub;
import io.javalin.config.RoutesConfig;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every route of the server, made once on {@link Services}: the Javalin routes in the order they
 * are registered, the forward-auth handler Jetty runs before them, and the hub of the event
 * streams.
 */
final class Routes {

  /** Tells the hub and the metrics of ends, off the ending thread; the server closes it. */
  final EndAnnouncer ends;

  /** The hub of the event streams; the server closes it. */
  final PushHub push;

  /** {@code /auth/verify}, answered ahead of Javalin. */
  final ForwardAuth forwardAuth;

  /** What each route class adds to Javalin's routes, in order. */
  final List<Consumer<RoutesConfig>> registrars;

  Routes(Services s, Stores stores, MetricsAccess metricsAccess, Duration heartbeat) {
    MfaRoutes mfaRoutes =
        new MfaRoutes(
            s.steps,
            s.factors,
            s.tickets,
            s.start,
            s.auth,
            s.reauth,
            s.requests,
            s.auditor,
            s.metrics);
    AuthRoutes authRoutes =
        new AuthRoutes(
            s.sessions,
            s.settings,
            s.logins,
            s.start,
            mfaRoutes,
            s.auth,
            s.reauth,
            s.requests,
            s.redirects,
            s.auditor,
            stores.healthy(),
            s.clock,
            sessionId -> s.oidc.flatMap(o -> o.providerLogout(sessionId)),
            s.metrics,
            s.resolveTokens);
    OidcRoutes oidcRoutes = new OidcRoutes(s.oidc, s.requests, s.clock);
    AccountRoutes accountRoutes =
        new AccountRoutes(s.sessions, s.userService, s.logins, s.auth, s.reauth, s.auditor);
    this.ends =
        new EndAnnouncer(stores.sessions(), EndAnnouncer.DEFAULT_CAPACITY, s.metrics::endNotPushed);
    this.push =
        new PushHub(
            stores.sessions(),
            ends::subscribe,
            (session, locale) -> s.auth.sessionEnded(session).body(locale),
            heartbeat);
    EventRoutes eventRoutes = new EventRoutes(s.auth, s.users, s.requests, push);
    this.forwardAuth = new ForwardAuth(s.auth, s.requests, s.redirects, s.metrics);
    OpsRoutes ops = OpsSetup.routes(s.metrics, metricsAccess, stores, s.users, ends, push, s.clock);
    ApiDocsRoutes apiDocs = new ApiDocsRoutes(OpenApiDocument.load(Version.CURRENT));
    ServiceRoutes serviceRoutes =
        new ServiceRoutes(s.serviceKeys, s.serviceSessions, s.auth, s.requests, s.metrics, s.clock);
    AdminRoutes adminRoutes =
        new AdminRoutes(
            s.sessions,
            s.userService,
            s.groups,
            s.enforcement,
            stores.audit(),
            s.settings,
            s.auth,
            s.reauth,
            s.auditor,
            s.clock);
    ApiKeyRoutes apiKeyRoutes = new ApiKeyRoutes(s.apiKeys, s.auth, s.reauth);
    this.registrars =
        List.of(
            authRoutes::register,
            oidcRoutes::register,
            accountRoutes::register,
            mfaRoutes::register,
            serviceRoutes::register,
            adminRoutes::register,
            apiKeyRoutes::register,
            eventRoutes::register,
            ops::register,
            apiDocs::register);
  }
}
