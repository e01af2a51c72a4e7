package dev.sessionlimits.server;

import dev.sessionlimits.server.auth.AuthRoutes;
import dev.sessionlimits.server.auth.ForwardAuth;
import dev.sessionlimits.server.auth.OidcRoutes;
import dev.sessionlimits.server.http.ErrorAnswers;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.JsonErrorHandler;
import dev.sessionlimits.server.http.MethodGuard;
import dev.sessionlimits.server.http.RequestLogFields;
import dev.sessionlimits.server.http.Requests;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How the server meets HTTP: Javalin's and Jetty's settings, the checks and headers every request
 * gets before its route, and the web UI's files. {@link SessionlimitsServer} builds the parts; this
 * puts them on the wire.
 */
final class HttpSetup {

  private static final Set<HandlerType> STATE_CHANGING =
      Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);

  /** On every answer. The web UI has no inline script or style, so it needs nothing but 'self'. */
  static final Map<String, String> SECURITY_HEADERS =
      Map.of(
          "Content-Security-Policy",
              "default-src 'self'; script-src 'self'; style-src 'self';"
                  + " img-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none';"
                  + " base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
          "X-Content-Type-Options", "nosniff",
          "Referrer-Policy", "same-origin");

  /**
   * The web UI's files (classpath {@code public/}, served at {@code /}) are revalidated on every
   * use (cheap: they carry an ETag): their names carry no version, and an old script must never run
   * against a newer page or API.
   */
  private static final Map<String, String> WEB_UI_HEADERS = withCacheControl("no-cache");

  /**
   * How long a connection may stay silent before Jetty closes it: between requests (keep-alive),
   * and within one while nothing moves. Event streams send a heartbeat well within it.
   */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  private HttpSetup() {}

  /**
   * Configures Javalin and its Jetty: the listener, the guards before every route (no-store, the
   * page security headers, HSTS, the query and cross-site checks), the web UI's files, the routes
   * (each registrar adds its own) and the error answers.
   */
  static void configure(
      JavalinConfig config,
      ServerConfig listen,
      Duration requestReadTimeout,
      Requests requests,
      ForwardAuth forwardAuth,
      List<Consumer<RoutesConfig>> routes) {
    config.startup.showJavalinBanner = false;
    config.startup.showOldJavalinVersionWarning = false;
    config.concurrency.useVirtualThreads = true;
    config.http.maxRequestSize = Requests.MAX_BODY_BYTES;
    config.http.defaultContentType = "application/json";
    config.http.prefer405over404 = true;
    config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
    withoutHeaderFieldCache(config);
    config.jetty.addConnector(
        (jetty, http) -> Listener.connector(jetty, http, listen, IDLE_TIMEOUT, requestReadTimeout));
    config.jetty.modifyServer(
        server -> {
          server.setErrorHandler(new JsonErrorHandler());
          // Javalin puts its own handler inside the innermost wrapper.
          server.setHandler(new MethodGuard(forwardAuth));
        });
    config.staticFiles.add(
        files -> {
          files.hostedPath = "/";
          files.directory = "/public";
          files.location = Location.CLASSPATH;
          files.headers = WEB_UI_HEADERS;
        });
    config.routes.before(
        ctx -> {
          RequestLogFields.open(ctx, requests.clientIp(ctx));
          ctx.header("Cache-Control", "no-store");
          // A forward-auth answer goes to the proxy, which keeps only its status and X-Session-*
          // headers: the page headers would be ~500 bytes of work on the hottest path. Its method
          // and
          // query are the original request's (Envoy), so they are not this server's to check.
          if (AuthRoutes.isVerify(ctx.path())) {
            return;
          }
          SECURITY_HEADERS.forEach(ctx::header);
          if (requests.isHttps(ctx)) {
            ctx.header("Strict-Transport-Security", Requests.HSTS);
          }
          Requests.checkQuery(ctx);
          if (STATE_CHANGING.contains(ctx.method())
              && !OidcRoutes.isBackChannelLogout(ctx.path())) {
            requests.checkStateChange(ctx);
          }
        });
    routes.forEach(register -> register.accept(config.routes));
    ErrorAnswers.register(config.routes);
    config.routes.after(ctx -> RequestLogFields.close());
  }

  /**
   * Turns off Jetty's cache of the header fields each connection has sent.
   *
   * <p>The cache matches a field's value without regard to case (Jetty's default). With it, a
   * request on a connection that had sent a session cookie or an API key was read as carrying that
   * credential when it sent the same letters in another case: the wrong credential accepted, the
   * right one refused after its wrong twin ({@code HeaderValuesOnOneConnectionTest}). A proxy's
   * connection carries many clients' requests. The cache also costs here: a proxy's connection
   * brings a new session cookie with nearly every request, so it was filled and cleared over and
   * over (a tenth of a verify's time).
   */
  static void withoutHeaderFieldCache(JavalinConfig config) {
    config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheSize(0));
  }

  private static Map<String, String> withCacheControl(String value) {
    Map<String, String> headers = new LinkedHashMap<>(SECURITY_HEADERS);
    headers.put("Cache-Control", value);
    return Map.copyOf(headers);
  }
}
