package dev.sessionlimits.server.auth;

import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.ClientAddresses;
import dev.sessionlimits.server.http.Text;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How forward-auth answers a refusal, in one place for {@link ForwardAuth} and the route in {@link
 * AuthRoutes}: a browser's navigation to a protected page gets {@code 302} to the sign-in page with
 * the page as {@code next}; every other request (a {@code fetch}, an XHR, a {@code POST}, a proxy
 * that does not report the original request) gets the 401 JSON as it is.
 *
 * <p>The original request is the one the proxy reports: {@code X-Forwarded-Uri} and {@code
 * X-Forwarded-Method} (Caddy, Traefik), {@code X-Original-URI} and {@code X-Original-Method} (the
 * nginx recipe), or, for {@code /auth/verify/<path>} (Envoy), that path with the request's own
 * method and query. A missing method field means the request's own method.
 */
public final class SignInRedirect {

  static final String FORWARDED_PREFIX = "X-Forwarded-Prefix";

  /** What this class reads of a verify request; {@code header} answers null for a missing field. */
  record VerifyRequest(
      String method, String path, String query, String peer, UnaryOperator<String> header) {}

  /** The request the proxy asked about. */
  private record Original(String method, String uri) {}

  /** Where the proxy reports the original URI, and the field for its method. */
  private static final String[][] REPORTED = {
    {"X-Forwarded-Uri", "X-Forwarded-Method"}, {"X-Original-URI", "X-Original-Method"}
  };

  private final ClientAddresses addresses;

  /** Redirects judged by the trusted proxies of {@code addresses}. */
  public SignInRedirect(ClientAddresses addresses) {
    this.addresses = addresses;
  }

  /**
   * The answer to give for {@code refusal}: a 302 to the sign-in page with the same body and {@code
   * X-Session-End-Reason}, or {@code refusal} itself.
   */
  ApiException answer(ApiException refusal, VerifyRequest request) {
    if (refusal.status() != 401 || !isNavigation(request)) {
      return refusal;
    }
    Original original = original(request);
    if (original == null) {
      return refusal;
    }
    String method = original.method().toUpperCase(Locale.ROOT);
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return refusal;
    }
    String uri = original.uri();
    String location =
        prefix(request)
            + "/"
            + (ReturnTargets.isSafe(uri)
                ? "?next=" + URLEncoder.encode(uri, StandardCharsets.UTF_8)
                : "");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Location", location);
    headers.put("Cache-Control", "no-store");
    return refusal.withStatus(302).withHeaders(headers);
  }

  /**
   * A browser loading a page: {@code Sec-Fetch-Mode: navigate} or an {@code Accept} with {@code
   * text/html}, unless it says it is a script ({@code X-Requested-With}, or {@code Accept} naming
   * {@code application/json} first).
   */
  static boolean isNavigation(VerifyRequest request) {
    if (request.header().apply("X-Requested-With") != null) {
      return false;
    }
    String accept = request.header().apply("Accept");
    String lowerAccept = (accept == null) ? "" : accept.toLowerCase(Locale.ROOT);
    if (lowerAccept.split(",", 2)[0].split(";", 2)[0].trim().equals("application/json")) {
      return false;
    }
    return "navigate".equalsIgnoreCase(request.header().apply("Sec-Fetch-Mode"))
        || lowerAccept.contains("text/html");
  }

  /** The original request's method and URI, or null when the proxy did not report it. */
  private static Original original(VerifyRequest request) {
    for (String[] fields : REPORTED) {
      String uri = request.header().apply(fields[0]);
      if (uri != null && !uri.isBlank()) {
        String method = request.header().apply(fields[1]);
        return new Original(
            (method == null || method.isBlank()) ? request.method() : method.trim(), uri.trim());
      }
    }
    String rest = AuthRoutes.verifiedPath(request.path());
    if (rest == null) {
      return null;
    }
    return new Original(
        request.method(),
        (request.query() == null || request.query().isEmpty())
            ? rest
            : rest + "?" + request.query());
  }

  /**
   * Where the proxy mounts Sessionlimits: {@code X-Forwarded-Prefix} from a trusted proxy, if it is
   * a plain path ({@code /sessionlimits}), without a trailing {@code /}; otherwise "".
   */
  private String prefix(VerifyRequest request) {
    String prefix = request.header().apply(FORWARDED_PREFIX);
    if (prefix == null || !addresses.isTrustedPeer(request.peer())) {
      return "";
    }
    prefix = prefix.trim();
    if (!prefix.startsWith("/")
        || prefix.contains("//")
        || prefix.contains("\\")
        || prefix.contains("..")
        || prefix.contains("?")
        || prefix.contains("#")
        || Text.hasControl(prefix)
        || prefix.chars().anyMatch(Character::isWhitespace)) {
      return "";
    }
    return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }
}
