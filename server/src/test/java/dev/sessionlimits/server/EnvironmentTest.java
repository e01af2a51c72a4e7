package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class EnvironmentTest {

  static final List<String> SECRETS = Environment.SECRETS;

  @TempDir Path dir;

  @Test
  void variablesWithoutFilesAreReadAsGiven() {
    Map<String, String> env =
        Map.of("SESSIONLIMITS_PORT", "8080", "SESSIONLIMITS_ADMIN_PASSWORD", "pw");

    assertThat(Environment.resolve(env)).isEqualTo(env);
  }

  @ParameterizedTest
  @FieldSource("SECRETS")
  void eachSecretCanBeReadFromTheFileItsFileVariableNames(String name) throws IOException {
    Path file = write("from-file-" + name + "\n");

    Map<String, String> resolved = Environment.resolve(Map.of(name + "_FILE", file.toString()));

    assertThat(resolved).containsEntry(name, "from-file-" + name).doesNotContainKey(name + "_FILE");
  }

  @Test
  void onlyOneTrailingNewlineIsRemoved() throws IOException {
    Path file = write("two newlines\n\n");

    assertThat(Environment.resolve(Map.of("SESSIONLIMITS_ADMIN_PASSWORD_FILE", file.toString())))
        .containsEntry("SESSIONLIMITS_ADMIN_PASSWORD", "two newlines\n");
  }

  @Test
  void aFileWithoutTrailingNewlineIsReadWhole() throws IOException {
    Path file = write("  spaced secret ");

    assertThat(
            Environment.resolve(Map.of("SESSIONLIMITS_OIDC_CLIENT_SECRET_FILE", file.toString())))
        .containsEntry("SESSIONLIMITS_OIDC_CLIENT_SECRET", "  spaced secret ");
  }

  @Test
  void aWindowsLineEndIsOneNewline() throws IOException {
    Path file = write("secret\r\n");

    assertThat(
            Environment.resolve(Map.of("SESSIONLIMITS_LDAP_BIND_PASSWORD_FILE", file.toString())))
        .containsEntry("SESSIONLIMITS_LDAP_BIND_PASSWORD", "secret");
  }

  @Test
  void aSecretGivenBothWaysIsRefusedNamingBothVariables() throws IOException {
    Path file = write("from file\n");
    Map<String, String> env =
        Map.of(
            "SESSIONLIMITS_DB_URL",
            "jdbc:postgresql://db/x",
            "SESSIONLIMITS_DB_URL_FILE",
            file.toString());

    assertThatThrownBy(() -> Environment.resolve(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SESSIONLIMITS_DB_URL and SESSIONLIMITS_DB_URL_FILE are both set")
        .hasMessageNotContaining("jdbc:postgresql");
  }

  @Test
  void aMissingFileIsRefusedNamingTheVariableAndThePath() {
    Path missing = dir.resolve("no-such-secret");

    assertThatThrownBy(
            () ->
                Environment.resolve(
                    Map.of("SESSIONLIMITS_ADMIN_PASSWORD_FILE", missing.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SESSIONLIMITS_ADMIN_PASSWORD_FILE=\"" + missing + "\"")
        .hasMessageContaining("cannot be read");
  }

  @Test
  void aDirectoryIsNotAReadableSecretFile() {
    assertThatThrownBy(
            () -> Environment.resolve(Map.of("SESSIONLIMITS_ADMIN_PASSWORD_FILE", dir.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SESSIONLIMITS_ADMIN_PASSWORD_FILE=\"" + dir + "\"");
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    Map<String, String> env =
        Map.of(
            "SESSIONLIMITS_ADMIN_PASSWORD_FILE", dir.resolve("a").toString(),
            "SESSIONLIMITS_OIDC_CLIENT_SECRET_FILE", dir.resolve("b").toString());

    assertThatThrownBy(() -> Environment.resolve(env))
        .hasMessageContaining("SESSIONLIMITS_ADMIN_PASSWORD_FILE")
        .hasMessageContaining("SESSIONLIMITS_OIDC_CLIENT_SECRET_FILE");
  }

  @Test
  void aFileVariableOfANonSecretIsLeftAlone() {
    Map<String, String> env = Map.of("SESSIONLIMITS_PORT_FILE", "/nonexistent");

    assertThat(Environment.resolve(env)).isEqualTo(env);
  }

  private Path write(String content) throws IOException {
    Path file = Files.createTempFile(dir, "secret", ".txt");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }
}
