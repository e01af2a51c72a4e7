package dev.sessionlimits.server.auth;

import dev.sessionlimits.core.Immediate;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.ErrorAnswers;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.ops.Metrics;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /auth/verify}, and {@code /auth/verify/<path>} under any method (Envoy's ext_authz
 * keeps the original method and appends the original path), answered by Jetty ahead of Javalin: a
 * reverse proxy asks it before every request it forwards, so it is the hottest path of the server,
 * and the route machinery around a Javalin handler costs several times the check itself. The answer
 * is the same as the Javalin route's ({@link AuthRoutes}, which still serves other spellings of the
 * path): 200 with {@code X-Session-User}, {@code X-Session-Id} and {@code Session-Timeout} and no
 * body, or the JSON error of {@link ApiException} (401, with {@code X-Session-End-Reason} for an
 * ended session; 503 when the store is down), or for a browser's navigation the 302 of {@link
 * SignInRedirect}. Every other request goes on to Javalin.
 *
 * <p>Design note. This handler declares itself non-blocking, so Jetty calls it on the thread that
 * read the request (a selector thread) instead of handing every request to a pool thread first. It
 * keeps that promise by never waiting there: a verify that this node's caches of sessions, users
 * and settings can answer ({@link Authenticator#verifyWithoutWaiting}) is answered at once; every
 * other request, and a verify that needs the store, is handed to the server's executor, where
 * {@link Authenticator#verify} or Javalin may wait for I/O.
 */
public final class ForwardAuth extends Handler.Wrapper {

  private static final Logger LOG = LoggerFactory.getLogger(ForwardAuth.class);
  private static final HttpField NO_STORE =
      new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");

  private final Authenticator auth;
  private final Requests requests;
  private final SignInRedirect redirects;
  private final Metrics metrics;

  /**
   * Answers verify requests before Javalin, with {@code auth}'s verdict, timed in {@code metrics}.
   */
  public ForwardAuth(
      Authenticator auth, Requests requests, SignInRedirect redirects, Metrics metrics) {
    this.auth = auth;
    this.requests = requests;
    this.redirects = redirects;
    this.metrics = metrics;
  }

  @Override
  public InvocationType getInvocationType() {
    return InvocationType.NON_BLOCKING;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getPath();
    if (!(HttpMethod.GET.is(request.getMethod()) && AuthRoutes.VERIFY.equals(path))
        && AuthRoutes.verifiedPath(path) == null) {
      return dispatch(
          request,
          response,
          callback,
          () -> {
            if (!super.handle(request, response, callback)) {
              Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            }
          });
    }
    long started = System.nanoTime();
    String token = sessionToken(request);
    boolean quiet = Authenticator.isQuiet(request.getHeaders().get(Authenticator.QUIET));
    Immediate<Session> session;
    try {
      session = auth.verifyWithoutWaiting(token, quiet);
    } catch (RuntimeException e) {
      metrics.verified(started);
      return answer(request, response, callback, null, e);
    }
    if (session instanceof Immediate.Known<Session> known) {
      metrics.verified(started);
      return answer(request, response, callback, known.value(), null);
    }
    metrics.verifyWaited();
    return dispatch(
        request,
        response,
        callback,
        () -> {
          Session verified;
          try {
            verified = auth.verify(token, quiet);
          } catch (RuntimeException e) {
            metrics.verified(started);
            answer(request, response, callback, null, e);
            return;
          }
          metrics.verified(started);
          answer(request, response, callback, verified, null);
        });
  }

  /**
   * Runs {@code work}, which may block, on the server's executor; fails the request if it throws.
   */
  private static boolean dispatch(
      Request request, Response response, Callback callback, Blocking work) {
    try {
      request
          .getComponents()
          .getExecutor()
          .execute(
              () -> {
                try {
                  work.run();
                } catch (Throwable e) {
                  LOG.error(
                      "Unexpected error on {} {}",
                      request.getMethod(),
                      request.getHttpURI().getPath(),
                      e);
                  callback.failed(e);
                }
              });
    } catch (RejectedExecutionException e) {
      LOG.warn(
          "No thread to handle {} {}: {}",
          request.getMethod(),
          request.getHttpURI().getPath(),
          e.toString());
      Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503);
    }
    return true;
  }

  /** Answers {@code session} with 200, or the refusal {@code failure} stands for. */
  private boolean answer(
      Request request,
      Response response,
      Callback callback,
      Session session,
      RuntimeException failure) {
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(NO_STORE);
    if (request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)
        || request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) > 0) {
      // The original request's body (Envoy may pass it on) is never read: the connection cannot be
      // used again, and the proxy must know before it sends the next request on it.
      headers.put(HttpHeader.CONNECTION, "close");
    }
    if (failure == null) {
      headers.put(Authenticator.SESSION_TIMEOUT, auth.secondsLeft(session));
      headers.put(Authenticator.USER, session.user());
      headers.put(Authenticator.SESSION_ID, session.id());
      response.setStatus(200);
      response.write(true, BufferUtil.EMPTY_BUFFER, callback);
      return true;
    }
    ApiException refusal = ErrorAnswers.refusal(failure, request.getMethod(), AuthRoutes.VERIFY);
    if (failure instanceof ApiException) {
      refusal =
          redirects.answer(
              refusal,
              new SignInRedirect.VerifyRequest(
                  request.getMethod(),
                  request.getHttpURI().getPath(),
                  request.getHttpURI().getQuery(),
                  Request.getRemoteAddr(request),
                  request.getHeaders()::get));
    }
    ErrorAnswers.write(refusal, request, response, callback);
    return true;
  }

  /** Work that may block. */
  @FunctionalInterface
  private interface Blocking {
    void run() throws Exception;
  }

  /** The session token under either cookie name, as {@link Requests#token} chooses. */
  private String sessionToken(Request request) {
    List<HttpCookie> cookies = Request.getCookies(request);
    String host = null;
    String plain = null;
    for (HttpCookie cookie : cookies) {
      String name = cookie.getName();
      if ((host == null || host.isEmpty()) && Requests.HOST_COOKIE.equals(name)) {
        host = cookie.getValue();
      } else if (plain == null && Requests.COOKIE.equals(name)) {
        plain = cookie.getValue();
      }
    }
    return requests.token(host, plain);
  }
}
