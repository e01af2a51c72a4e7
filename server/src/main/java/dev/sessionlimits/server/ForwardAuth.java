package dev.sessionlimits.server;

import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.StoreUnavailableException;
import java.nio.ByteBuffer;
import java.util.List;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /auth/verify}, answered by Jetty ahead of Javalin: a reverse proxy asks it before every
 * request it forwards, so it is the hottest path of the server, and the route machinery around a
 * Javalin handler costs several times the check itself. The answer is the same as the Javalin route's
 * ({@link AuthRoutes}, which still serves every other method and spelling of the path): 200 with
 * {@code X-Session-User}, {@code X-Session-Id} and {@code Session-Timeout} and no body, or the JSON
 * error of {@link ApiException} (401, with {@code X-Session-End-Reason} for an ended session; 503 when
 * the store is down). Every other request goes on to Javalin.
 */
final class ForwardAuth extends Handler.Wrapper {

  static final String USER = "X-Session-User";
  static final String SESSION_ID = "X-Session-Id";

  private static final Logger LOG = LoggerFactory.getLogger(ForwardAuth.class);
  private static final HttpField NO_STORE =
      new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");
  private static final HttpField JSON =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");

  private final Authenticator auth;

  ForwardAuth(Authenticator auth) {
    this.auth = auth;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!HttpMethod.GET.is(request.getMethod())
        || !AuthRoutes.VERIFY.equals(request.getHttpURI().getPath())) {
      return super.handle(request, response, callback);
    }
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(NO_STORE);
    ApiException refusal;
    try {
      Session session = auth.verify(sessionToken(request),
          Authenticator.isQuiet(request.getHeaders().get(Authenticator.QUIET)));
      headers.put(Authenticator.SESSION_TIMEOUT, auth.secondsLeft(session));
      headers.put(USER, session.user());
      headers.put(SESSION_ID, session.id());
      response.setStatus(200);
      response.write(true, BufferUtil.EMPTY_BUFFER, callback);
      return true;
    } catch (ApiException e) {
      refusal = e;
    } catch (StoreUnavailableException e) {
      LOG.warn("Store unavailable on GET {}: {}", AuthRoutes.VERIFY, e.getMessage());
      refusal = ApiException.storeUnavailable();
    } catch (RuntimeException e) {
      String id = SessionlimitsServer.errorId();
      LOG.error("Unexpected error {} on GET {}", id, AuthRoutes.VERIFY, e);
      refusal = ApiException.internal(id);
    }
    refusal.headers().forEach(headers::put);
    headers.put(JSON);
    response.setStatus(refusal.status());
    response.write(true, ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(refusal.body())), callback);
    return true;
  }

  private static String sessionToken(Request request) {
    List<HttpCookie> cookies = Request.getCookies(request);
    for (HttpCookie cookie : cookies) {
      if (Requests.COOKIE.equals(cookie.getName())) {
        String value = cookie.getValue();
        return (value == null || value.isEmpty()) ? null : value;
      }
    }
    return null;
  }
}
