package dev.sessionlimits.server.http;

import io.javalin.http.Context;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The outermost handler: every request reaches the routes with the method it was sent with, and a
 * {@code HEAD} is a {@code GET} without the body.
 *
 * <p>Design note. Javalin answers {@code HEAD} on any path that has a {@code GET} route with an
 * empty 200 of its own, without running the route, so a {@code HEAD} skipped authentication. Here a
 * {@code HEAD} is handed on as a {@code GET}: it runs the same route with the same checks and gets
 * the same status and headers, and Jetty, which parsed the request line as {@code HEAD}, sends no
 * body. No route is registered for {@code HEAD}, so none can be forgotten.
 *
 * <p>Javalin also takes the method from {@code X-HTTP-Method-Override} when present (a {@code GET}
 * carrying {@code X-HTTP-Method-Override: DELETE} ran the DELETE route, past the CSRF check of
 * state-changing methods). The server does not honour method override, so the field is removed
 * before any route sees it.
 */
public final class MethodGuard extends Handler.Wrapper {

  /** The request attribute that marks a {@code HEAD} handed on as a {@code GET}. */
  private static final String HEAD = "sessionlimits.head";

  /** The request field Javalin would take the method from; never honoured here. */
  static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";

  /** Guards the method of each request before it reaches {@code handler}. */
  public MethodGuard(Handler handler) {
    super(handler);
  }

  /**
   * Whether the request was sent as {@code HEAD}: for a route whose answer never ends by itself (an
   * event stream), which answers the headers and stops.
   */
  public static boolean isHead(Context ctx) {
    return Boolean.TRUE.equals(ctx.attribute(HEAD));
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    boolean head = HttpMethod.HEAD.is(request.getMethod());
    boolean override = request.getHeaders().contains(METHOD_OVERRIDE);
    if (!head && !override) {
      return super.handle(request, response, callback);
    }
    HttpFields fields =
        override
            ? HttpFields.build(request.getHeaders()).remove(METHOD_OVERRIDE).asImmutable()
            : request.getHeaders();
    String method = head ? HttpMethod.GET.asString() : request.getMethod();
    if (head) {
      request.setAttribute(HEAD, Boolean.TRUE);
    }
    return super.handle(
        new Request.Wrapper(request) {
          @Override
          public String getMethod() {
            return method;
          }

          @Override
          public HttpFields getHeaders() {
            return fields;
          }
        },
        response,
        callback);
  }
}
