package dev.sessionlimits.server.http;

import dev.sessionlimits.core.StoreUnavailableException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a failure becomes an answer, in one place, for Javalin's routes and for the plain Jetty
 * handlers ({@link ForwardAuth}, {@link JsonErrorHandler}) alike: an {@link ApiException} as it is;
 * a store that cannot be reached as 503 {@code store_unavailable}; Javalin's own 404, 405 (with
 * {@code Allow}) and 413 in the same JSON shape; anything else as 500 {@code internal_error} with
 * an error id that the log shows with the stack trace, and nothing else of it in the answer.
 */
public final class ErrorAnswers {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorAnswers.class);
  private static final PreEncodedHttpField JSON =
      new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");

  private ErrorAnswers() {}

  /** Makes every exception a route throws an answer from the {@link ApiError} catalog. */
  public static void register(RoutesConfig routes) {
    routes.exception(HttpResponseException.class, (e, ctx) -> answer(framework(e, ctx), ctx));
    routes.exception(
        Exception.class,
        (e, ctx) -> answer(refusal(e, String.valueOf(ctx.method()), ctx.path()), ctx));
  }

  /**
   * The answer to {@code failure} of a request for {@code method path}: an {@link ApiException} as
   * it is, a store that cannot be reached as 503 (logged as a warning), anything else as 500 with
   * an error id (logged with its stack trace).
   */
  public static ApiException refusal(Throwable failure, String method, String path) {
    if (failure instanceof ApiException e) {
      return e;
    }
    if (failure instanceof StoreUnavailableException e) {
      LOG.warn("Store unavailable on {} {}: {}", method, path, e.getMessage());
      return ApiException.storeUnavailable();
    }
    return internal(failure, method, path);
  }

  /** 500 {@code internal_error} for {@code failure}, logged with its stack trace and error id. */
  static ApiException internal(Throwable failure, String method, String path) {
    String id = errorId();
    LOG.error("Unexpected error {} on {} {}", id, method, path, failure);
    return ApiException.internal(id);
  }

  /**
   * Writes {@code e} as the answer of a plain Jetty handler to {@code request}: the same status,
   * headers and body, in the language its {@code Accept-Language} asks for.
   */
  public static void write(ApiException e, Request request, Response response, Callback callback) {
    Locale locale = Messages.locale(request.getHeaders().get(HttpHeader.ACCEPT_LANGUAGE));
    HttpFields.Mutable headers = response.getHeaders();
    e.headers().forEach(headers::put);
    headers.put(JSON);
    headers.put(HttpHeader.CONTENT_LANGUAGE, locale.toLanguageTag());
    headers.add(HttpHeader.VARY, "Accept-Language");
    response.setStatus(e.status());
    response.write(
        true,
        ByteBuffer.wrap(Json.write(e.body(locale)).getBytes(StandardCharsets.UTF_8)),
        callback);
  }

  /** A short random id that ties an answer to its line in the log. */
  static String errorId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static void answer(ApiException e, Context ctx) {
    Locale locale = Messages.locale(ctx);
    e.headers().forEach(ctx::header);
    Messages.label(ctx, locale);
    ctx.status(e.status()).json(e.body(locale));
  }

  private static ApiException framework(HttpResponseException e, Context ctx) {
    return switch (e.getStatus()) {
      case 404 ->
          ApiError.NOT_FOUND.exception(
              Sentence.of(
                  "request.nothing_at",
                  String.valueOf(ctx.method()),
                  Text.shorten(ctx.path(), 100)));
      case 405 -> {
        String allow = allowed(e);
        yield ApiError.METHOD_NOT_ALLOWED
            .exception(
                allow.isEmpty()
                    ? Sentence.of(
                        "request.method_not_allowed",
                        String.valueOf(ctx.method()),
                        Text.shorten(ctx.path(), 100))
                    : Sentence.of(
                        "request.method_not_allowed_takes",
                        String.valueOf(ctx.method()),
                        Text.shorten(ctx.path(), 100),
                        allow))
            .withHeaders(allow.isEmpty() ? Map.of() : Map.of("Allow", allow));
      }
      case 413 ->
          ApiError.PAYLOAD_TOO_LARGE.exception(
              Sentence.of("request.body_larger_than", Requests.MAX_BODY_BYTES / 1024));
      default ->
          (e.getStatus() >= 500
                  ? ApiError.INTERNAL_ERROR.exception(Sentence.of("request.server_failed"))
                  : ApiError.INVALID_REQUEST.exception(
                      Sentence.of("request.refused", String.valueOf(e.getStatus()))))
              .withStatus(e.getStatus());
    };
  }

  /**
   * The methods a path takes, for the {@code Allow} field of a 405: Javalin names the routes'
   * methods; {@code HEAD} goes wherever {@code GET} does ({@link MethodGuard}).
   */
  private static String allowed(HttpResponseException e) {
    List<String> methods = new ArrayList<>();
    for (String details : e.getDetails().values()) {
      for (String method : details.split(",")) {
        if (!method.isBlank()) {
          methods.add(method.strip());
        }
      }
    }
    if (methods.contains("GET")) {
      methods.add(methods.indexOf("GET") + 1, "HEAD");
    }
    return String.join(", ", methods);
  }
}
