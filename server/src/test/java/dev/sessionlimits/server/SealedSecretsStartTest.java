package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.core.SecondFactors;
import dev.sessionlimits.store.jdbc.JdbcStore;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Which key seals TOTP secrets at start ({@code SESSIONLIMITS_SECRETS_KEY_FILE}). */
class SealedSecretsStartTest {

  @RegisterExtension static final TestPostgres database = TestPostgres.perClass();

  private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
  private static final String SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

  @TempDir Path dir;

  @Test
  void theEmbeddedStoreMakesItsKeyFileAtTheFirstStartAndSealsWithIt() {
    ServerConfig config = config(Map.of("SESSIONLIMITS_DATA_DIR", dir.toString()));
    try (JdbcStore store = StoreFactory.openStore(config)) {
      StoreFactory.secondFactors(config, store).beginEnrolment("alice", SECRET, T0);

      assertThat(dir.resolve(StoreFactory.DEFAULT_KEY_FILE)).isRegularFile();
      assertThatThrownBy(() -> store.secondFactors().find("alice"))
          .as("read without the key")
          .isInstanceOf(IllegalStateException.class);
    }
    try (JdbcStore store = StoreFactory.openStore(config)) {
      assertThat(StoreFactory.secondFactors(config, store).find("alice").orElseThrow().secret())
          .isEqualTo(SECRET);
    }
  }

  @Test
  void aClusterKeepsSecretsAsGivenUntilAKeyFileIsSetAndThenSealsThem() throws Exception {
    database.truncate();
    ServerConfig cluster = config(Map.of("SESSIONLIMITS_DB_URL", database.url()));
    Path keys = keyFile("cluster.key");
    ServerConfig sealed =
        config(
            Map.of(
                "SESSIONLIMITS_DB_URL",
                database.url(),
                StoreFactory.KEY_FILE_VARIABLE,
                keys.toString()));
    try (JdbcStore store = StoreFactory.openStore(cluster)) {
      StoreFactory.secondFactors(cluster, store).beginEnrolment("alice", SECRET, T0);
      assertThat(store.secondFactors().find("alice")).as("stored as given").isPresent();
    }
    try (JdbcStore store = StoreFactory.openStore(sealed)) {
      SecondFactors factors = StoreFactory.secondFactors(sealed, store);

      assertThat(factors.find("alice").orElseThrow().secret()).isEqualTo(SECRET);
      assertThatThrownBy(() -> store.secondFactors().find("alice"))
          .as("sealed at start")
          .isInstanceOf(IllegalStateException.class);
    }
    try (JdbcStore store = StoreFactory.openStore(cluster)) {
      assertThatThrownBy(() -> StoreFactory.secondFactors(cluster, store))
          .as("the key file unset again")
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("1 TOTP secrets in the database are sealed")
          .hasMessageContaining("set " + StoreFactory.KEY_FILE_VARIABLE);
    }
  }

  @Test
  void anotherKeyFileThanTheOneThatSealedStopsTheStartNamingTheVariable() throws Exception {
    ServerConfig first = config(Map.of("SESSIONLIMITS_DATA_DIR", dir.toString()));
    try (JdbcStore store = StoreFactory.openStore(first)) {
      StoreFactory.secondFactors(first, store).beginEnrolment("alice", SECRET, T0);
    }
    ServerConfig other =
        config(
            Map.of(
                "SESSIONLIMITS_DATA_DIR",
                dir.toString(),
                StoreFactory.KEY_FILE_VARIABLE,
                keyFile("other.key").toString()));
    try (JdbcStore store = StoreFactory.openStore(other)) {
      assertThatThrownBy(() -> StoreFactory.secondFactors(other, store))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("sealed with a key the key file does not hold")
          .hasMessageContaining(StoreFactory.KEY_FILE_VARIABLE);
    }
  }

  @Test
  void aKeyFileThatIsMissingOrHoldsNoKeyIsAProblemOfTheEnvironment() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.key"), "\n");
    for (Path file : new Path[] {dir.resolve("missing.key"), empty}) {
      assertThatThrownBy(
              () ->
                  ServerConfig.fromEnvironment(
                      Map.of(StoreFactory.KEY_FILE_VARIABLE, file.toString())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(StoreFactory.KEY_FILE_VARIABLE + ": the key file " + file);
    }
  }

  private Path keyFile(String name) throws Exception {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return Files.writeString(dir.resolve(name), Base64.getEncoder().encodeToString(key) + "\n");
  }

  private static ServerConfig config(Map<String, String> env) {
    return ServerConfig.fromEnvironment(env);
  }
}
