package dev.sessionlimits.server.http;

import io.javalin.http.Context;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Every log line written while a route handles a request carries that request's fields: {@code
 * method}, {@code path} (never the query, which may hold a code or ticket; a path segment shaped
 * like a session token, which {@code /api/v1/service/sessions/{token}} carries, is written {@value
 * #TOKEN}), {@code request_id} (made here, never taken from the client) and {@code client_address}
 * (behind a trusted proxy, the forwarded one). They live in the MDC of the request's thread from
 * the first check before the route ({@link #open}) until the last step after it ({@link #close}),
 * which runs whatever happened.
 */
public final class RequestLogFields {

  /** The MDC keys, as they appear in the JSON log lines. */
  public static final String METHOD = "method";

  public static final String PATH = "path";
  public static final String REQUEST_ID = "request_id";
  public static final String CLIENT_ADDRESS = "client_address";

  /** What a session token in a path is logged as. */
  static final String TOKEN = "<token>";

  /** A path segment a session token could be: 256 bits in unpadded base64url. */
  private static final Pattern TOKEN_SEGMENT = Pattern.compile("(?<=/)[A-Za-z0-9_-]{43}(?=/|$)");

  private RequestLogFields() {}

  /** {@code path} as it may be logged: each segment shaped like a session token replaced. */
  static String loggable(String path) {
    return TOKEN_SEGMENT.matcher(path).replaceAll(TOKEN);
  }

  /** Puts the fields of the request {@code ctx}, from {@code clientAddress}, in the MDC. */
  public static void open(Context ctx, String clientAddress) {
    MDC.put(REQUEST_ID, HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
    MDC.put(METHOD, ctx.method().name());
    MDC.put(PATH, loggable(ctx.path()));
    MDC.put(CLIENT_ADDRESS, clientAddress);
  }

  /** Takes the request's fields out of the MDC: this thread's next lines are not the request's. */
  public static void close() {
    MDC.remove(REQUEST_ID);
    MDC.remove(METHOD);
    MDC.remove(PATH);
    MDC.remove(CLIENT_ADDRESS);
  }
}
