package dev.sessionlimits.server;

import static dev.sessionlimits.server.Json.map;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Errors Jetty answers itself, before a request reaches a route (headers too large, a malformed
 * request line, an HTTP version it does not speak, an ambiguous URI): the same JSON shape as every
 * other error, never an HTML page or a stack trace. A failure of the server's own (5xx with a
 * cause) is logged with an error id that the answer names, as the routes do.
 */
final class JsonErrorHandler extends ErrorHandler {

  private static final Logger LOG = LoggerFactory.getLogger(JsonErrorHandler.class);

  @Override
  protected void generateResponse(Request request, Response response, int code, String message,
      Throwable cause, Callback callback) {
    Map<String, Object> body = body(code, message);
    if (code >= 500 && cause != null && "internal_error".equals(body.get("error"))) {
      String id = ErrorAnswers.errorId();
      LOG.error("Unexpected error {} on {} {}", id, request.getMethod(),
          request.getHttpURI().getPath(), cause);
      body = ApiException.internal(id).body();
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(Json.write(body).getBytes(StandardCharsets.UTF_8)),
        callback);
  }

  static Map<String, Object> body(int code, String reason) {
    String error = switch (code) {
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 431 -> "headers_too_large";
      case 503 -> "unavailable";
      case 505 -> "http_version_not_supported";
      default -> (code >= 500) ? "internal_error" : "invalid_request";
    };
    String message = switch (code) {
      case 413 -> "The request body is too large.";
      case 414 -> "The request URI is too long.";
      case 431 -> "The request headers are too large.";
      case 503 -> "The server cannot take this request right now. Try again in a moment.";
      case 505 -> "This server speaks HTTP/1.1 and HTTP/1.0; the request's HTTP version is not"
          + " supported.";
      default -> (code >= 500) ? "Something went wrong on the server."
          : "The request is malformed" + (reason == null || reason.isBlank() ? "."
              : ": " + Text.shorten(reason, 100) + ".");
    };
    return map("error", error, "message", message);
  }
}
