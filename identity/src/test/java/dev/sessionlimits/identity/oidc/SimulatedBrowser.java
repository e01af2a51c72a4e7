package dev.sessionlimits.identity.oidc;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser as far as a sign-in needs one: java.net.http with a cookie jar, redirects followed by
 * hand (so the one to the application's callback is caught, not fetched), and Keycloak's login form
 * filled in and submitted. One instance is one browser: the provider's session cookie stays in it,
 * so a second sign-in skips the form.
 */
public final class SimulatedBrowser {

  private static final Pattern LOGIN_FORM =
      Pattern.compile("<form[^>]*\\bid=\"kc-form-login\"[^>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern ACTION = Pattern.compile("\\baction=\"([^\"]+)\"");
  private static final int MAX_STEPS = 20;

  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * Cookies by host, name and path. Kept by hand: Keycloak marks its cookies {@code Secure} even on
   * http://127.0.0.1 (a secure context for browsers), which java.net.CookieManager would not send.
   */
  private final Map<String, HttpCookie> cookies = new LinkedHashMap<>();

  /**
   * Opens {@code authorizationUrl}, signs in with {@code username} and {@code password} if the
   * provider shows its login form, and follows redirects until one leads below {@code
   * callbackPrefix}: that URI, unfetched (the application's callback with its query).
   *
   * @throws AssertionError when the provider answers anything else (a wrong password shows the form
   *     again; the error names the page)
   */
  public URI signIn(URI authorizationUrl, String username, String password, URI callbackPrefix) {
    boolean submitted = username == null;
    HttpRequest request = HttpRequest.newBuilder(authorizationUrl).GET().timeout(timeout()).build();
    for (int step = 0; step < MAX_STEPS; step++) {
      HttpResponse<String> response = send(request);
      int status = response.statusCode();
      if (status >= 300 && status < 400) {
        URI location =
            request.uri().resolve(response.headers().firstValue("Location").orElseThrow());
        if (location.toString().startsWith(callbackPrefix.toString())) {
          return location;
        }
        request = HttpRequest.newBuilder(location).GET().timeout(timeout()).build();
        continue;
      }
      Matcher form = LOGIN_FORM.matcher(response.body());
      if (status == 200 && form.find() && !submitted) {
        Matcher action = ACTION.matcher(form.group());
        if (!action.find()) {
          throw new AssertionError("login form without action: " + form.group());
        }
        URI target = request.uri().resolve(action.group(1).replace("&amp;", "&"));
        String body =
            "username="
                + URLEncoder.encode(username, UTF_8)
                + "&password="
                + URLEncoder.encode(password, UTF_8)
                + "&credentialId=";
        request =
            HttpRequest.newBuilder(target)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(timeout())
                .build();
        submitted = true;
        continue;
      }
      throw new AssertionError(
          "the provider answered "
              + status
              + " at "
              + request.uri()
              + ": "
              + excerpt(response.body()));
    }
    throw new AssertionError("more than " + MAX_STEPS + " steps from " + authorizationUrl);
  }

  /**
   * Follows redirects from {@code start} until one leads below {@code prefix} and returns it,
   * unfetched; fails if the provider asks to sign in or answers anything else.
   */
  public URI follow(URI start, URI prefix) {
    return signIn(start, null, null, prefix);
  }

  /** The query parameters of {@code uri}, the first value of each, decoded. */
  public static Map<String, String> query(URI uri) {
    Map<String, String> parameters = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return parameters;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), UTF_8);
      parameters.putIfAbsent(name, value);
    }
    return parameters;
  }

  private HttpResponse<String> send(HttpRequest bare) {
    URI uri = bare.uri();
    String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
    String cookieHeader =
        cookies.entrySet().stream()
            .filter(entry -> entry.getKey().startsWith(uri.getHost() + " "))
            .map(Map.Entry::getValue)
            .filter(cookie -> path.startsWith(cookie.getPath() == null ? "/" : cookie.getPath()))
            .map(cookie -> cookie.getName() + "=" + cookie.getValue())
            .collect(Collectors.joining("; "));
    HttpRequest request =
        cookieHeader.isEmpty()
            ? bare
            : HttpRequest.newBuilder(bare, (name, value) -> true)
                .header("Cookie", cookieHeader)
                .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      for (String header : response.headers().allValues("Set-Cookie")) {
        for (HttpCookie cookie : HttpCookie.parse(header)) {
          String key = uri.getHost() + " " + cookie.getName() + " " + cookie.getPath();
          if (cookie.hasExpired() || cookie.getValue().isEmpty()) {
            cookies.remove(key);
          } else {
            cookies.put(key, cookie);
          }
        }
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String excerpt(String html) {
    String text = html.replaceAll("(?s)<script.*?</script>|<[^>]+>", " ").replaceAll("\\s+", " ");
    return text.length() > 400 ? text.substring(0, 400) + "..." : text;
  }

  private static Duration timeout() {
    return Duration.ofSeconds(30);
  }
}
