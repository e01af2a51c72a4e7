package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real server driven through a day of its API (signing in, the caller's account, settings, users,
 * groups, sessions, audit, forward-auth, and the errors 400, 401, 403, 404, 406, 409, 415 and 429):
 * every answer's status is one its operation documents, and every JSON body matches the schema the
 * OpenAPI document gives that status.
 */
class ApiResponsesMatchDocumentTest {

  /** Fewer would mean the scenario lost steps, or answers stopped being checked. */
  private static final int AT_LEAST_VALIDATED = 70;

  private static final String ALICE_PASSWORD = "alice-quartz-meadow-violin";

  private TestServer t;
  private DocumentedResponses docs;

  @BeforeEach
  void start() {
    t = TestServer.start();
    docs = new DocumentedResponses(t.browser().get("/api/v1/openapi.json").text());
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void everyAnswerOfADayOfTheApiIsDocumentedAndMatchesItsSchema() {
    Browser anonymous = t.browser();
    check(anonymous, "GET", "/api/v1/openapi.json", null);
    check(anonymous, "GET", "/healthz", null);
    check(anonymous, "GET", "/api/v1/login/options", null);
    check(anonymous, "GET", "/api/v1/login/oidc", "/api/v1/login/oidc", null, 404);
    check(anonymous, "GET", "/api/v1/me", null, 401);
    check(anonymous, "GET", "/api/v1/settings", null, 401);
    check(anonymous, "GET", "/auth/verify", null, 401);
    check(anonymous, "GET", "/auth/verify/{rest}", "/auth/verify/app/page", null, 401);
    check(anonymous, "POST", "/api/v1/login", "{\"username\":", 400);
    check(anonymous, "POST", "/api/v1/login", "{\"username\":\"admin\"}", 400);
    check(anonymous, "POST", "/api/v1/login", "{\"username\":\"admin\",\"password\":\"no\"}", 401);
    docs.check(
        "POST",
        "/api/v1/login",
        anonymous.send("POST", "/api/v1/login", "username=admin", "text/plain"));
    check(anonymous, "POST", "/api/v1/login/mfa", "{\"mfa_ticket\":\"x\",\"code\":\"1\"}", 401);

    Browser admin = t.browser(TestServer.CHROME_WINDOWS);
    docs.check("POST", "/api/v1/login", admin.login("admin", TestServer.ADMIN_PASSWORD));
    check(admin, "GET", "/api/v1/me", null);
    check(admin, "GET", "/api/v1/me/sessions", null);
    check(admin, "GET", "/api/v1/me/mfa", null);
    check(admin, "GET", "/api/v1/me/events", null, 406);
    check(admin, "GET", "/auth/verify", null);
    check(admin, "GET", "/api/v1/settings", null);
    check(admin, "GET", "/api/v1/settings/schema", null);
    check(admin, "PATCH", "/api/v1/settings", "{\"SESSIONS_PER_USER\":\"two\"}", 400);
    check(admin, "PATCH", "/api/v1/settings", "{\"SESSIONS_PER_USER\":2}", 200);
    check(admin, "POST", "/api/v1/users", "{\"username\":\"al ice\",\"password\":\"x\"}", 400);
    check(
        admin, "POST", "/api/v1/users", "{\"username\":\"alice\",\"password\":\"password1\"}", 400);
    String alice = "{\"username\":\"alice\",\"password\":\"" + ALICE_PASSWORD + "\"}";
    check(admin, "POST", "/api/v1/users", alice, 201);
    check(admin, "POST", "/api/v1/users", alice, 409);
    check(admin, "GET", "/api/v1/users", null);
    check(admin, "GET", "/api/v1/users/{username}", "/api/v1/users/alice", null, 200);
    check(admin, "GET", "/api/v1/users/{username}", "/api/v1/users/nobody", null, 404);
    check(
        admin,
        "PATCH",
        "/api/v1/users/{username}",
        "/api/v1/users/alice",
        "{\"sessions_limit\":3}",
        200);
    check(
        admin,
        "PATCH",
        "/api/v1/users/{username}",
        "/api/v1/users/admin",
        "{\"disabled\":true}",
        409);
    check(admin, "POST", "/api/v1/groups", "{\"name\":\"staff\",\"sessions_limit\":2}", 201);
    check(admin, "POST", "/api/v1/groups", "{\"name\":\"staff\"}", 409);
    check(admin, "POST", "/api/v1/groups", "{\"name\":\"\"}", 400);
    check(admin, "GET", "/api/v1/groups", null);
    check(admin, "GET", "/api/v1/groups/{name}", "/api/v1/groups/staff", null, 200);
    check(admin, "GET", "/api/v1/groups/{name}", "/api/v1/groups/nobody", null, 404);
    check(
        admin,
        "PATCH",
        "/api/v1/groups/{name}",
        "/api/v1/groups/staff",
        "{\"sessions_limit\":1}",
        200);
    String groups = "/api/v1/users/{username}/groups";
    check(admin, "PUT", groups, "/api/v1/users/alice/groups", "{\"groups\":[\"staff\"]}", 200);
    check(admin, "PUT", groups, "/api/v1/users/alice/groups", "{\"groups\":[\"nope\"]}", 400);

    Browser aliceBrowser = t.browser();
    docs.check("POST", "/api/v1/login", aliceBrowser.login("alice", ALICE_PASSWORD));
    check(aliceBrowser, "GET", "/api/v1/users", null, 403);
    check(aliceBrowser, "GET", "/api/v1/me/sessions", null);
    check(aliceBrowser, "POST", "/api/v1/me/reauthenticate", "{\"password\":\"wrong\"}", 403);
    check(aliceBrowser, "POST", "/api/v1/me/reauthenticate", "{}", 400);
    check(aliceBrowser, "GET", "/api/v1/me/mfa", null);
    check(aliceBrowser, "DELETE", "/api/v1/me/sessions", null);
    check(aliceBrowser, "POST", "/api/v1/me/mfa/totp/confirm", "{\"code\":\"123456\"}", 409);

    check(admin, "GET", "/api/v1/sessions", null);
    check(admin, "GET", "/api/v1/sessions", "/api/v1/sessions?user=alice", null, 200);
    check(admin, "GET", "/api/v1/sessions", "/api/v1/sessions?ip=not-an-address", null, 400);
    check(admin, "POST", "/api/v1/sessions/enforce", "{\"dry_run\":true}", 200);
    check(admin, "POST", "/api/v1/sessions/enforce", "{\"dry_run\":1}", 400);
    check(admin, "DELETE", "/api/v1/sessions/{id}", "/api/v1/sessions/nope", null, 404);
    check(admin, "DELETE", "/api/v1/me/sessions/{id}", "/api/v1/me/sessions/nope", null, 404);
    check(admin, "GET", "/api/v1/audit", null);
    check(admin, "GET", "/api/v1/audit", "/api/v1/audit?limit=0", null, 400);
    t.clock.advanceSeconds(301); // past the re-authentication window of the admin's login
    check(admin, "DELETE", "/api/v1/sessions", null, 403);
    check(admin, "POST", "/api/v1/me/reauthenticate", reauth(), 200);
    check(admin, "POST", "/api/v1/me/mfa/totp", null, 201);
    check(admin, "POST", "/api/v1/me/mfa/totp/confirm", "{\"code\":\"000000\"}", 401);
    check(admin, "DELETE", "/api/v1/me/mfa/totp", null, 204);
    check(admin, "POST", "/api/v1/me/mfa/recovery-codes", null, 409);
    check(admin, "POST", "/api/v1/me/password", "{\"current_password\":\"x\"}", 400);
    check(
        admin,
        "POST",
        "/api/v1/me/password",
        "{\"current_password\":\"" + TestServer.ADMIN_PASSWORD + "\",\"new_password\":\"abc\"}",
        400);
    check(
        admin,
        "DELETE",
        "/api/v1/users/{username}/sessions",
        "/api/v1/users/alice/sessions",
        null,
        200);
    check(aliceBrowser, "GET", "/api/v1/me", null, 401);
    check(aliceBrowser, "POST", "/api/v1/logout", null, 401);
    check(admin, "DELETE", "/api/v1/sessions", null, 200);
    check(admin, "DELETE", "/api/v1/groups/{name}", "/api/v1/groups/staff", null, 204);
    Browser.Response key =
        docs.check(
            "POST",
            "/api/v1/api-keys",
            admin.post("/api/v1/api-keys", "{\"name\":\"ci\",\"scopes\":[\"sessions:read\"]}"));
    assertThat(key.status()).as(key.toString()).isEqualTo(201);
    check(admin, "POST", "/api/v1/api-keys", "{\"name\":\"ci\",\"scopes\":[]}", 400);
    check(admin, "GET", "/api/v1/api-keys", null);
    String keyPath = "/api/v1/api-keys/" + key.json().path("id").asText();
    check(admin, "DELETE", "/api/v1/api-keys/{id}", keyPath, null, 204);
    check(admin, "GET", "/api/v1/api-keys", null);
    check(admin, "DELETE", "/api/v1/api-keys/{id}", "/api/v1/api-keys/0123456789abcdef", null, 404);
    check(admin, "DELETE", "/api/v1/users/{username}", "/api/v1/users/alice", null, 204);
    check(admin, "DELETE", "/api/v1/users/{username}", "/api/v1/users/alice", null, 404);
    docs.check(
        "POST",
        "/api/v1/users",
        admin.post("/api/v1/users", alice, "Origin", "http://evil.example"));
    check(admin, "POST", "/api/v1/logout", null, 204);
    check(admin, "GET", "/api/v1/me", null, 401);

    Browser guesser = t.browser();
    int status = 0;
    for (int attempt = 0; attempt < 10 && status != 429; attempt++) {
      status =
          docs.check("POST", "/api/v1/login", guesser.login("mallory-target", "wrong-" + attempt))
              .status();
    }
    assertThat(status).as("the throttle answers 429 in the end").isEqualTo(429);

    assertThat(docs.validated()).isGreaterThanOrEqualTo(AT_LEAST_VALIDATED);
    System.out.println("[INFO] " + docs.validated() + " answers validated against the document");
  }

  @Test
  void anAnswerThatDoesNotMatchTheDocumentIsRefused() {
    Browser.Response wrongBody = json(200, "{\"users\":[{\"username\":\"alice\"}]}");
    assertThatThrownBy(() -> docs.check("GET", "/api/v1/users", wrongBody))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("required");
    Browser.Response undocumented = json(418, "{\"error\":\"teapot\",\"message\":\"no\"}");
    assertThatThrownBy(() -> docs.check("GET", "/api/v1/users", undocumented))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("documents status 418");
    assertThat(docs.validated()).isZero();
  }

  private static Browser.Response json(int status, String body) {
    return new Browser.Response(
        status,
        HttpHeaders.of(Map.of("Content-Type", List.of("application/json")), (k, v) -> true),
        body);
  }

  private static String reauth() {
    return "{\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}";
  }

  private void check(Browser browser, String method, String path, String body) {
    check(browser, method, path, path, body, 200);
  }

  private void check(Browser browser, String method, String path, String body, int status) {
    check(browser, method, path, path, body, status);
  }

  /** Sends the request, checks its answer against the document and that it has {@code status}. */
  private void check(
      Browser browser, String method, String template, String path, String body, int status) {
    Browser.Response response =
        browser.send(method, path, body, body == null ? null : "application/json");
    docs.check(method, template, response);
    assertThat(response.status()).as("%s %s: %s", method, path, response).isEqualTo(status);
  }
}
