package dev.sessionlimits.server;

import dev.sessionlimits.core.StoreUnavailableException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a failure of a route becomes an answer, in one place: an {@link ApiException} as it is; a store
 * that cannot be reached as 503 {@code store_unavailable}; Javalin's own 404, 405 (with
 * {@code Allow}) and 413 in the same JSON shape; anything else as 500 {@code internal_error} with an
 * error id that the log shows with the stack trace, and nothing else of it in the answer.
 */
final class ErrorAnswers {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorAnswers.class);

  private ErrorAnswers() {}

  static void register(RoutesConfig routes) {
    routes.exception(ApiException.class, ErrorAnswers::answer);
    routes.exception(StoreUnavailableException.class, (e, ctx) -> {
      LOG.warn("Store unavailable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
      answer(ApiException.storeUnavailable(), ctx);
    });
    routes.exception(HttpResponseException.class, (e, ctx) -> answer(framework(e, ctx), ctx));
    routes.exception(Exception.class, (e, ctx) -> {
      String id = errorId();
      LOG.error("Unexpected error {} on {} {}", id, ctx.method(), ctx.path(), e);
      answer(ApiException.internal(id), ctx);
    });
  }

  /** A short random id that ties an answer to its line in the log. */
  static String errorId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static void answer(ApiException e, Context ctx) {
    e.headers().forEach(ctx::header);
    ctx.status(e.status()).json(e.body());
  }

  private static ApiException framework(HttpResponseException e, Context ctx) {
    return switch (e.getStatus()) {
      case 404 -> new ApiException(404, "not_found", "There is nothing at " + ctx.method() + " "
          + Text.shorten(ctx.path(), 100) + ".");
      case 405 -> {
        String allow = allowed(e);
        yield new ApiException(405, "method_not_allowed", ctx.method() + " is not allowed on "
            + Text.shorten(ctx.path(), 100) + (allow.isEmpty() ? "." : "; it takes " + allow + "."),
            Map.of(), allow.isEmpty() ? Map.of() : Map.of("Allow", allow));
      }
      case 413 -> new ApiException(413, "payload_too_large", "The request body is larger than "
          + Requests.MAX_BODY_BYTES / 1024 + " KiB.");
      default -> new ApiException(e.getStatus(), e.getStatus() >= 500 ? "internal_error" : "invalid_request",
          e.getStatus() >= 500 ? "Something went wrong on the server." : "The request was refused ("
              + e.getStatus() + ").");
    };
  }

  /**
   * The methods a path takes, for the {@code Allow} field of a 405: Javalin names the routes' methods;
   * {@code HEAD} goes wherever {@code GET} does ({@link MethodGuard}).
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
