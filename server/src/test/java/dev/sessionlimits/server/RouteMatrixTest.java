package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.server.push.EventRoutes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every route the server registers, under every method, for a caller without a session, a user and
 * an administrator: the status each must get. HEAD answers exactly what GET answers, without the
 * body; a method a path does not take is 405 with {@code Allow}; nothing answers without
 * authentication that needs it. A route registered without a row here fails this test.
 */
class RouteMatrixTest {

  /** Who calls. */
  private enum Caller {
    NOBODY,
    USER,
    ADMIN
  }

  /** The status a route must give each caller (requests without a body, ids that do not exist). */
  private record Row(int nobody, int user, int admin) {
    int status(Caller caller) {
      return switch (caller) {
        case NOBODY -> nobody;
        case USER -> user;
        case ADMIN -> admin;
      };
    }
  }

  private static final Map<String, Row> ROUTES =
      new TreeMap<>(
          Map.ofEntries(
              Map.entry("POST /api/v1/login", new Row(400, 400, 400)),
              Map.entry("POST /api/v1/logout", new Row(401, 204, 204)),
              Map.entry("POST /api/v1/login/mfa", new Row(400, 400, 400)),
              Map.entry("POST /api/v1/login/resolve", new Row(400, 400, 400)),
              Map.entry("POST /api/v1/login/mfa/enrol", new Row(400, 400, 400)),
              Map.entry("GET /api/v1/me/mfa", new Row(401, 200, 200)),
              Map.entry("POST /api/v1/me/mfa/totp", new Row(401, 201, 201)),
              Map.entry("POST /api/v1/me/mfa/totp/confirm", new Row(401, 400, 400)),
              Map.entry("DELETE /api/v1/me/mfa/totp", new Row(401, 204, 204)),
              Map.entry("POST /api/v1/me/mfa/recovery-codes", new Row(401, 409, 409)),
              Map.entry("GET /api/v1/login/options", new Row(200, 200, 200)),
              Map.entry("GET /api/v1/login/oidc", new Row(404, 404, 404)),
              Map.entry("GET /api/v1/login/oidc/callback", new Row(404, 404, 404)),
              Map.entry("POST /api/v1/login/oidc/backchannel-logout", new Row(404, 404, 404)),
              Map.entry("GET /api/v1/me", new Row(401, 200, 200)),
              Map.entry("GET /api/v1/me/sessions", new Row(401, 200, 200)),
              Map.entry("DELETE /api/v1/me/sessions/{id}", new Row(401, 404, 404)),
              Map.entry("GET /api/v1/me/events", new Row(401, 406, 406)),
              Map.entry("POST /api/v1/me/password", new Row(401, 400, 400)),
              Map.entry("POST /api/v1/me/reauthenticate", new Row(401, 400, 400)),
              Map.entry("DELETE /api/v1/me/sessions", new Row(401, 200, 200)),
              Map.entry("GET /auth/verify", new Row(401, 200, 200)),
              Map.entry("GET /auth/verify/<rest>", new Row(401, 200, 200)),
              Map.entry("GET /healthz", new Row(200, 200, 200)),
              Map.entry("GET /healthz/live", new Row(200, 200, 200)),
              Map.entry("GET /healthz/ready", new Row(200, 200, 200)),
              Map.entry("GET /metrics", new Row(200, 200, 200)),
              Map.entry("GET /api/v1/settings", new Row(401, 403, 200)),
              Map.entry("PATCH /api/v1/settings", new Row(401, 403, 400)),
              Map.entry("GET /api/v1/settings/schema", new Row(401, 403, 200)),
              Map.entry("POST /api/v1/users", new Row(401, 403, 400)),
              Map.entry("GET /api/v1/users", new Row(401, 403, 200)),
              Map.entry("GET /api/v1/users/{username}", new Row(401, 403, 404)),
              Map.entry("PATCH /api/v1/users/{username}", new Row(401, 403, 404)),
              Map.entry("DELETE /api/v1/users/{username}", new Row(401, 403, 404)),
              Map.entry("DELETE /api/v1/users/{username}/sessions", new Row(401, 403, 404)),
              Map.entry("PUT /api/v1/users/{username}/groups", new Row(401, 403, 404)),
              Map.entry("GET /api/v1/groups", new Row(401, 403, 200)),
              Map.entry("POST /api/v1/groups", new Row(401, 403, 400)),
              Map.entry("GET /api/v1/groups/{name}", new Row(401, 403, 404)),
              Map.entry("PATCH /api/v1/groups/{name}", new Row(401, 403, 404)),
              Map.entry("DELETE /api/v1/groups/{name}", new Row(401, 403, 404)),
              Map.entry("GET /api/v1/api-keys", new Row(401, 403, 200)),
              Map.entry("POST /api/v1/api-keys", new Row(401, 403, 400)),
              Map.entry("DELETE /api/v1/api-keys/{id}", new Row(401, 403, 404)),
              Map.entry("GET /api/v1/sessions", new Row(401, 403, 200)),
              Map.entry("DELETE /api/v1/sessions", new Row(401, 403, 200)),
              Map.entry("DELETE /api/v1/sessions/{id}", new Row(401, 403, 404)),
              Map.entry("POST /api/v1/service/sessions", new Row(401, 401, 401)),
              Map.entry("GET /api/v1/service/sessions/{ref}", new Row(401, 401, 401)),
              Map.entry("DELETE /api/v1/service/sessions/{ref}", new Row(401, 401, 401)),
              Map.entry("POST /api/v1/sessions/enforce", new Row(401, 403, 200)),
              Map.entry("GET /api/v1/audit", new Row(401, 403, 200)),
              Map.entry("GET /api/v1/audit/export", new Row(401, 403, 200)),
              Map.entry("GET /api/v1/openapi.json", new Row(200, 200, 200)),
              Map.entry("GET /api/docs/", new Row(200, 200, 200)),
              Map.entry("GET /api/docs/{file}", new Row(200, 200, 200))));

