package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.Burst;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.store.jdbc.Await;
import dev.sessionlimits.store.jdbc.JdbcStore;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A refusal's choice on a cluster: the token one node hands out works on the other, once, and
 * parallel resolves through both nodes keep the limit exact (two nodes on one PostgreSQL database).
 */
class ResolveClusterTest {

  @RegisterExtension static final TestPostgres database = TestPostgres.perClass();

  private static final String PASSWORD = "alice-plum-harbor-lantern";

  private final MutableClock clock = new MutableClock(TestServer.START);
  private final List<SessionlimitsServer> nodes = new ArrayList<>();
  private URI a;
  private URI b;

  @BeforeEach
  void startTwoNodes() throws Exception {
    database.truncate();
    a = startNode();
    b = startNode();
    Browser admin = new Browser(a, TestServer.CHROME_WINDOWS);
    assertThat(admin.login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);
    assertThat(
            admin
                .patch(
                    "/api/v1/settings",
                    "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\","
                        + " \"QUOTA_EXEMPT_ADMINS\": true}")
                .status())
        .isEqualTo(200);
    assertThat(
            admin
                .post("/api/v1/users", "{\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"}")
                .status())
        .isEqualTo(201);
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(SessionlimitsServer::close);
  }

  private URI startNode() {
    JdbcStore store = JdbcStore.postgres(database.url());
    SessionlimitsServer node =
        SessionlimitsServer.builder()
            .config(
                ServerConfig.fromEnvironment(
                    Map.of(
                        "SESSIONLIMITS_PORT",
                        "0",
                        "SESSIONLIMITS_ADMIN_PASSWORD",
                        TestServer.ADMIN_PASSWORD)))
            .stores(Stores.of(store, store::isHealthy))
            .clock(clock)
            .passwordCost(TestServer.CHEAP)
            .start();
    nodes.add(node);
    return URI.create("http://127.0.0.1:" + node.port());
  }

  private static String resolveBody(String token, String endSession) {
    return "{\"resolve_token\": \"" + token + "\", \"end_session\": \"" + endSession + "\"}";
  }

  @Test
  void aTokenFromOneNodeResolvesOnTheOtherOnceAndTheSignedOutBrowserLearnsWhyOnBoth() {
    Browser phone = new Browser(a, TestServer.FIREFOX_LINUX);
    assertThat(phone.login("alice", PASSWORD).status()).isEqualTo(201);
    String phoneSession = phone.get("/api/v1/me").json().path("session").path("id").asText();
    Browser.Response refused = new Browser(a, TestServer.CHROME_WINDOWS).login("alice", PASSWORD);
    String body = resolveBody(refused.json().path("resolve_token").asText(), phoneSession);

    Browser.Response onB =
        new Browser(b, TestServer.CHROME_WINDOWS).post("/api/v1/login/resolve", body);
    Browser.Response againOnA =
        new Browser(a, TestServer.CHROME_WINDOWS).post("/api/v1/login/resolve", body);

    assertThat(onB.status()).as(onB.toString()).isEqualTo(201);
    assertThat(againOnA.error()).isEqualTo("resolve_token_invalid");
    Await.untilAsserted(
        "node A knows the phone's session ended",
        () ->
            assertThat(phone.get("/api/v1/me").json().path("reason").asText())
                .isEqualTo("signed_out_at_sign_in"));
  }

  @Test
  void parallelResolvesThroughBothNodesOpenOneSessionPerTokenAndNeverExceedTheLimit()
      throws Exception {
    Browser phone = new Browser(a, TestServer.FIREFOX_LINUX);
    assertThat(phone.login("alice", PASSWORD).status()).isEqualTo(201);
    String phoneSession = phone.get("/api/v1/me").json().path("session").path("id").asText();
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      URI node = (i % 2 == 0) ? a : b;
      bodies.add(
          resolveBody(
              new Browser(node, TestServer.CHROME_WINDOWS)
                  .login("alice", PASSWORD)
                  .json()
                  .path("resolve_token")
                  .asText(),
              phoneSession));
    }

    // Each token is sent twice, once to each node: 8 resolves at once.
    List<Integer> statuses =
        Burst.run(
            8,
            i ->
                new Browser((i % 2 == 0) ? a : b, TestServer.CHROME_WINDOWS)
                    .post("/api/v1/login/resolve", bodies.get(i / 2))
                    .status());

    assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    assertThat(statuses).allMatch(s -> s == 201 || s == 400 || s == 403);
    Browser admin = new Browser(b, TestServer.CHROME_WINDOWS);
    admin.login("admin", TestServer.ADMIN_PASSWORD);
    assertThat(admin.get("/api/v1/sessions?user=alice").json().path("sessions")).hasSize(1);
  }
}
