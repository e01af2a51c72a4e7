package dev.sessionlimits.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built tarball, unpacked and run as an operator would: {@code bin/sessionlimits}. */
class TarballTest {

  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
  private static final String VERSION = System.getProperty("sessionlimits.version");

  @TempDir Path temp;

  private Path unpack() throws IOException, InterruptedException {
    Path tarball = Path.of(System.getProperty("sessionlimits.tarball"));
    assertThat(tarball).isRegularFile();
    Process tar =
        new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", temp.toString())
            .inheritIO()
            .start();
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).isZero();
    return temp.resolve("sessionlimits-" + VERSION);
  }

  private static ProcessBuilder command(Path home, String... args) {
    String[] line = new String[args.length + 1];
    line[0] = home.resolve("bin/sessionlimits").toString();
    System.arraycopy(args, 0, line, 1, args.length);
    ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("SESSIONLIMITS_"));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return builder;
  }

  @Test
  void theTarballHoldsTheScriptTheJarTheEnvironmentFileTheUnitAndTheReadme() throws Exception {
    Path home = unpack();
    assertThat(home.resolve("bin/sessionlimits")).isExecutable();
    assertThat(home.resolve("lib/sessionlimits-server.jar")).isRegularFile();
    assertThat(home.resolve("README.md")).isRegularFile();
    String env = Files.readString(home.resolve("etc/sessionlimits.env"));
    String readme =
        Files.readString(Path.of(System.getProperty("sessionlimits.root"), "README.md"));
    Matcher variables =
        Pattern.compile("^\\| `(SESSIONLIMITS_[A-Z_]+)`", Pattern.MULTILINE).matcher(readme);
    while (variables.find()) {
      assertThat(env)
          .as("the example environment names every variable")
          .contains(variables.group(1) + "=");
    }
    assertThat(Files.readString(home.resolve("etc/sessionlimits.service")))
        .contains("ProtectSystem=strict", "NoNewPrivileges=true", "PrivateTmp=true")
        .contains(
            "EnvironmentFile=", "ReadWritePaths=/var/lib/sessionlimits", "User=sessionlimits");
    if (Files.exists(Path.of(System.getProperty("sessionlimits.root"), "LICENSE"))) {
      assertThat(home.resolve("LICENSE")).isRegularFile();
    }
  }

  @Test
  void theScriptServesUntilStoppedAndPrintsTheVersion() throws Exception {
    Path home = unpack();
    ProcessBuilder serve = command(home);
    serve
        .environment()
        .putAll(
            Map.of(
                "SESSIONLIMITS_PORT", "0",
                "SESSIONLIMITS_BIND", "127.0.0.1",
                "SESSIONLIMITS_DATA_DIR", temp.resolve("data").toString(),
                "SESSIONLIMITS_ADMIN_PASSWORD", "tarball-plum-harbor-lantern",
                "JAVA_OPTS", "-Xmx256m -Dsessionlimits.test=true"));
    Process server = serve.start();
    try {
      BlockingQueue<String> port = new LinkedBlockingQueue<>();
      StringBuffer output = new StringBuffer();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(
                        new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    output.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                      port.add(m.group(1));
                    }
                  }
                } catch (IOException e) {
                  // the server stopped
                }
              });
      reader.setDaemon(true);
      reader.start();
      String p = port.poll(90, TimeUnit.SECONDS);
      assertThat(p).as("the server did not start:\n%s", output).isNotNull();
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/healthz")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);

      Process version = command(home, "version").start();
      assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(
              new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
          .isEqualTo(VERSION);
      assertThat(version.exitValue()).isZero();

      Process usage = command(home, "no-such-command").start();
      assertThat(usage.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(usage.exitValue()).isEqualTo(2);
    } finally {
      server.destroy();
      assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
    assertThat(server.exitValue()).isIn(0, 143);
  }
}
