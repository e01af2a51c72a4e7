package dev.sessionlimits.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer other than success: HTTP {@code status}, a machine-readable {@code code}, a sentence for a
 * person, and any further body fields and headers. Rendered as {@code {"error": code, "message":
 * message, ...fields}}.
 */
final class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final Map<String, Object> fields;
  private final Map<String, String> headers;

  ApiException(int status, String code, String message) {
    this(status, code, message, Map.of(), Map.of());
  }

  ApiException(int status, String code, String message, Map<String, ?> fields,
      Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    this.headers = Map.copyOf(headers);
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, "invalid_request", message);
  }

  static ApiException invalidFields(Map<String, String> fields) {
    return new ApiException(400, "invalid_request", "Some fields of the request are not valid: "
        + String.join(" ", fields.values()), Map.of("fields", fields), Map.of());
  }

  static ApiException notAuthenticated() {
    return new ApiException(401, "not_authenticated", "Sign in first: this request carries no session"
        + " or credentials that are accepted here.");
  }

  static ApiException forbidden() {
    return new ApiException(403, "forbidden", "Only administrators may do this.");
  }

  static ApiException notFound(String code, String message) {
    return new ApiException(404, code, message);
  }

  static ApiException storeUnavailable() {
    return new ApiException(503, "store_unavailable", "The session store cannot be reached right"
        + " now, so nothing was done. Try again in a moment.");
  }

  /** An unexpected failure, logged under {@code errorId}; the answer shows nothing else of it. */
  static ApiException internal(String errorId) {
    return new ApiException(500, "internal_error", "Something went wrong on the server (error id "
        + errorId + "). It has been logged; nothing is shown here.", Map.of("error_id", errorId),
        Map.of());
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  Map<String, Object> fields() {
    return fields;
  }

  Map<String, String> headers() {
    return headers;
  }

  /** The JSON body. */
  Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", getMessage());
    body.putAll(fields);
    return body;
  }
}
