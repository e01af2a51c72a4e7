package dev.sessionlimits.server.http;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.MDC;

/**
 * Every log line written while a request is handled carries that request's fields: {@code method},
 * {@code path} (never the query, which may hold a code or ticket), {@code request_id} (made here,
 * never taken from the client) and {@code client_address} (the peer here; {@link #clientAddress}
 * replaces it with the proxy-aware address once the routes know it). They live in the MDC for the
 * request's thread and are cleared when its handling returns, whatever happened.
 */
public final class RequestLogFields extends Handler.Wrapper {

  /** The MDC keys, as they appear in the JSON log lines. */
  public static final String METHOD = "method";

  public static final String PATH = "path";
  public static final String REQUEST_ID = "request_id";
  public static final String CLIENT_ADDRESS = "client_address";

  /** Puts the fields of each request in the MDC before {@code handler} sees it. */
  public RequestLogFields(Handler handler) {
    super(handler);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    MDC.put(REQUEST_ID, HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
    MDC.put(METHOD, request.getMethod());
    MDC.put(PATH, request.getHttpURI().getPath());
    MDC.put(CLIENT_ADDRESS, Request.getRemoteAddr(request));
    try {
      return super.handle(request, response, callback);
    } finally {
      MDC.clear();
    }
  }

  /** The client's address as the routes see it (behind a trusted proxy, the forwarded one). */
  public static void clientAddress(String address) {
    MDC.put(CLIENT_ADDRESS, address);
  }
}
