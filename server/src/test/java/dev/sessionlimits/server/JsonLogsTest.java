package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.server.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SESSIONLIMITS_LOG_FORMAT in the real {@link Main}, in a child JVM as an operator runs it: with
 * {@code json} every line it prints is one JSON object, a request's lines carry the request's
 * fields, audit events are lines of their own logger, and no token or password is ever printed.
 */
class JsonLogsTest {

  private static final String SECRET_PASSWORD = "admin-quartz-meadow-falcon";
  private static final String WRONG_PASSWORD = "wrong-orchid-lantern-piano";
  private static final String BASIC_PASSWORD = "basic-harbor-violet-comet";

  @TempDir Path dataDir;

  @Test
  void withJsonEveryLineIsAnObjectCarryingItsRequestAndAuditFieldsAndNoSecret() throws Exception {
    String token;
    List<JsonNode> lines = new ArrayList<>();
    try (ChildServer child =
        ChildServer.start(
            Map.of(
                "SESSIONLIMITS_LOG_FORMAT",
                "json",
                "SESSIONLIMITS_DATA_DIR",
                dataDir.toString(),
                "SESSIONLIMITS_ADMIN_PASSWORD",
                SECRET_PASSWORD))) {
      Browser admin = new Browser(child.base, TestServer.CHROME_WINDOWS);
      assertThat(
              new Browser(child.base, TestServer.FIREFOX_LINUX)
                  .login("admin", WRONG_PASSWORD)
                  .status())
          .isEqualTo(401);
      assertThat(admin.login("admin", SECRET_PASSWORD).status()).isEqualTo(201);
      token = admin.cookie();
      assertThat(admin.get("/api/v1/me?code=oidc-code-in-query&ticket=mfa-ticket").status())
          .isEqualTo(200);
      String basic =
          Base64.getEncoder()
              .encodeToString(("admin:" + BASIC_PASSWORD).getBytes(StandardCharsets.UTF_8));
      assertThat(
              new Browser(child.base, TestServer.FIREFOX_LINUX)
                  .get("/api/v1/me", "Authorization", "Basic " + basic)
                  .status())
          .isEqualTo(401);
      assertThat(admin.post("/api/v1/logout", "{}").status()).isLessThan(300);

      String output = waitForLine(child, line -> line.contains("\"logout\""));
      for (String line : output.split("\n")) {
        JsonNode node = Json.MAPPER.readTree(line);
        assertThat(node.isObject()).as(line).isTrue();
        for (String field : List.of("timestamp", "level", "logger", "message")) {
          assertThat(node.path(field).isTextual()).as("%s in %s", field, line).isTrue();
        }
        lines.add(node);
      }
      assertThat(output)
          .doesNotContain(token)
          .doesNotContain(SECRET_PASSWORD)
          .doesNotContain(WRONG_PASSWORD)
          .doesNotContain(BASIC_PASSWORD)
          .doesNotContain(basic)
          .doesNotContain("oidc-code-in-query")
          .doesNotContain("mfa-ticket");
    }

    JsonNode login =
        lines.stream()
            .filter(l -> l.path("logger").asText().equals("sessionlimits.audit"))
            .filter(l -> l.path("type").asText().equals("login"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no audit line of the login in " + lines));
    assertThat(login.path("level").asText()).isEqualTo("INFO");
    assertThat(login.path("actor").asText()).isEqualTo("admin");
    assertThat(login.path("session_id").asText()).isNotBlank();
    assertThat(login.path("details").isObject()).as(login.toString()).isTrue();
    assertThat(login.path("method").asText()).isEqualTo("POST");
    assertThat(login.path("path").asText()).isEqualTo("/api/v1/login");
    assertThat(login.path("request_id").asText()).matches("[0-9a-f]{16}");
    assertThat(login.path("client_address").asText()).isEqualTo("127.0.0.1");

    JsonNode failed =
        lines.stream()
            .filter(l -> l.path("type").asText().equals("login_failed"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no audit line of the failed login in " + lines));
    assertThat(failed.path("request_id").asText())
        .as("each request has its own id")
        .isNotEqualTo(login.path("request_id").asText());

    assertThat(lines)
        .as("lines outside a request carry no request fields")
        .anySatisfy(l -> assertThat(l.path("message").asText()).contains("listening on port"))
        .filteredOn(l -> l.path("message").asText().contains("listening on port"))
        .allSatisfy(l -> assertThat(l.has("request_id")).isFalse());
  }

  @Test
  void anUnknownLogFormatStopsTheStartNamingTheVariable() throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("SESSIONLIMITS_"));
    builder.environment().put("SESSIONLIMITS_PORT", "0");
    builder.environment().put("SESSIONLIMITS_DATA_DIR", dataDir.toString());
    builder.environment().put("SESSIONLIMITS_LOG_FORMAT", "xml");
    Process process = builder.start();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }

    assertThat(process.exitValue()).as(output).isEqualTo(2);
    assertThat(output).contains("SESSIONLIMITS_LOG_FORMAT=\"xml\"").contains("text, json");
  }

  /** The child's output once a line matching {@code done} was printed (within 30 seconds). */
  private static String waitForLine(ChildServer child, Predicate<String> done)
      throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String output = child.output();
      if (output.lines().anyMatch(done)) {
        return output;
      }
      child.process.waitFor(20, TimeUnit.MILLISECONDS);
    }
    throw new IOException("no such line in:\n" + child.output());
  }
}
