package dev.sessionlimits.server;

import static dev.sessionlimits.server.Json.map;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches a route (headers too large, a malformed
 * request line, an ambiguous URI): the same JSON shape as every other error, never an HTML page or a
 * stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(Request request, Response response, int code, String message,
      Throwable cause, Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  private static byte[] body(int code, String reason) {
    String error = switch (code) {
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 414 -> "uri_too_long";
      case 431 -> "headers_too_large";
      default -> (code >= 500) ? "internal_error" : "invalid_request";
    };
    String message = switch (code) {
      case 413 -> "The request body is too large.";
      case 414 -> "The request URI is too long.";
      case 431 -> "The request headers are too large.";
      default -> (code >= 500) ? "Something went wrong on the server."
          : "The request is malformed" + (reason == null || reason.isBlank() ? "."
              : ": " + (reason.length() > 100 ? reason.substring(0, 100) + "…" : reason) + ".");
    };
    return Json.write(map("error", error, "message", message)).getBytes(StandardCharsets.UTF_8);
  }
}
