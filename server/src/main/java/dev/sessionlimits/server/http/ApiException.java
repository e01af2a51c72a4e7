package dev.sessionlimits.server.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer other than success: an {@link ApiError} of the catalog (its code and, but for the few
 * statuses Jetty or Javalin chose, its status), a sentence for a person, and any further body
 * fields and headers. Rendered by {@link ErrorAnswers} as {@code {"error": code, "message":
 * message, ...fields}}.
 */
public final class ApiException extends RuntimeException {

  private final ApiError error;
  private final int status;
  private final Map<String, Object> fields;
  private final Map<String, String> headers;

  ApiException(ApiError error, String message) {
    this(error, error.status(), message, Map.of(), Map.of());
  }

  private ApiException(
      ApiError error,
      int status,
      String message,
      Map<String, ?> fields,
      Map<String, String> headers) {
    super(message, null, false, false);
    this.error = error;
    this.status = status;
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    this.headers = Map.copyOf(headers);
  }

  /** This answer with {@code fields} added to its body, in their order. */
  public ApiException withFields(Map<String, ?> more) {
    Map<String, Object> all = new LinkedHashMap<>(fields);
    all.putAll(more);
    return new ApiException(error, status, getMessage(), all, headers);
  }

  /** This answer with {@code more} response headers. */
  public ApiException withHeaders(Map<String, String> more) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.putAll(more);
    return new ApiException(error, status, getMessage(), fields, all);
  }

  /** This answer with the status Jetty or Javalin chose for a failure it met itself. */
  public ApiException withStatus(int chosen) {
    return new ApiException(error, chosen, getMessage(), fields, headers);
  }

  static ApiException badRequest(String message) {
    return ApiError.INVALID_REQUEST.exception(message);
  }

  /** 400 {@code invalid_request} naming each bad field (name to sentence). */
  public static ApiException invalidFields(Map<String, String> fields) {
    return badRequest(
            "Some fields of the request are not valid: " + String.join(" ", fields.values()))
        .withFields(Map.of("fields", fields));
  }

  /** 401 {@code not_authenticated}. */
  public static ApiException notAuthenticated() {
    return ApiError.NOT_AUTHENTICATED.exception();
  }

  /** 403 {@code forbidden}. */
  public static ApiException forbidden() {
    return ApiError.FORBIDDEN.exception();
  }

  static ApiException storeUnavailable() {
    return ApiError.STORE_UNAVAILABLE.exception();
  }

  /** An unexpected failure, logged under {@code errorId}; the answer shows nothing else of it. */
  static ApiException internal(String errorId) {
    return ApiError.INTERNAL_ERROR
        .exception(
            "Something went wrong on the server (error id "
                + errorId
                + "). It has been logged; nothing is shown here.")
        .withFields(Map.of("error_id", errorId));
  }

  /** The error of the catalog this answer is made from. */
  public ApiError error() {
    return error;
  }

  /** The HTTP status of the answer. */
  public int status() {
    return status;
  }

  String code() {
    return error.code();
  }

  Map<String, Object> fields() {
    return fields;
  }

  Map<String, String> headers() {
    return headers;
  }

  /** The JSON body. */
  public Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error.code());
    body.put("message", getMessage());
    body.putAll(fields);
    return body;
  }
}
