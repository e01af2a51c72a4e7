package dev.sessionlimits.server.http;

import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The query parameters of a list route, read one way for every list: the route declares the
 * parameters it takes, and any other, or any given twice, is refused with 400 naming it; {@code
 * limit} is 1..{@value #MAX_LIMIT} (default {@value #DEFAULT_LIMIT}); {@code cursor} is opaque to
 * clients ({@link #cursor}). The link to the next page ({@link #answerNext}) repeats every
 * parameter read here, so the next page keeps the filters and the order.
 *
 * <p>An empty value is no value: {@code ?user=} lists every user's sessions, as it always did.
 */
public final class ListParams {

  /** The page size when none is asked. */
  public static final int DEFAULT_LIMIT = 100;

  /** The largest page. */
  public static final int MAX_LIMIT = 1000;

  private static final int MAX_VALUE = 512;
  private static final String CURSOR_SEPARATOR = "\n";

  private final Context ctx;
  private final String path;
  private final Map<String, String> given = new LinkedHashMap<>();
  private final Map<String, String> kept = new LinkedHashMap<>();

  private ListParams(Context ctx, String path) {
    this.ctx = ctx;
    this.path = path;
  }

  /**
   * The parameters of {@code ctx}, which may only be {@code allowed}; the next page's link goes to
   * {@code path}.
   *
   * @throws ApiException 400 naming each unknown, repeated or too long parameter
   */
  public static ListParams of(Context ctx, String path, Set<String> allowed) {
    ListParams params = new ListParams(ctx, path);
    Map<String, String> errors = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      String name = e.getKey();
      String shown = Text.shorten(Text.withoutControls(name), 40);
      if (!allowed.contains(name)) {
        errors.put(
            shown,
            shown
                + " is not a parameter of this route, which takes "
                + String.join(", ", allowed.stream().sorted().toList())
                + ".");
      } else if (e.getValue().size() > 1) {
        errors.put(name, name + " must be given at most once.");
      } else if (e.getValue().get(0).length() > MAX_VALUE) {
        errors.put(name, name + " must be at most " + MAX_VALUE + " characters.");
      } else if (!e.getValue().get(0).isEmpty()) {
        params.given.put(name, e.getValue().get(0));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalidFields(errors);
    }
    return params;
  }

  /** The value of {@code name}, if given (not empty); the next page's link repeats it. */
  public Optional<String> text(String name) {
    String value = given.get(name);
    if (value != null) {
      kept.put(name, value);
    }
    return Optional.ofNullable(value);
  }

  /** The value of {@code name}, if given, read but not repeated in the next page's link. */
  public Optional<String> once(String name) {
    return Optional.ofNullable(given.get(name));
  }

  /** {@code limit}: 1..{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}. */
  public int limit() {
    return (int) number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
  }

  /** The whole number {@code name}, {@code min..max}; {@code fallback} when not given. */
  public long number(String name, long fallback, long min, long max) {
    return number(name, text(name), fallback, min, max);
  }

  /** {@link #number}, not repeated in the next page's link. */
  public long numberOnce(String name, long fallback, long min, long max) {
    return number(name, once(name), fallback, min, max);
  }

  private static long number(
      String name, Optional<String> text, long fallback, long min, long max) {
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text.get());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw invalid(
        name,
        name
            + " must be a whole number "
            + min
            + ".."
            + max
            + ", got \""
            + Text.shorten(text.get(), 30)
            + "\".");
  }

  /**
   * The parts of the {@code cursor} parameter, which {@link #answerNext} made from {@code parts}
   * strings with the first equal to {@code kind}; empty when none was given.
   *
   * @throws ApiException 400 naming {@code cursor} when it is not such a cursor
   */
  public Optional<List<String>> cursor(String kind, int parts) {
    Optional<String> text = once("cursor");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getUrlDecoder().decode(text.get()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw badCursor();
    }
    List<String> split = List.of(decoded.split(CURSOR_SEPARATOR, -1));
    if (split.size() != parts || !split.get(0).equals(kind)) {
      throw badCursor();
    }
    return Optional.of(split);
  }

  /** 400 naming {@code cursor}. */
  public static ApiException badCursor() {
    return invalid(
        "cursor", "cursor must be the cursor of a \"next\" link of this list, with the same sort.");
  }

  /** 400 naming the parameter {@code name}, with {@code sentence}. */
  public static ApiException invalid(String name, String sentence) {
    return ApiException.invalidFields(Map.of(name, sentence));
  }

  /**
   * The path of the next page, whose cursor holds {@code parts}, or null when {@code parts} is
   * empty (the last page); sets the {@code Link: <path>; rel="next"} header (RFC 8288) when there
   * is one.
   */
  public String answerNext(Optional<List<String>> parts) {
    if (parts.isEmpty()) {
      return null;
    }
    StringBuilder next = new StringBuilder(path).append("?limit=").append(limit());
    for (Map.Entry<String, String> e : kept.entrySet()) {
      if (!e.getKey().equals("limit")) {
        next.append('&').append(e.getKey()).append('=').append(encode(e.getValue()));
      }
    }
    String cursor =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                String.join(CURSOR_SEPARATOR, parts.get()).getBytes(StandardCharsets.UTF_8));
    next.append("&cursor=").append(cursor);
    String link = next.toString();
    ctx.header("Link", "<" + link + ">; rel=\"next\"");
    return link;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
