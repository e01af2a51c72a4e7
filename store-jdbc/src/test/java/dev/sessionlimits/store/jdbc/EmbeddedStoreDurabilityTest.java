package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.EmbeddedStoreChild.LIMIT;
import static dev.sessionlimits.store.jdbc.EmbeddedStoreChild.SESSIONS;
import static dev.sessionlimits.store.jdbc.EmbeddedStoreChild.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.StoreUnavailableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStoreDurabilityTest {

  @TempDir Path dataDir;

  @Test
  void keepsEverythingCommittedAcrossAKill9() throws Exception {
    Process child = startChild("fixed");
    StringBuilder output = new StringBuilder();
    try {
      assertThat(awaitLine(child, "ready"::equals, output))
          .as("the child's output: %s", output)
          .isTrue();
    } finally {
      kill(child);
    }

    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      assertThat(store.users().find("alice")).isPresent();
      assertThat(store.settings().load().values())
          .isEqualTo(Map.of("SESSIONS_PER_USER", Integer.toString(LIMIT)));
      assertThat(store.audit().recent(10, 0))
          .extracting(AuditEvent::type)
          .containsExactly("login", "session_evicted", "settings_changed");
      for (int i = 0; i < SESSIONS; i++) {
        Lookup lookup =
            store.sessions().find(EmbeddedStoreChild.token(i), T0.plusSeconds(SESSIONS));
        if (i < SESSIONS - LIMIT) {
          assertThat(lookup).as("session %d, evicted", i).isInstanceOf(Lookup.Ended.class);
          assertThat(((Lookup.Ended) lookup).session().end().reason())
              .isEqualTo(EndReason.SESSION_LIMIT_REACHED);
        } else {
          assertThat(lookup)
              .as("session %d, the last committed", i)
              .isInstanceOf(Lookup.Live.class);
        }
      }
      assertThat(store.sessions().liveSessionsOfUser("alice", T0.plusSeconds(SESSIONS)))
          .hasSize(LIMIT);
    }
  }

  @Test
  void keepsEveryLoginConfirmedBeforeAKill9WhileLoginsAreStillRunning() throws Exception {
    Process child = startChild("stream");
    StringBuilder output = new StringBuilder();
    List<Integer> confirmed = new ArrayList<>();
    try {
      assertThat(
              awaitLine(
                  child,
                  line -> {
                    if (line.startsWith("opened ")) {
                      confirmed.add(Integer.parseInt(line.substring("opened ".length())));
                    }
                    return confirmed.size() >= 300;
                  },
                  output))
          .as("the child's output: %s", output)
          .isTrue();
    } finally {
      kill(child);
    }

    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      for (int i : confirmed) {
        assertThat(store.sessions().find(EmbeddedStoreChild.streamToken(i), T0))
            .as("login %d, confirmed before the kill", i)
            .isInstanceOf(Lookup.Live.class);
      }
    }
  }

  @Test
  void refusesToOpenADataDirectoryAnotherProcessHasOpen() throws Exception {
    Process child = startChild("fixed");
    StringBuilder output = new StringBuilder();
    try {
      assertThat(awaitLine(child, "ready"::equals, output))
          .as("the child's output: %s", output)
          .isTrue();

      assertThatThrownBy(() -> JdbcStore.embedded(dataDir))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("Could not connect to the embedded database in " + dataDir);
    } finally {
      kill(child);
    }
  }

  @Test
  void flushesH2sFileAfterCommitsAndKeepsItsHousekeepingRunning() throws Exception {
    try (JdbcStore store = JdbcStore.embedded(dataDir);
        Connection connection =
            DriverManager.getConnection(
                "jdbc:h2:file:" + dataDir.resolve(JdbcStore.EMBEDDED_NAME), "sa", "")) {
      assertThat(store.isHealthy()).isTrue();
      assertThat(H2Files.canFlush(connection))
          .as("H2's engine is reachable; if an H2 upgrade broke this, see H2Files")
          .isTrue();
      assertThat(writeDelay(connection))
          .as("H2's background writer, which compacts the file, runs")
          .isNotEqualTo("0");
    }
  }

  @Test
  void fallsBackToWriteDelayZeroWhereH2sFileCannotBeReached() throws Exception {
    Server server =
        Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dataDir.toString())
            .start();
    try {
      String url = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/remote";
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setUsername("sa");
      config.setPassword("");
      try (HikariDataSource pool = new HikariDataSource(config);
          JdbcStore store = JdbcStore.using(pool);
          Connection connection = pool.getConnection()) {
        assertThat(store.isHealthy()).isTrue();
        assertThat(H2Files.canFlush(connection)).isFalse();
        assertThat(writeDelay(connection)).isEqualTo("0");
      }
    } finally {
      server.stop();
    }
  }

  private static String writeDelay(Connection connection) throws Exception {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT SETTING_VALUE FROM"
                    + " INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
      assertThat(rows.next()).isTrue();
      return rows.getString(1);
    }
  }

  private Process startChild(String mode) throws IOException {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            EmbeddedStoreChild.class.getName(),
            dataDir.toString(),
            mode)
        .redirectErrorStream(true)
        .start();
  }

  /** Kills {@code child} with SIGKILL, as {@code kill -9} does: no shutdown hook runs. */
  private static void kill(Process child) throws InterruptedException {
    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("exit status after SIGKILL").isEqualTo(128 + 9);
  }

  /**
   * Feeds the child's output lines to {@code until} until it accepts one (true), the child exits or
   * a minute passes (false). Lines not accepted are kept in {@code output} for the failure message.
   */
  private static boolean awaitLine(Process child, Predicate<String> until, StringBuilder output)
      throws InterruptedException {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("(reading the child's output failed: " + e + ")");
              }
            },
            "durability-child-output");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null) {
        if (until.test(line)) {
          return true;
        }
        if (!line.startsWith("opened ")) {
          output.append(line).append('\n');
        }
      } else if (!child.isAlive() && lines.isEmpty()) {
        return false;
      }
    }
    return false;
  }
}
