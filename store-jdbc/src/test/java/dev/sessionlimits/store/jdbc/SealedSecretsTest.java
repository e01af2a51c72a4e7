package dev.sessionlimits.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.core.SecondFactors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TOTP secrets at rest: what the database holds is sealed, secrets stored before sealing or with an
 * older key are sealed again at start, and nothing reads a sealed secret without its key.
 */
class SealedSecretsTest {

  private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
  private static final String SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

  @TempDir Path dataDir;

  @Test
  void theDatabaseHoldsASealedValueAndTheStoreReadsTheSecretBack() {
    SecretsKey key = SecretsKey.generate();
    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      SecondFactors factors = store.secondFactors(key);
      factors.beginEnrolment("alice", SECRET, T0);

      String stored = stored(store, "alice");
      assertThat(stored).startsWith("v1:").doesNotContain(SECRET);
      assertThat(factors.find("alice").orElseThrow().secret()).isEqualTo(SECRET);
      assertThat(factors.acceptStep("alice", SECRET, 100, T0)).isTrue();
      assertThat(factors.acceptStep("alice", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 101, T0))
          .as("another secret")
          .isFalse();
    }
  }

  @Test
  void secretsStoredBeforeSealingAreSealedAtTheNextStartAndStillAccepted() {
    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      store.secondFactors().beginEnrolment("alice", SECRET, T0);
      store.secondFactors().acceptStep("alice", SECRET, 100, T0);
      assertThat(stored(store, "alice")).isEqualTo(SECRET);
    }
    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      SecondFactors factors = store.secondFactors(SecretsKey.generate());

      assertThat(stored(store, "alice")).startsWith("v1:");
      assertThat(factors.find("alice").orElseThrow().confirmed()).isTrue();
      assertThat(factors.acceptStep("alice", SECRET, 100, T0)).as("a replay still").isFalse();
      assertThat(factors.acceptStep("alice", SECRET, 101, T0)).isTrue();
    }
  }

  @Test
  void aNewKeyInFrontSealsAgainWhatTheOldOneSealedSoTheOldOneCanGo() {
    SecretsKey old = SecretsKey.generate();
    SecretsKey next = SecretsKey.generate();
    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      store.secondFactors(old).beginEnrolment("alice", SECRET, T0);
    }
    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      assertThatThrownBy(() -> store.secondFactors(next).find("alice"))
          .as("the new key alone")
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("sealed with a key the key file does not hold");
    }
    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      store.secondFactors(old.rotatedTo(next));
    }
    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      assertThat(store.secondFactors(next).find("alice").orElseThrow().secret()).isEqualTo(SECRET);
    }
  }

  @Test
  void withoutAKeyASealedSecretIsNeverReadAndTheStartIsTold() {
    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      store.secondFactors(SecretsKey.generate()).beginEnrolment("alice", SECRET, T0);
    }
    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      assertThatThrownBy(store::requireNoSealedSecrets)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("1 TOTP secrets in the database are sealed");
      assertThatThrownBy(() -> store.secondFactors().find("alice"))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> store.secondFactors().acceptStep("alice", SECRET, 100, T0))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aSealedSecretCopiedIntoAnotherUsersRowDoesNotOpen() {
    SecretsKey key = SecretsKey.generate();
    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      SecondFactors factors = store.secondFactors(key);
      factors.beginEnrolment("alice", SECRET, T0);
      factors.beginEnrolment("bob", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", T0);
      String alices = stored(store, "alice");
      store
          .database()
          .autocommit(
              () -> "copy alice's secret to bob",
              connection -> {
                try (PreparedStatement update =
                    connection.prepareStatement(
                        "UPDATE sl_totp_factors SET secret = ? WHERE username = 'bob'")) {
                  update.setString(1, alices);
                  return update.executeUpdate();
                }
              });

      assertThatThrownBy(() -> factors.find("bob"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("altered or moved");
      assertThat(factors.find("alice").orElseThrow().secret()).isEqualTo(SECRET);
    }
  }

  @Test
  void aKeyFileIsMadeOnceReadableByItsOwnerOnlyAndReadTheSameAfterwards() throws Exception {
    Path file = dataDir.resolve("keys/secrets.key");
    SecretsKey made = SecretsKey.readOrCreate(file);
    SecretsKey again = SecretsKey.readOrCreate(file);

    assertThat(again).hasToString(made.toString());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String sealed = made.seal("alice", SECRET);
    assertThat(again.open("alice", sealed)).isEqualTo(SECRET);
  }

  @Test
  void aKeyFileWithABadLineIsRefusedNamingTheLineButNotItsContent() throws Exception {
    Path file = dataDir.resolve("bad.key");
    String good = Base64.getEncoder().encodeToString(new byte[32]);
    Files.writeString(file, "# comment\n" + good + "\nc2hvcnQtc2VjcmV0\n");

    assertThatThrownBy(() -> SecretsKey.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 3 of the key file " + file)
        .hasMessageContaining("openssl rand -base64 32")
        .hasMessageNotContaining("c2hvcnQtc2VjcmV0");
    Files.writeString(file, "# nothing\n");
    assertThatThrownBy(() -> SecretsKey.read(file)).hasMessageContaining("holds no key");
    assertThatThrownBy(() -> SecretsKey.read(dataDir.resolve("missing.key")))
        .hasMessageContaining("cannot be read");
  }

  private static String stored(JdbcStore store, String username) {
    return store
        .database()
        .autocommit(
            () -> "read a stored secret",
            connection -> {
              try (PreparedStatement select =
                  connection.prepareStatement(
                      "SELECT secret FROM sl_totp_factors WHERE username = ?")) {
                select.setString(1, username);
                try (ResultSet rows = select.executeQuery()) {
                  rows.next();
                  return rows.getString("secret");
                }
              }
            });
  }
}
