package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/service-api.md (examples/service-api/) run as written against a real server:
 * Python with its standard library only, Node with its built-in fetch. Without {@code python3} or
 * {@code node} the test is skipped, and under {@code CI=true} it fails instead.
 */
class ServiceApiExamplesTest {

  private static final Path EXAMPLES = Chromium.repositoryRoot().resolve("examples/service-api");

  @Test
  void thePythonExampleOpensChecksAndEndsASession() throws Exception {
    assertTheExampleRuns(List.of("python3", EXAMPLES.resolve("service_sessions.py").toString()));
  }

  @Test
  void theNodeExampleOpensChecksAndEndsASession() throws Exception {
    assertTheExampleRuns(List.of("node", EXAMPLES.resolve("service-sessions.mjs").toString()));
  }

  private static void assertTheExampleRuns(List<String> command) throws Exception {
    requireInterpreter(command.get(0));
    try (TestServer t = TestServer.start()) {
      ServiceClient shop = ServiceClient.withKey(t);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("SESSIONLIMITS_URL", t.base.toString());
      builder.environment().put("SESSIONLIMITS_API_KEY", shop.key);
      builder.environment().put("DEMO_USER", "xena");
      Path output = Files.createTempFile("service-example", ".txt");
      try {
        Process process = builder.redirectOutput(output.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          fail("the example did not finish within 60 s: " + Files.readString(output));
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(printed).isZero();
        assertThat(printed.lines())
            .as(printed)
            .hasSize(4)
            .satisfies(
                lines -> {
                  assertThat(lines.get(0)).startsWith("opened ").endsWith(" ended 0");
                  assertThat(lines.get(1)).isEqualTo("check 200");
                  assertThat(lines.get(2)).isEqualTo("end 204");
                  assertThat(lines.get(3)).isEqualTo("check 401 logged_out");
                });
        assertThat(t.admin().get("/api/v1/users/xena").status()).isEqualTo(200);
      } finally {
        Files.deleteIfExists(output);
      }
    }
  }

  /** Skips without {@code interpreter}, or fails under {@code CI=true}. */
  private static void requireInterpreter(String interpreter) throws InterruptedException {
    String missing = null;
    try {
      Process version = new ProcessBuilder(interpreter, "--version").start();
      version.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      if (!version.waitFor(30, TimeUnit.SECONDS) || version.exitValue() != 0) {
        missing = interpreter + " --version failed";
      }
    } catch (IOException e) {
      missing = interpreter + " is not installed (" + e.getMessage() + ")";
    }
    if (missing == null) {
      return;
    }
    if ("true".equals(String.valueOf(System.getenv("CI")).trim().toLowerCase(Locale.ROOT))) {
      fail(missing + "; CI=true, so this is a failure rather than a skip.");
    }
    Assumptions.abort(missing + "; skipping the example.");
  }
}
