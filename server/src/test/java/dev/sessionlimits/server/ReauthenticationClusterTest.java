package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.MutableClock;
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
 * Issue 12.2 on a cluster: a re-authentication made through one node counts on the other at once,
 * and an old password entry is old on both (two nodes on one PostgreSQL database, one clock).
 */
class ReauthenticationClusterTest {

  @RegisterExtension static final TestPostgres database = TestPostgres.perClass();

  private final MutableClock clock = new MutableClock(TestServer.START);
  private final List<SessionlimitsServer> nodes = new ArrayList<>();
  private Browser onA;
  private Browser onB;

  @BeforeEach
  void startTwoNodesAndSignInOnA() throws Exception {
    database.truncate();
    URI a = startNode();
    URI b = startNode();
    onA = new Browser(a, TestServer.CHROME_WINDOWS);
    assertThat(onA.login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);
    onB = new Browser(b, TestServer.CHROME_WINDOWS);
    onB.cookie(onA.cookie());
    assertThat(onB.get("/api/v1/me").status()).as("one session, both nodes").isEqualTo(200);
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

  private static String admin(String name) {
    return "{\"username\":\""
        + name
        + "\",\"password\":\"violet-canyon-marmalade\",\"admin\":true}";
  }

  @Test
  void aReauthenticationThroughOneNodeCountsOnTheOther() {
    clock.advanceSeconds(301);
    Browser.Response refused = onB.post("/api/v1/users", admin("dave"));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
    assertThat(refused.error()).isEqualTo("reauthentication_required");

    assertThat(
            onA.post(
                    "/api/v1/me/reauthenticate",
                    "{\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}")
                .status())
        .isEqualTo(200);

    Browser.Response created = onB.post("/api/v1/users", admin("dave"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  @Test
  void aPasswordEntryOlderThanTheWindowIsOldOnEveryNode() {
    assertThat(onB.post("/api/v1/users", admin("carol")).status()).isEqualTo(201);
    clock.advanceSeconds(301);

    assertThat(onA.post("/api/v1/users", admin("dave")).status()).isEqualTo(403);
    assertThat(onB.post("/api/v1/users", admin("dave")).status()).isEqualTo(403);
    assertThat(onA.get("/api/v1/users/dave").status()).isEqualTo(404);
  }
}
