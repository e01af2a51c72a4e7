package dev.sessionlimits.spring.sample;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One simulated browser or API client: its own cookie jar, redirects not followed (the tests read
 * them), against the sample application at {@code base}.
 */
public final class Browser {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

  private final String base;
  private final HttpClient client;

  public Browser(int port) {
    this.base = "http://127.0.0.1:" + port;
    this.client =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /** GET of a page, as a browser asks for it. */
  public HttpResponse<String> page(String path) {
    return send(request(path).header("Accept", "text/html,*/*;q=0.8").GET().build());
  }

  /** GET of a JSON endpoint. */
  public HttpResponse<String> api(String path) {
    return send(request(path).header("Accept", "application/json").GET().build());
  }

  /** GET of a JSON endpoint with HTTP Basic credentials. */
  public HttpResponse<String> basic(String path, String user, String password) {
    String credentials =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return send(
        request(path)
            .header("Accept", "application/json")
            .header("Authorization", "Basic " + credentials)
            .GET()
            .build());
  }

  /** Signs in through the default login page's form: the answer to the POST (a redirect). */
  public HttpResponse<String> login(String user, String password) {
    return login(user, password, loginPageCsrf());
  }

  /** Opens the login page: its CSRF token, for a later {@link #login(String, String, String)}. */
  public String loginPageCsrf() {
    return csrfOf(page("/login").body());
  }

  /** Posts the login form with the CSRF token of the login page opened before. */
  public HttpResponse<String> login(String user, String password, String csrf) {
    return post(
        "/login",
        "username=" + encode(user) + "&password=" + encode(password) + "&_csrf=" + encode(csrf));
  }

  /** Signs out with the default logout form's POST. */
  public HttpResponse<String> logout() {
    String csrf = csrfOf(page("/logout").body());
    return post("/logout", "_csrf=" + encode(csrf));
  }

  /** A form POST. */
  public HttpResponse<String> post(String path, String form) {
    return send(
        request(path)
            .header("Accept", "text/html")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build());
  }

  /** Whether this browser's cookie still opens the API: a live session. */
  public boolean isLive() {
    return api("/api/me").statusCode() == 200;
  }

  private static String csrfOf(String html) {
    Matcher matcher = CSRF.matcher(html);
    if (!matcher.find()) {
      throw new AssertionError("no CSRF token in: " + html);
    }
    return matcher.group(1);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
