package dev.sessionlimits.server.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An answer other than success: an {@link ApiError} of the catalog (its code and, but for the few
 * statuses Jetty or Javalin chose, its status), a sentence for a person, and any further body
 * fields and headers. Rendered by {@link ErrorAnswers} as {@code {"error": code, "message":
 * message, ...fields}}, its sentences (the message, and any {@link Localized} field value) in the
 * request's language; {@link #getMessage()} is the English one, for logs.
 */
public final class ApiException extends RuntimeException {

  private final ApiError error;
  private final Localized sentence;
  private final int status;
  private final Map<String, Object> fields;
  private final Map<String, String> headers;

  ApiException(ApiError error, Localized sentence) {
    this(error, error.status(), sentence, Map.of(), Map.of());
  }

  private ApiException(
      ApiError error,
      int status,
      Localized sentence,
      Map<String, ?> fields,
      Map<String, String> headers) {
    super(sentence.english(), null, false, false);
    this.error = error;
    this.sentence = sentence;
    this.status = status;
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    this.headers = Map.copyOf(headers);
  }

  /** This answer with {@code fields} added to its body, in their order. */
  public ApiException withFields(Map<String, ?> more) {
    Map<String, Object> all = new LinkedHashMap<>(fields);
    all.putAll(more);
    return new ApiException(error, status, sentence, all, headers);
  }

  /** This answer with {@code more} response headers. */
  public ApiException withHeaders(Map<String, String> more) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.putAll(more);
    return new ApiException(error, status, sentence, fields, all);
  }

  /** This answer with the status Jetty or Javalin chose for a failure it met itself. */
  public ApiException withStatus(int chosen) {
    return new ApiException(error, chosen, sentence, fields, headers);
  }

  static ApiException badRequest(Object message) {
    return ApiError.INVALID_REQUEST.exception(message);
  }

  /**
   * 400 {@code invalid_request} naming each bad field (name to sentence: a {@link Localized}, or a
   * string shown as it is).
   */
  public static ApiException invalidFields(Map<String, ?> fields) {
    Map<String, Object> copy = new LinkedHashMap<>(fields);
    Localized all =
        locale -> {
          List<String> each = new ArrayList<>();
          copy.values().forEach(v -> each.add(String.valueOf(localize(v, locale))));
          return String.join(" ", each);
        };
    return badRequest(Sentence.of("request.invalid_fields", all))
        .withFields(Map.of("fields", copy));
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
        .exception(Sentence.of("request.internal_error", errorId))
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

  /** The JSON body, in English. */
  public Map<String, Object> body() {
    return body(Messages.DEFAULT);
  }

  /** The JSON body, its sentences in {@code locale}; codes and field names are the same in all. */
  public Map<String, Object> body(Locale locale) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error.code());
    body.put("message", sentence.in(locale));
    fields.forEach((name, value) -> body.put(name, localize(value, locale)));
    return body;
  }

  /** {@code value} with every {@link Localized} in it (in maps and lists too) worded. */
  private static Object localize(Object value, Locale locale) {
    if (value instanceof Localized text) {
      return text.in(locale);
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> worded = new LinkedHashMap<>();
      map.forEach((k, v) -> worded.put(k, localize(v, locale)));
      return worded;
    }
    if (value instanceof List<?> list) {
      List<Object> worded = new ArrayList<>();
      list.forEach(v -> worded.add(localize(v, locale)));
      return worded;
    }
    return value;
  }
}
