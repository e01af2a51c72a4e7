package dev.sessionlimits.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Dockerfile and compose.yaml, checked without a Docker engine: what they name exists, and they
 * say what they promise. Building and running them is left to a machine with Docker.
 */
class DockerFilesTest {

  private static final Path ROOT = Path.of(System.getProperty("sessionlimits.root"));

  @Test
  void theDockerfileCopiesFilesThatExistAndRunsAsANonRootUserWithAHealthCheck() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    Matcher copies =
        Pattern.compile("^COPY (?!--from)(\\S+) ", Pattern.MULTILINE).matcher(dockerfile);
    int local = 0;
    while (copies.find()) {
      assertThat(ROOT.resolve(copies.group(1))).as(copies.group()).exists();
      local++;
    }
    assertThat(local).isPositive();
    assertThat(dockerfile)
        .containsPattern("(?m)^FROM \\S+ AS build$")
        .containsPattern("(?m)^USER sessionlimits$")
        .containsPattern("(?m)^EXPOSE 8080$")
        .containsPattern("(?m)^VOLUME /var/lib/sessionlimits$")
        .contains("HEALTHCHECK", "/healthz/ready");
    assertThat(ROOT.resolve(".dockerignore")).isRegularFile();
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeParsesAndRunsPostgresTwoNodesAndNginxWithTheExampleConfiguration()
      throws IOException {
    Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("compose.yaml")));
    Map<String, Map<String, Object>> services =
        (Map<String, Map<String, Object>>) compose.get("services");
    assertThat(services).containsKeys("postgres", "node1", "node2", "nginx");
    for (String node : List.of("node1", "node2")) {
      Map<String, Object> env = (Map<String, Object>) services.get(node).get("environment");
      assertThat((String) env.get("SESSIONLIMITS_DB_URL")).startsWith("jdbc:postgresql://postgres");
    }
    List<String> volumes = (List<String>) services.get("nginx").get("volumes");
    String example = volumes.get(0).split(":")[0];
    assertThat(ROOT.resolve(example)).isRegularFile();
    String config = Files.readString(ROOT.resolve(example));
    String command = String.join(" ", (List<String>) services.get("nginx").get("command"));
    for (String placeholder : List.of("LISTEN_PORT", "SESSIONLIMITS_ADDR", "APP_ADDR")) {
      assertThat(config).contains(placeholder);
      assertThat(command).contains("s/" + placeholder + "/");
    }
  }
}
