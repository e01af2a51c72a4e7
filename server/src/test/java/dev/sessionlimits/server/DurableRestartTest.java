package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 6: the embedded store is durable. The real {@link Main} runs in a child JVM on a
 * temp data directory and is killed with SIGKILL; after a restart nothing is lost.
 */
class DurableRestartTest {

  private final List<ChildServer> children = new ArrayList<>();

  @AfterEach
  void killChildren() throws InterruptedException {
    for (ChildServer child : children) {
      child.kill();
    }
  }

  private URI start(Path dataDir) throws Exception {
    ChildServer child =
        ChildServer.start(
            Map.of(
                "SESSIONLIMITS_DATA_DIR",
                dataDir.toString(),
                "SESSIONLIMITS_ADMIN_PASSWORD",
                TestServer.ADMIN_PASSWORD));
    children.add(child);
    return child.base;
  }

  @Test
  void sessionsUsersAndSettingsSurviveKillDashNine(@TempDir Path dataDir) throws Exception {
    URI first = start(dataDir);
    Browser admin = new Browser(first, TestServer.CHROME_WINDOWS);
    assertThat(admin.login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);
    assertThat(
            admin
                .post(
                    "/api/v1/users",
                    "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\"}")
                .status())
        .isEqualTo(201);
    assertThat(admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 2}").status())
        .isEqualTo(200);
    Browser alice = new Browser(first, TestServer.FIREFOX_LINUX);
    String aliceSession =
        alice
            .login("alice", "alice-plum-harbor-lantern")
            .json()
            .path("session")
            .path("id")
            .asText();

    children.get(0).kill();

    URI second = start(dataDir);
    Browser aliceAgain = new Browser(second, TestServer.FIREFOX_LINUX);
    aliceAgain.cookie(alice.cookie());
    Browser.Response me = aliceAgain.get("/api/v1/me");
    assertThat(me.status()).as(me.toString()).isEqualTo(200);
    assertThat(me.json().path("session").path("id").asText()).isEqualTo(aliceSession);

    Browser adminAgain = new Browser(second, TestServer.CHROME_WINDOWS);
    adminAgain.cookie(admin.cookie());
    assertThat(adminAgain.get("/api/v1/users/alice").status()).isEqualTo(200);
    assertThat(adminAgain.get("/api/v1/settings").json().path("SESSIONS_PER_USER").asInt())
        .isEqualTo(2);
    assertThat(adminAgain.get("/api/v1/audit").json().path("events").size())
        .isGreaterThanOrEqualTo(4);

    for (ChildServer child : children) {
      assertThat(child.output()).doesNotContain(alice.cookie(), admin.cookie());
    }
  }
}