  /**
   * Forward-auth under a path answers every method as a GET (Envoy keeps the original method);
   * Javalin's GET route serves other spellings, {@link ForwardAuth} the rest.
   */
  private static final String ANY_METHOD_PREFIX = "/auth/verify/";

  private static final String ANY_METHOD_ROUTE = "GET /auth/verify/<rest>";

  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FROBNICATE");

  /** Answer fields that may differ between two requests made one after the other. */
  private static final Set<String> VOLATILE = Set.of("date");

  private TestServer t;

  @BeforeEach
  void start() {
    t = TestServer.start();
    t.createUser("alice", "alice-plum-harbor-lantern");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void everyRegisteredRouteHasARowAndEveryRowIsRegistered() {
    assertThat(t.server.routes()).containsExactlyInAnyOrderElementsOf(ROUTES.keySet());
  }

  @Test
  void everyRouteGivesEachCallerItsStatusUnderEveryMethod() {
    Set<String> paths = new TreeSet<>();
    ROUTES.keySet().forEach(route -> paths.add(concrete(route.split(" ", 2)[1])));
    SoftAssertions softly = new SoftAssertions();
    for (String path : paths) {
      Map<String, Row> rows = rowsMatching(path);
      for (Caller caller : Caller.values()) {
        for (String method : METHODS) {
          Row row = rows.get(method.equals("HEAD") ? "GET" : method);
          if (path.startsWith(ANY_METHOD_PREFIX)) {
            row = ROUTES.get(ANY_METHOD_ROUTE);
          }
          Browser.Response r = as(caller).send(method, path, null, null);
          String what = caller + " " + method + " " + path;
          if (row != null) {
            softly.assertThat(r.status()).as(what + ": " + r).isEqualTo(row.status(caller));
          } else {
            softly.assertThat(r.status()).as(what + ": " + r).isEqualTo(405);
            softly.assertThat(allowed(r)).as(what + " Allow").isEqualTo(allowedFor(rows.keySet()));
          }
        }
      }
    }
    softly.assertAll();
  }

  @Test
  void headAnswersWhatGetAnswersWithoutTheBody() {
    SoftAssertions softly = new SoftAssertions();
    for (String route : ROUTES.keySet()) {
      if (!route.startsWith("GET ")) {
        continue;
      }
      String path = concrete(route.substring(4)).replace("nobody", "alice");
      for (Caller caller : Caller.values()) {
        Browser browser = as(caller);
        Browser.Response get = browser.get(path);
        Browser.Response head = browser.send("HEAD", path, null, null);
        String what = caller + " HEAD " + path;
        softly.assertThat(head.status()).as(what).isEqualTo(get.status());
        softly.assertThat(fields(head)).as(what).isEqualTo(fields(get));
        softly.assertThat(head.text()).as(what).isEmpty();
      }
    }
    softly.assertAll();
  }

  @Test
  void headOfTheEventStreamAnswersItsHeadersAndOpensNoStream() {
    Browser user = as(Caller.USER);
    try (EventStream stream = EventStream.open(t.base, user.cookie())) {
      Browser.Response head =
          user.send("HEAD", EventRoutes.PATH, null, null, "Accept", "text/event-stream");
      assertThat(head.status()).isEqualTo(200);
      Map<String, List<String>> expected = new TreeMap<>();
      stream.headers.forEach(
          (name, value) -> expected.put(name.toLowerCase(Locale.ROOT), List.of(value)));
      expected.keySet().removeAll(VOLATILE);
      assertThat(fields(head)).isEqualTo(expected);
      assertThat(t.server.push().streams()).as("only the GET's stream is open").isEqualTo(1);
    }
  }

  @Test
  void unknownPathsAre404UnderEveryMethod() {
    for (String method : METHODS) {
      assertThat(t.browser().send(method, "/api/v1/nothing-here", null, null).status())
          .as(method)
          .isEqualTo(404);
    }
  }

  @Test
  void methodOverrideIsNotHonoured() {
    Browser admin = t.admin();
    Browser.Response r = admin.get("/api/v1/users/alice", "X-HTTP-Method-Override", "DELETE");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("username").asText()).isEqualTo("alice");
    assertThat(admin.get("/api/v1/users/alice").status()).as("alice still exists").isEqualTo(200);

    Browser.Response post =
        t.browser().send("POST", "/api/v1/users", null, null, "X-HTTP-Method-Override", "GET");
    assertThat(post.status()).as("a POST stays a POST").isEqualTo(401);
  }

