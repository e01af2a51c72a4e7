package dev.sessionlimits.server.http;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before a request reaches a route (headers too large, a malformed
 * request line, an HTTP version it does not speak, an ambiguous URI): the same JSON shape as every
 * other error, never an HTML page or a stack trace. A failure of the server's own (5xx with a
 * cause) is logged with an error id that the answer names, as the routes do.
 */
public final class JsonErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    ApiException answer = answer(code, message);
    if (code >= 500 && cause != null && answer.error() == ApiError.INTERNAL_ERROR) {
      answer =
          ErrorAnswers.internal(cause, request.getMethod(), request.getHttpURI().getPath())
              .withStatus(code);
    }
    ErrorAnswers.write(answer, request, response, callback);
  }

  /** The answer to a failure Jetty met itself, with the status it chose. */
  static ApiException answer(int code, String reason) {
    ApiError error =
        switch (code) {
          case 404 -> ApiError.NOT_FOUND;
          case 405 -> ApiError.METHOD_NOT_ALLOWED;
          case 413 -> ApiError.PAYLOAD_TOO_LARGE;
          case 414 -> ApiError.URI_TOO_LONG;
          case 431 -> ApiError.HEADERS_TOO_LARGE;
          case 503 -> ApiError.UNAVAILABLE;
          case 505 -> ApiError.HTTP_VERSION_NOT_SUPPORTED;
          default -> (code >= 500) ? ApiError.INTERNAL_ERROR : ApiError.INVALID_REQUEST;
        };
    Sentence message =
        switch (code) {
          case 413 -> Sentence.of("request.body_too_large");
          case 414, 431, 503, 505 -> error.message();
          default ->
              (code >= 500)
                  ? Sentence.of("request.server_failed")
                  : (reason == null || reason.isBlank())
                      ? Sentence.of("request.malformed")
                      : Sentence.of("request.malformed_because", Text.shorten(reason, 100));
        };
    return new ApiException(error, message).withStatus(code);
  }
}
