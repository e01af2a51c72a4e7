package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 6: the embedded store is durable. The real {@link Main} runs in a child JVM on a temp
 * data directory and is killed with SIGKILL; after a restart nothing is lost.
 */
class DurableRestartTest {

  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  private final List<Process> children = new ArrayList<>();
  private final StringBuffer output = new StringBuffer();

  @AfterEach
  void killChildren() {
    children.forEach(Process::destroyForcibly);
  }

  private URI start(Path dataDir) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName());
    builder.redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("SESSIONLIMITS_"));
    env.put("SESSIONLIMITS_PORT", "0");
    env.put("SESSIONLIMITS_DATA_DIR", dataDir.toString());
    env.put("SESSIONLIMITS_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD);
    Process process = builder.start();
    children.add(process);
    BlockingQueue<String> port = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          output.append(line).append('\n');
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.add(m.group(1));
          }
        }
      } catch (IOException e) {
        // the child was killed
      }
    });
    reader.setDaemon(true);
    reader.start();
    String p = port.poll(60, TimeUnit.SECONDS);
    assertThat(p).as("the server did not start:\n%s", output).isNotNull();
    return URI.create("http://127.0.0.1:" + p);
  }

  @Test
  void sessionsUsersAndSettingsSurviveKillDashNine(@TempDir Path dataDir) throws Exception {
    URI first = start(dataDir);
    Browser admin = new Browser(first, TestServer.CHROME_WINDOWS);
    assertThat(admin.login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);
    assertThat(admin.post("/api/v1/users", "{\"username\":\"alice\",\"password\":\"alice-password\"}")
        .status()).isEqualTo(201);
    assertThat(admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 2}").status()).isEqualTo(200);
    Browser alice = new Browser(first, TestServer.FIREFOX_LINUX);
    String aliceSession = alice.login("alice", "alice-password").json().path("session").path("id").asText();

    Process process = children.get(0);
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    URI second = start(dataDir);
    Browser aliceAgain = new Browser(second, TestServer.FIREFOX_LINUX);
    aliceAgain.cookie(alice.cookie());
    Browser.Response me = aliceAgain.get("/api/v1/me");
    assertThat(me.status()).as(me.toString()).isEqualTo(200);
    assertThat(me.json().path("session").path("id").asText()).isEqualTo(aliceSession);

    Browser adminAgain = new Browser(second, TestServer.CHROME_WINDOWS);
    adminAgain.cookie(admin.cookie());
    assertThat(adminAgain.get("/api/v1/users/alice").status()).isEqualTo(200);
    assertThat(adminAgain.get("/api/v1/settings").json().path("SESSIONS_PER_USER").asInt()).isEqualTo(2);
    assertThat(adminAgain.get("/api/v1/audit").json().path("events").size()).isGreaterThanOrEqualTo(4);

    assertThat(output.toString()).doesNotContain(alice.cookie(), admin.cookie());
  }
}
