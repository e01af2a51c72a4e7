package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.server.service.LoginThrottle;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12.1 on a cluster: two nodes on one PostgreSQL database throttle on the same counts, and
 * each trusts the device cookies the other issued. The back-off starts at a minute here, so that
 * the real clock cannot end it during a test.
 */
class ThrottleClusterTest {

  private static final LoginThrottle.Policy SLOW =
      new LoginThrottle.Policy(
          5, 20, 5, Duration.ofMinutes(1), Duration.ofMinutes(15), Duration.ofHours(1));

  @RegisterExtension static final TestPostgres database = TestPostgres.perClass();

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
                .post(
                    "/api/v1/users",
                    "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\"}")
                .status())
        .isEqualTo(201);
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(SessionlimitsServer::close);
  }

  private URI startNode() {
    SessionlimitsServer node = TestServer.clusterNode(database.url(), b -> b.throttle(SLOW));
    nodes.add(node);
    return URI.create("http://127.0.0.1:" + node.port());
  }

  private static void guess(URI node, String user, int times) {
    Browser attacker = new Browser(node, TestServer.FIREFOX_LINUX, "127.0.0.2");
    for (int i = 0; i < times; i++) {
      attacker.login(user, "guess-" + i);
    }
  }

  @Test
  void aBackOffBegunOnOneNodeHoldsOnTheOther() {
    guess(a, "alice", 5);

    Browser.Response onB =
        new Browser(b, TestServer.FIREFOX_LINUX, "127.0.0.3")
            .login("alice", "alice-plum-harbor-lantern");

    assertThat(onB.status()).as(onB.toString()).isEqualTo(429);
    assertThat(Long.parseLong(onB.header("Retry-After"))).isBetween(50L, 60L);
  }

  @Test
  void aDeviceCookieIssuedByOneNodeIsTrustedByTheOther() {
    Browser victim = new Browser(a, TestServer.CHROME_WINDOWS);
    assertThat(victim.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
    guess(b, "alice", 10);

    Browser sameBrowserOnB = new Browser(b, TestServer.CHROME_WINDOWS);
    sameBrowserOnB.device(victim.device());

    assertThat(sameBrowserOnB.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
    assertThat(
            new Browser(a, TestServer.FIREFOX_LINUX, "127.0.0.2").login("alice", "guess").status())
        .isEqualTo(429);
  }
}
