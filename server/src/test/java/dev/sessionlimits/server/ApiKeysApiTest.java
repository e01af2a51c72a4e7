package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.core.ApiKey;
import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.server.auth.ServiceCaller;
import dev.sessionlimits.server.auth.ServiceKeys;
import dev.sessionlimits.server.http.ErrorAnswers;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/api-keys} over HTTP on a real server, and {@link ServiceKeys} checking the keys it
 * made: a route of a second Javalin app on the same store stands in for the service routes (one per
 * scope, {@code /probe/sessions:read}), answering the {@link ServiceCaller}.
 */
class ApiKeysApiTest {

  private static final String BOB_PASSWORD = "bob-plum-harbor-lantern";

  TestServer t;
  Browser admin;
  private Javalin probe;
  private Browser service;

  /** The stores of each test's server: fresh, in this JVM's memory. */
  Stores stores() throws Exception {
    return Stores.inMemory();
  }

  @BeforeEach
  void start() throws Exception {
    t = TestServer.start(stores(), Map.of(), b -> {});
    admin = t.admin();
    probe = probe(new ServiceKeys(t.stores.apiKeys(), t.clock));
    service = client(probe);
  }

  /**
   * A Javalin app with one route, {@code GET /probe/{scope}}, that checks the caller's key for that
   * scope with {@code keys} and answers the {@link ServiceCaller}, errors as the server answers
   * them.
   */
  static Javalin probe(ServiceKeys keys) {
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              HttpSetup.withoutHeaderFieldCache(config);
              config.routes.get(
                  "/probe/{scope}",
                  ctx -> {
                    ApiKeyScope scope = ApiKeyScope.ofCode(ctx.pathParam("scope")).orElseThrow();
                    ServiceCaller caller = keys.require(ctx, scope);
                    ctx.json(
                        Map.of(
                            "key_id", caller.keyId(),
                            "name", caller.name(),
                            "scopes", caller.scopes().stream().map(ApiKeyScope::code).toList()));
                  });
              ErrorAnswers.register(config.routes);
            });
    return app.start("127.0.0.1", 0);
  }

  /** A client of {@code app}. */
  static Browser client(Javalin app) {
    return new Browser(URI.create("http://127.0.0.1:" + app.port()), "billing/1.0");
  }

  @AfterEach
  void stop() {
    probe.stop();
    t.close();
  }

  Browser.Response create(String name, String... scopes) {
    String list = String.join(",", Arrays.stream(scopes).map(s -> "\"" + s + "\"").toList());
    return admin.post("/api/v1/api-keys", "{\"name\":\"" + name + "\",\"scopes\":[" + list + "]}");
  }

  String createdKey(String name, String... scopes) {
    Browser.Response r = create(name, scopes);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().path("key").asText();
  }

  private Browser.Response use(String key, String scope) {
    return service.get("/probe/" + scope, "Authorization", "Bearer " + key);
  }

  private JsonNode listed(String id) {
    for (JsonNode key : admin.get("/api/v1/api-keys").json().path("api_keys")) {
      if (key.path("id").asText().equals(id)) {
        return key;
      }
    }
    throw new AssertionError("no key " + id + " in the list");
  }

  static String idOf(String key) {
    return key.substring(4, 20);
  }

  static void assertInvalid(Browser.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(401);
    assertThat(r.error()).isEqualTo("api_key_invalid");
    assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
  }

  @Test
  void anAdministratorCreatesAKeyThatIsShownOnceThenListedWithoutItAndRevoked() {
    Browser.Response created = create("billing (Node) – Zürich", "sessions:open", "sessions:end");

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonNode body = created.json();
    String key = body.path("key").asText();
    assertThat(key).matches("slk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
    assertThat(body.path("id").asText()).isEqualTo(idOf(key));
    assertThat(body.path("name").asText()).isEqualTo("billing (Node) – Zürich");
    assertThat(body.path("scopes").toString()).isEqualTo("[\"sessions:open\",\"sessions:end\"]");
    assertThat(body.path("created_by").asText()).isEqualTo("admin");
    assertThat(body.path("created_at").asText()).isEqualTo("2026-03-02T14:00:00Z");
    assertThat(body.path("revoked_at").isNull()).isTrue();
    assertThat(created.header("Cache-Control")).isEqualTo("no-store");

    Browser.Response list = admin.get("/api/v1/api-keys");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.text()).as("the key is shown at creation only").doesNotContain(secretOf(key));
    JsonNode row = listed(idOf(key));
    assertThat(row.has("key")).isFalse();
    assertThat(row.path("last_used_at").isNull()).isTrue();

    t.clock.advanceSeconds(60);
    assertThat(admin.delete("/api/v1/api-keys/" + idOf(key)).status()).isEqualTo(204);
    assertThat(listed(idOf(key)).path("revoked_at").asText()).isEqualTo("2026-03-02T14:01:00Z");
    assertThat(admin.delete("/api/v1/api-keys/" + idOf(key)).status())
        .as("revoking again changes nothing")
        .isEqualTo(204);
    assertThat(listed(idOf(key)).path("revoked_at").asText()).isEqualTo("2026-03-02T14:01:00Z");

    JsonNode events = admin.get("/api/v1/audit?type=api_key_created,api_key_revoked").json();
    List<String> types = new ArrayList<>();
    events.path("events").forEach(e -> types.add(e.path("type").asText()));
    assertThat(types).containsExactly("api_key_revoked", "api_key_created");
    JsonNode event = events.path("events").get(1);
    assertThat(event.path("subject").asText()).isEqualTo(idOf(key));
    assertThat(event.path("actor").asText()).isEqualTo("admin");
    assertThat(event.path("details").toString()).contains("billing (Node) – Zürich");

    Browser.Response unknown = admin.delete("/api/v1/api-keys/0123456789abcdef");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("api_key_not_found");
    assertThat(admin.delete("/api/v1/api-keys/not-an-id").status()).isEqualTo(404);
  }

  @Test
  void aKeyIsAcceptedOnlyForItsScopesAndNoLongerOnceRevoked() {
    String key = createdKey("billing", "sessions:open", "sessions:read");
    String other = createdKey("reports", "sessions:end");

    Browser.Response read = use(key, "sessions:read");
    assertThat(read.status()).as(read.toString()).isEqualTo(200);
    assertThat(read.json().path("key_id").asText()).isEqualTo(idOf(key));
    assertThat(read.json().path("name").asText()).isEqualTo("billing");
    assertThat(read.json().path("scopes").toString())
        .isEqualTo("[\"sessions:open\",\"sessions:read\"]");
    assertThat(use(key, "sessions:open").status()).isEqualTo(200);

    Browser.Response end = use(key, "sessions:end");
    assertThat(end.status()).as(end.toString()).isEqualTo(403);
    assertThat(end.error()).isEqualTo("api_key_scope_missing");
    assertThat(end.json().path("required_scope").asText()).isEqualTo("sessions:end");
    assertThat(end.json().path("message").asText()).contains("sessions:end");
    assertThat(use(other, "sessions:end").status()).isEqualTo(200);

    assertThat(admin.delete("/api/v1/api-keys/" + idOf(key)).status()).isEqualTo(204);
    assertInvalid(use(key, "sessions:read"));
    assertInvalid(use(key, "sessions:end"));
    assertThat(use(other, "sessions:end").status())
        .as("revoking one key leaves the others")
        .isEqualTo(200);
  }

  @Test
  void aKeyWithALifetimeWorksUntilItExpiresThenIsRefusedLikeARevokedOneAndStaysListed() {
    Browser.Response r =
        admin.post(
            "/api/v1/api-keys",
            "{\"name\":\"quarterly\",\"scopes\":[\"sessions:read\"],\"expires_in_days\":30}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String key = r.json().path("key").asText();
    Instant created = Instant.parse(r.json().path("created_at").asText());
    Instant expires = Instant.parse(r.json().path("expires_at").asText());
    assertThat(expires).isEqualTo(created.plus(Duration.ofDays(30)));
    assertThat(listed(idOf(key)).path("expires_at").asText()).isEqualTo(expires.toString());
    String forever = createdKey("forever", "sessions:read");
    assertThat(listed(idOf(forever)).path("expires_at").isNull()).isTrue();

    t.clock.advance(Duration.ofDays(30).minusSeconds(1));
    assertThat(use(key, "sessions:read").status()).as("a second before").isEqualTo(200);
    t.clock.advanceSeconds(1);

    assertInvalid(use(key, "sessions:read"));
    assertThat(use(forever, "sessions:read").status()).isEqualTo(200);
    ApiKey kept = t.stores.apiKeys().find(idOf(key)).orElseThrow();
    assertThat(kept.expiresAt()).contains(expires);
    assertThat(kept.revokedAt()).isEmpty();
  }

  @Test
  void aLifetimeOutsideOneDayToTenYearsIsRefusedNamingTheField() {
    for (String days : new String[] {"0", "-1", "3651", "\"30\"", "1.5", "true"}) {
      assertRefused(
          "{\"name\":\"ci\",\"scopes\":[\"sessions:open\"],\"expires_in_days\":" + days + "}",
          "expires_in_days");
    }
    assertThat(
            admin
                .post(
                    "/api/v1/api-keys",
                    "{\"name\":\"ci\",\"scopes\":[\"sessions:open\"],\"expires_in_days\":0}")
                .json()
                .path("fields")
                .path("expires_in_days")
                .asText())
        .isEqualTo(
            "expires_in_days must be a whole number of days from 1 to 3650, or null for a key"
                + " that never expires; got a number (0).");
    Browser.Response never =
        admin.post(
            "/api/v1/api-keys",
            "{\"name\":\"ci\",\"scopes\":[\"sessions:open\"],\"expires_in_days\":null}");
    assertThat(never.status()).as(never.toString()).isEqualTo(201);
    assertThat(never.json().path("expires_at").isNull()).isTrue();
  }

  @Test
  void missingMalformedUnknownAndWrongKeysAreAllTheSame401() {
    String key = createdKey("billing", "sessions:read");
    String wrongSecret =
        key.substring(0, 21) + (key.charAt(21) == 'A' ? 'B' : 'A') + key.substring(22);
    String unknownId = "slk_0123456789abcdef_" + secretOf(key);

    assertInvalid(service.get("/probe/sessions:read"));
    assertInvalid(service.get("/probe/sessions:read", "Authorization", "Basic YTpi"));
    assertInvalid(service.get("/probe/sessions:read", "Authorization", "Bearer " + key + "x"));
    assertInvalid(service.get("/probe/sessions:read", "Authorization", "Bearer"));
    assertInvalid(use(wrongSecret, "sessions:read"));
    assertInvalid(use(unknownId, "sessions:read"));
    Browser.Response lowerCase =
        service.get("/probe/sessions:read", "Authorization", "bearer " + key);
    assertThat(lowerCase.status())
        .as("the scheme's name is case-insensitive (RFC 9110): %s", lowerCase)
        .isEqualTo(200);
  }

  @Test
  void aKeysUseIsRecordedAtMostOnceAMinute() {
    String key = createdKey("billing", "sessions:read");
    t.clock.advanceSeconds(10);

    assertThat(use(key, "sessions:read").status()).isEqualTo(200);
    assertThat(listed(idOf(key)).path("last_used_at").asText()).isEqualTo("2026-03-02T14:00:10Z");

    t.clock.advanceSeconds(59);
    assertThat(use(key, "sessions:read").status()).isEqualTo(200);
    assertThat(listed(idOf(key)).path("last_used_at").asText())
        .as("59 s later: not written again")
        .isEqualTo("2026-03-02T14:00:10Z");

    t.clock.advanceSeconds(1);
    assertThat(use(key, "sessions:read").status()).isEqualTo(200);
    assertThat(listed(idOf(key)).path("last_used_at").asText()).isEqualTo("2026-03-02T14:01:10Z");
  }

  @Test
  void creatingAKeyNeedsARecentPasswordEntryAndAnAdministrator() {
    t.clock.advanceSeconds(ServerConfig.DEFAULT_REAUTH_WINDOW.toSeconds() + 1);
    Browser.Response stale = create("billing", "sessions:open");
    assertThat(stale.status()).as(stale.toString()).isEqualTo(403);
    assertThat(stale.error()).isEqualTo("reauthentication_required");
    assertThat(admin.get("/api/v1/api-keys").json().path("api_keys")).isEmpty();
    assertThat(
            admin
                .post(
                    "/api/v1/me/reauthenticate",
                    "{\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}")
                .status())
        .isEqualTo(200);
    String key = createdKey("billing", "sessions:open");

    t.createUser("bob", BOB_PASSWORD);
    Browser bob = t.browser();
    assertThat(bob.login("bob", BOB_PASSWORD).status()).isEqualTo(201);
    assertThat(bob.get("/api/v1/api-keys").error()).isEqualTo("forbidden");
    assertThat(
            bob.post("/api/v1/api-keys", "{\"name\":\"x\",\"scopes\":[\"sessions:open\"]}").error())
        .isEqualTo("forbidden");
    assertThat(bob.delete("/api/v1/api-keys/" + idOf(key)).error()).isEqualTo("forbidden");
    assertThat(t.browser().get("/api/v1/api-keys").status()).isEqualTo(401);
    assertThat(listed(idOf(key)).path("revoked_at").isNull()).isTrue();
    assertThat(admin.get("/api/v1/api-keys", "Authorization", "Bearer " + key).status())
        .as("a key is no administrator's credential")
        .isEqualTo(200);
    assertThat(t.browser().get("/api/v1/api-keys", "Authorization", "Bearer " + key).status())
        .isEqualTo(401);
  }

  @Test
  void badNamesAndScopesAreRefusedNamingTheField() {
    assertRefused("{\"name\":\"\",\"scopes\":[\"sessions:open\"]}", "name");
    assertRefused("{\"name\":\" padded\",\"scopes\":[\"sessions:open\"]}", "name");
    assertRefused("{\"name\":\"" + "x".repeat(101) + "\",\"scopes\":[\"sessions:open\"]}", "name");
    assertRefused("{\"scopes\":[\"sessions:open\"]}", "name");
    assertRefused("{\"name\":\"ci\"}", "scopes");
    assertRefused("{\"name\":\"ci\",\"scopes\":[]}", "scopes");
    assertRefused("{\"name\":\"ci\",\"scopes\":[\"sessions:write\"]}", "scopes");
    assertThat(
            admin
                .post("/api/v1/api-keys", "{\"name\":\"ci\",\"scopes\":[]}")
                .json()
                .path("fields")
                .path("scopes")
                .asText())
        .isEqualTo(
            "scopes must name at least one of sessions:open, sessions:read, sessions:end, each"
                + " once; got [].");
    assertRefused("{\"name\":\"ci\",\"scopes\":[\"sessions:open\",\"sessions:open\"]}", "scopes");
    assertRefused("{\"name\":\"ci\",\"scopes\":\"sessions:open\"}", "scopes");
    assertRefused("{\"name\":\"ci\",\"scopes\":[\"sessions:open\"],\"key\":\"x\"}", "key");
    assertThat(admin.get("/api/v1/api-keys").json().path("api_keys")).isEmpty();
  }

  private void assertRefused(String json, String field) {
    Browser.Response r = admin.post("/api/v1/api-keys", json);
    assertThat(r.status()).as(json + " -> " + r).isEqualTo(400);
    assertThat(r.json().path("fields").has(field)).as(json + " -> " + r).isTrue();
  }

  /**
   * The production levels (INFO, the server's own code at TRACE here) with every event kept: the
   * secret of the key is in no message, argument, MDC value or exception of any of them.
   */
  @Test
  void aKeyIsNeverLoggedNorAudited() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger ours = (Logger) LoggerFactory.getLogger("dev.sessionlimits");
    Level rootBefore = root.getLevel();
    Level before = ours.getLevel();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    root.setLevel(Level.INFO);
    ours.setLevel(Level.TRACE);
    String key;
    try {
      key = createdKey("billing", "sessions:open", "sessions:read");
      assertThat(use(key, "sessions:read").status()).isEqualTo(200);
      assertThat(use(key, "sessions:end").status()).isEqualTo(403);
      assertThat(admin.get("/api/v1/api-keys").status()).isEqualTo(200);
      assertThat(admin.delete("/api/v1/api-keys/" + idOf(key)).status()).isEqualTo(204);
      assertInvalid(use(key, "sessions:read"));
      assertInvalid(use(key + "x", "sessions:read"));
    } finally {
      root.detachAppender(logs);
      ours.setLevel(before);
      root.setLevel(rootBefore);
    }

    List<String> lines = new ArrayList<>();
    for (ILoggingEvent event : logs.list) {
      lines.add(text(event));
    }
    assertThat(lines).as("what was logged").isNotEmpty();
    assertThat(String.join("\n", lines))
        .as("the audit was logged")
        .contains("api_key_created", "api_key_revoked");
    assertThat(lines).noneMatch(line -> line.contains(secretOf(key)));
    String audit = admin.get("/api/v1/audit").text();
    assertThat(audit).contains("api_key_created").doesNotContain(secretOf(key));
    assertThat(audit)
        .as("nor the key's hash")
        .doesNotContain(t.stores.apiKeys().find(idOf(key)).orElseThrow().hash().hex());
  }

  /** Everything of a log event a layout could write: message, arguments, MDC, exceptions. */
  private static String text(ILoggingEvent event) {
    StringBuilder text = new StringBuilder(event.getLoggerName()).append(' ');
    text.append(event.getFormattedMessage()).append(' ');
    if (event.getArgumentArray() != null) {
      text.append(Arrays.deepToString(event.getArgumentArray())).append(' ');
    }
    text.append(event.getMDCPropertyMap()).append(' ');
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      text.append(t.getClassName()).append(": ").append(t.getMessage()).append(' ');
    }
    return text.toString();
  }

  private static String secretOf(String key) {
    return key.substring(21);
  }
}