  /** A path of the route's pattern: ids and names that do not exist. */
  private static String concrete(String pattern) {
    return pattern
        .replace("{id}", "no-such-session")
        .replace("{ref}", "no-such-session")
        .replace("{username}", "nobody")
        .replace("{name}", "no-such-group")
        .replace("{file}", "swagger-ui.css")
        .replace("<rest>", "reports/q3.html");
  }

  /** The rows, by method, of every route whose pattern matches {@code path}. */
  private static Map<String, Row> rowsMatching(String path) {
    Map<String, Row> rows = new LinkedHashMap<>();
    ROUTES.forEach(
        (route, row) -> {
          String[] methodAndPath = route.split(" ", 2);
          String pattern =
              methodAndPath[1].replaceAll("\\{[^}]+}", "[^/]+").replaceAll("<[^>]+>", ".+");
          if (path.matches(pattern)) {
            rows.putIfAbsent(methodAndPath[0], row);
          }
        });
    return rows;
  }

  private Browser as(Caller caller) {
    return switch (caller) {
      case NOBODY -> t.browser();
      case USER -> {
        Browser b = t.browser();
        assertThat(b.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
        yield b;
      }
      case ADMIN -> t.admin();
    };
  }

  private static Map<String, List<String>> fields(Browser.Response r) {
    Map<String, List<String>> fields = new TreeMap<>();
    r.headers()
        .map()
        .forEach(
            (name, values) -> {
              String key = name.toLowerCase(Locale.ROOT);
              if (!VOLATILE.contains(key) && !key.equals(":status")) {
                fields.put(key, values);
              }
            });
    return fields;
  }

  private static Set<String> allowed(Browser.Response r) {
    Set<String> methods = new TreeSet<>();
    String allow = r.header("Allow");
    if (allow != null) {
      for (String m : allow.split(",")) {
        methods.add(m.strip());
      }
    }
    return methods;
  }

  private static Set<String> allowedFor(Set<String> methods) {
    Set<String> allowed = new TreeSet<>(methods);
    if (allowed.contains("GET")) {
      allowed.add("HEAD");
    }
    return allowed;
  }
}
