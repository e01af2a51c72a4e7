package dev.sessionlimits.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTParser;
import dev.sessionlimits.core.Group;
import dev.sessionlimits.identity.oidc.BackChannelReceiver;
import dev.sessionlimits.identity.oidc.KeycloakAdmin;
import dev.sessionlimits.identity.oidc.KeycloakServer;
import dev.sessionlimits.identity.oidc.OidcConfig;
import dev.sessionlimits.identity.oidc.SimulatedBrowser;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.store.jdbc.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Signing in with a real Keycloak (the identity test-jar's {@link KeycloakServer}, started once for
 * the JVM): the first sign-in makes the account, the provider's groups give their limit, refusals
 * go to the sign-in page and open nothing, concurrent callbacks never pass the limit, and the
 * provider's back-channel logout ends the session and tells its browser.
 */
class OidcSignInTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final AtomicInteger USERS = new AtomicInteger();
  private static final String PASSWORD = "kc-user-password-1";
  private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

  private static KeycloakServer keycloak;
  private static KeycloakAdmin admin;

  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private TestServer t;
  private URI publicUrl;

  @BeforeAll
  static void keycloak() {
    keycloak = KeycloakServer.shared();
    admin = keycloak.admin();
  }

  @BeforeEach
  void start() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    publicUrl = URI.create("http://127.0.0.1:" + port);
    OidcConfig config =
        keycloak.config(
            publicUrl,
            Map.of(
                "SESSIONLIMITS_OIDC_ADMIN_GROUP", "admins", "SESSIONLIMITS_OIDC_NAME", "Keycloak"));
    admin.configureClient(publicUrl, config.backchannelLogoutUri());
    t =
        TestServer.startAt(
            Instant.now(),
            Map.of("SESSIONLIMITS_PORT", Integer.toString(port)),
            b -> b.oidc(Optional.of(config)));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  /** A new Keycloak user in {@code groups}, with a name no other test uses. */
  private static String newUser(String... groups) {
    String name = "oidc" + USERS.incrementAndGet() + "-" + Long.toString(System.nanoTime(), 36);
    admin.createUser(name, PASSWORD, List.of(groups));
    return name;
  }

  /** One browser's sign-in up to the callback: its pending cookie and the callback URI. */
  private record Pending(String cookie, URI callback) {}

  private Pending toCallback(String user, String returnTo) {
    HttpResponse<String> start =
        send(
            "GET",
            "/api/v1/login/oidc?return_to=" + URLEncoder.encode(returnTo, UTF_8),
            null,
            null);
    assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
    String setCookie =
        start.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("sl_oidc_pending="))
            .findFirst()
            .orElseThrow();
    assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax").contains("Max-Age=600");
    String cookie = setCookie.split(";", 2)[0];
    URI callback =
        new SimulatedBrowser()
            .signIn(
                URI.create(start.headers().firstValue("Location").orElseThrow()),
                user,
                PASSWORD,
                URI.create(publicUrl + OidcConfig.CALLBACK_PATH));
    return new Pending(cookie, callback);
  }

  private HttpResponse<String> callback(Pending pending) {
    return send(
        "GET",
        pending.callback().getRawPath() + "?" + pending.callback().getRawQuery(),
        pending.cookie(),
        null);
  }

  /** The session cookie a callback set. */
  private static String sessionCookie(HttpResponse<String> answer) {
    return answer.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(Requests.COOKIE + "=") && !c.contains("Max-Age=0"))
        .map(c -> c.split(";", 2)[0].substring(Requests.COOKIE.length() + 1))
        .findFirst()
        .orElse(null);
  }

  private HttpResponse<String> send(String method, String path, String cookie, String form) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(publicUrl.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                form == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(form));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    if (form != null) {
      request.header("Content-Type", "application/x-www-form-urlencoded");
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Browser signedIn(String cookie) {
    Browser browser = t.browser();
    browser.cookie(cookie);
    return browser;
  }

  @Test
  void theSignInOptionsNameTheProviderAndItsStart() {
    JsonNode options = json(send("GET", "/api/v1/login/options", null, null).body());

    assertThat(options.path("password").asBoolean()).isTrue();
    assertThat(options.path("oidc").path("name").asText()).isEqualTo("Keycloak");
    assertThat(options.path("oidc").path("start").asText()).isEqualTo("/api/v1/login/oidc");
  }

  @Test
  void theFirstSignInCreatesTheUserAndASessionAuditedAsOidc() {
    String user = newUser("staff");

    HttpResponse<String> answer = callback(toCallback(user, "/account.html#sessions"));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
    assertThat(answer.headers().firstValue("Location")).contains("/account.html#sessions");
    String cookie = sessionCookie(answer);
    assertThat(cookie).isNotNull();
    Browser browser = signedIn(cookie);
    Browser.Response me = browser.get("/api/v1/me");
    assertThat(me.status()).as(me.toString()).isEqualTo(200);
    assertThat(me.json().path("user").path("username").asText()).isEqualTo(user);
    assertThat(me.json().path("session").path("auth_method").asText()).isEqualTo("oidc");
    assertThat(t.stores.users().find(user))
        .hasValueSatisfying(u -> assertThat(u.admin()).isFalse());
    JsonNode events = t.admin().get("/api/v1/audit").json().path("events");
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.path("type").asText()).isEqualTo("login");
              assertThat(e.path("subject").asText()).isEqualTo(user);
              assertThat(e.path("details").path("auth_method").asText()).isEqualTo("oidc");
            });
    assertThat(events)
        .filteredOn(
            e ->
                e.path("type").asText().equals("user_created")
                    && e.path("subject").asText().equals(user))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.path("actor").isMissingNode() || e.path("actor").isNull()).isTrue();
              assertThat(e.path("details").path("external").asText()).startsWith("http");
            });
  }

  @Test
  void theProvidersGroupGivesItsLimitAndARefusalIsShownOnTheSignInPageWithoutASession() {
    t.settings("{\"SESSIONS_PER_USER\": 5, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
    t.stores.groups().create(Group.named("staff", Instant.now()).withLimit(1, Instant.now()));
    String user = newUser("staff");
    HttpResponse<String> first = callback(toCallback(user, "/account.html"));
    assertThat(sessionCookie(first)).isNotNull();

    HttpResponse<String> second = callback(toCallback(user, "/account.html"));

    assertThat(second.statusCode()).isEqualTo(302);
    assertThat(second.headers().firstValue("Location").orElseThrow())
        .startsWith(publicUrl + "/index.html?oidc_error=session_limit_reached&next=");
    assertThat(sessionCookie(second)).isNull();
    assertThat(t.stores.sessions().liveSessionsOfUser(user, Instant.now())).hasSize(1);
  }

  @Test
  void aTamperedStateIsRefusedAndOpensNothing() {
    String user = newUser("staff");
    Pending pending = toCallback(user, "/account.html");
    String tampered = pending.callback().toString().replaceFirst("state=([^&])", "state=X$1");
    double rejectedBefore = rejectedSignIns();

    HttpResponse<String> answer = callback(new Pending(pending.cookie(), URI.create(tampered)));

    assertThat(answer.statusCode()).isEqualTo(302);
    assertThat(answer.headers().firstValue("Location").orElseThrow())
        .contains("oidc_error=oidc_state_mismatch");
    assertThat(sessionCookie(answer)).isNull();
    assertThat(t.stores.sessions().liveSessionsOfUser(user, Instant.now())).isEmpty();
    assertThat(rejectedSignIns()).as("counted as rejected").isEqualTo(rejectedBefore + 1);
  }

  private double rejectedSignIns() {
    return MetricsTest.value(
        MetricsTest.scrape(t), "sessionlimits_logins_total", "result=\"rejected\"");
  }

  @Test
  void twentyConcurrentFirstCallbacksOfOneUserAtALimitOfOneOpenExactlyOneSession()
      throws Exception {
    t.settings("{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
    String user = newUser("staff");
    List<Pending> pendings = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      pendings.add(toCallback(user, "/"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(20);
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    try {
      for (Pending pending : pendings) {
        answers.add(pool.submit(() -> callback(pending)));
      }
      int signedIn = 0;
      for (Future<HttpResponse<String>> answer : answers) {
        if (sessionCookie(answer.get()) != null) {
          signedIn++;
        }
      }
      assertThat(signedIn).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(t.stores.sessions().liveSessionsOfUser(user, Instant.now())).hasSize(1);
  }

  @Test
  void theProvidersBackChannelLogoutEndsTheSessionAndTellsItsEventStream() {
    String user = newUser("staff");
    String cookie = sessionCookie(callback(toCallback(user, "/")));
    try (EventStream stream = EventStream.open(t.base, cookie)) {
      Await.untilAsserted(
          "the stream is attached", () -> assertThat(t.server.push().streams()).isOne());

      admin.logoutUser(user);

      EventStream.Event event = stream.next(Duration.ofSeconds(10));
      assertThat(event.name()).isEqualTo("session_ended");
      assertThat(event.json().path("reason").asText()).isEqualTo("identity_provider_logout");
    }
    Browser.Response me = signedIn(cookie).get("/api/v1/me");
    assertThat(me.status()).isEqualTo(401);
    assertThat(me.json().path("reason").asText()).isEqualTo("identity_provider_logout");
    assertThat(t.admin().get("/api/v1/audit").json().path("events"))
        .anySatisfy(
            e -> assertThat(e.path("type").asText()).isEqualTo("session_ended_by_provider"));
  }

  @Test
  void aLogoutTokenPostedAgainIsRefusedWith400AndAuditedAsAReplay() throws Exception {
    String user = newUser("staff");
    String cookie = sessionCookie(callback(toCallback(user, "/")));
    String token;
    try (BackChannelReceiver receiver = BackChannelReceiver.start()) {
      // The provider posts this logout to the receiver; the test delivers it, twice.
      admin.configureClient(
          publicUrl, URI.create(receiver.publicUrl() + OidcConfig.BACKCHANNEL_LOGOUT_PATH));
      admin.logoutUser(user);
      token = receiver.awaitAnyToken();
    }
    String form = "logout_token=" + URLEncoder.encode(token, UTF_8);

    HttpResponse<String> first = send("POST", OidcConfig.BACKCHANNEL_LOGOUT_PATH, null, form);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    Browser.Response me = signedIn(cookie).get("/api/v1/me");
    assertThat(me.status()).isEqualTo(401);
    assertThat(me.json().path("reason").asText()).isEqualTo("identity_provider_logout");

    HttpResponse<String> again = send("POST", OidcConfig.BACKCHANNEL_LOGOUT_PATH, null, form);
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(json(again.body()).path("error").asText()).isEqualTo("invalid_request");
    String jti = JWTParser.parse(token).getJWTClaimsSet().getJWTID();
    assertThat(t.admin().get("/api/v1/audit?type=logout_token_replayed").json().path("events"))
        .singleElement()
        .satisfies(e -> assertThat(e.path("details").path("jti").asText()).isEqualTo(jti));
  }

  @Test
  void anInvalidLogoutTokenIs400AndEndsNothing() {
    HttpResponse<String> answer =
        send(
            "POST",
            OidcConfig.BACKCHANNEL_LOGOUT_PATH,
            null,
            "logout_token=eyJhbGciOiJSUzI1NiJ9.e30.c2ln");

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(json(answer.body()).path("error").asText()).isEqualTo("invalid_request");
    assertThat(answer.headers().firstValue("Cache-Control")).contains("no-store");
  }

  @Test
  void signingOutOfAProviderSessionAnswersTheProvidersLogoutAddress() {
    String user = newUser("staff");
    String cookie = sessionCookie(callback(toCallback(user, "/")));

    Browser.Response answer = signedIn(cookie).post("/api/v1/logout", null);

    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    String logout = answer.json().path("provider_logout").asText();
    assertThat(logout)
        .startsWith(keycloak.issuer() + "/protocol/openid-connect/logout?")
        .contains("id_token_hint=")
        .contains(
            "post_logout_redirect_uri=" + URLEncoder.encode(publicUrl + "/index.html", UTF_8));
  }
}
