package dev.sessionlimits.spring.load;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * K simulated browsers, each a {@link HttpClient} with its own cookie jar, that sign in as one user
 * at the same moment and are then asked, one by one, whether their cookie still works.
 *
 * <p>A round: every browser forgets its cookies and gets ready (form login: fetches the login page
 * for its CSRF token, which opens its pre-login session as a real browser's would); a latch
 * releases all logins together once every browser is ready; when every login is answered, each
 * browser asks {@code GET /api/me} with its cookie alone. Nothing sleeps: the round waits on
 * latches and futures, each with a deadline.
 *
 * <p>Browser {@code i} talks to instance {@code i % instances.size()}: with several instances of an
 * application, the logins are spread round-robin over them.
 */
final class Browsers {

  /** How a browser signs in. */
  enum Login {
    /** {@code POST /login} with the form and its CSRF token, as the default login page sends it. */
    FORM,
    /** {@code GET /api/me} with an {@code Authorization: Basic} header; then the cookie alone. */
    BASIC
  }

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final Pattern CSRF_INPUT = Pattern.compile("<input[^>]*name=\"_csrf\"[^>]*>");
  private static final Pattern VALUE = Pattern.compile("value=\"([^\"]*)\"");
  private static final String USER_JSON = "\"user\":\"" + SampleApplication.USER + "\"";
  private static final int ODDITIES_KEPT = 5;

  private final List<Browser> browsers = new ArrayList<>();
  private final ExecutorService threads;

  /** {@code count} browsers; one thread each for the simultaneous part, one pool for I/O. */
  Browsers(int count) {
    ExecutorService io = Executors.newCachedThreadPool(daemon("browser-io"));
    for (int i = 0; i < count; i++) {
      browsers.add(new Browser(io));
    }
    this.threads = Executors.newFixedThreadPool(count, daemon("browser"));
  }

  /** One round of simultaneous logins of {@link SampleApplication#USER}; see the class comment. */
  Round loginTogether(List<URI> instances, Login how) throws InterruptedException {
    for (Browser browser : browsers) {
      browser.cookies.getCookieStore().removeAll();
    }
    CountDownLatch ready = new CountDownLatch(browsers.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Answer>> logins = new ArrayList<>();
    for (int i = 0; i < browsers.size(); i++) {
      Browser browser = browsers.get(i);
      URI base = instances.get(i % instances.size());
      logins.add(threads.submit(() -> browser.login(base, how, ready, go)));
    }
    if (!ready.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("The browsers were not ready within " + PATIENCE);
    }
    long start = System.nanoTime();
    go.countDown();
    int admitted = 0;
    int refused = 0;
    int serverErrors = 0;
    List<String> oddities = new ArrayList<>();
    for (Future<Answer> login : logins) {
      Answer answer = outcome(login);
      serverErrors += answer.serverErrors;
      switch (answer.kind) {
        case "admitted" -> admitted++;
        case "refused" -> refused++;
        default -> odd(oddities, "login " + answer.detail);
      }
    }
    int live = 0;
    int told = 0;
    int text200 = 0;
    List<Integer> liveBrowsers = new ArrayList<>();
    for (int i = 0; i < browsers.size(); i++) {
      HttpResponse<String> me =
          browsers
              .get(i)
              .send(get(instances.get(i % instances.size()), "api/me", "application/json"));
      if (me == null || me.statusCode() >= 500) {
        serverErrors++;
        odd(oddities, "check " + (me == null ? "no answer" : describe(me)));
      } else if (me.statusCode() == 200 && me.body().contains(USER_JSON)) {
        live++;
        liveBrowsers.add(i);
      } else if (me.statusCode() == 200) {
        text200++;
      } else if (me.statusCode() == 401
          && me.headers().firstValue("X-Session-End-Reason").isPresent()) {
        told++;
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return new Round(
        browsers.size(),
        admitted,
        refused,
        serverErrors,
        live,
        told,
        text200,
        liveBrowsers,
        oddities,
        took);
  }

  /**
   * Signs the live browsers of {@code round} out through the application's logout page ({@code GET
   * /logout} for the CSRF token, then {@code POST /logout}); throws if one is not let out.
   */
  void signOut(List<URI> instances, Round round) {
    for (int i : round.liveBrowsers()) {
      Browser browser = browsers.get(i);
      URI base = instances.get(i % instances.size());
      HttpResponse<String> page = browser.send(get(base, "logout", "text/html"));
      String token = page == null ? null : csrf(page.body());
      HttpResponse<String> out =
          token == null ? null : browser.send(postForm(base, "logout", Map.of("_csrf", token)));
      if (out == null || out.statusCode() != 302) {
        throw new AssertionError(
            "Browser " + i + " could not sign out: " + (out == null ? page : describe(out)));
      }
    }
  }

  private static Answer outcome(Future<Answer> login) throws InterruptedException {
    try {
      return login.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("A browser failed", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("A login was not answered within " + PATIENCE, e);
    }
  }

  private static void odd(List<String> oddities, String what) {
    if (oddities.size() < ODDITIES_KEPT) {
      oddities.add(what);
    }
  }

  static String describe(HttpResponse<String> response) {
    String body = response.body() == null ? "" : response.body().replaceAll("\\s+", " ");
    return response.request().method()
        + " "
        + response.uri().getPath()
        + " -> "
        + response.statusCode()
        + " "
        + response.headers().firstValue("Location").orElse("")
        + " "
        + body.substring(0, Math.min(120, body.length()));
  }

  private static String csrf(String html) {
    Matcher input = CSRF_INPUT.matcher(html);
    if (!input.find()) {
      return null;
    }
    Matcher value = VALUE.matcher(input.group());
    return value.find() ? value.group(1) : null;
  }

  private static HttpRequest get(URI base, String path, String accept) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(PATIENCE)
        .header("Accept", accept)
        .GET()
        .build();
  }

  private static HttpRequest postForm(URI base, String path, Map<String, String> form) {
    String body =
        form.entrySet().stream()
            .map(
                field ->
                    URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(PATIENCE)
        .header("Accept", "text/html")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** How one login was answered: admitted, refused or something else, and its 5xx count. */
  private record Answer(String kind, int serverErrors, String detail) {}

  /** One simulated browser: its own cookie jar, redirects not followed (they are the answer). */
  private static final class Browser {
    final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    final HttpClient http;

    Browser(ExecutorService io) {
      this.http =
          HttpClient.newBuilder()
              .cookieHandler(cookies)
              .followRedirects(HttpClient.Redirect.NEVER)
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .executor(io)
              .build();
    }

    Answer login(URI base, Login how, CountDownLatch ready, CountDownLatch go)
        throws InterruptedException {
      HttpRequest request;
      if (how == Login.FORM) {
        HttpResponse<String> page = send(get(base, "login", "text/html"));
        String token = page == null ? null : csrf(page.body());
        if (token == null) {
          ready.countDown();
          return new Answer(
              "other", page != null && page.statusCode() >= 500 ? 1 : 0, "login page " + page);
        }
        request =
            postForm(
                base,
                "login",
                Map.of(
                    "username", SampleApplication.USER,
                    "password", SampleApplication.PASSWORD,
                    "_csrf", token));
      } else {
        String credentials = SampleApplication.USER + ":" + SampleApplication.PASSWORD;
        request =
            HttpRequest.newBuilder(base.resolve("api/me"))
                .timeout(PATIENCE)
                .header("Accept", "application/json")
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .GET()
                .build();
      }
      ready.countDown();
      go.await();
      HttpResponse<String> answer = send(request);
      if (answer == null) {
        return new Answer("other", 1, "no answer");
      }
      int status = answer.statusCode();
      String location = answer.headers().firstValue("Location").orElse("");
      boolean admitted =
          how == Login.FORM
              ? status == 302 && !location.contains("/login")
              : status == 200 && answer.body().contains(USER_JSON);
      boolean refused =
          how == Login.FORM
              ? status == 302 && location.contains("/login?error")
              : status == 401 || status == 403;
      String kind = admitted ? "admitted" : refused ? "refused" : "other";
      return new Answer(kind, status >= 500 ? 1 : 0, describe(answer));
    }

    /** The answer, or null if the exchange failed without one (counted as a server error). */
    HttpResponse<String> send(HttpRequest request) {
      try {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }
}
