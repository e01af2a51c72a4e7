package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.unlimited;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Fixtures;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's cache and batched touches, as the single node of its database. */
class EmbeddedStoreCacheTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  @TempDir Path dataDir;

  @Test
  void touchesReachTheFileInAFewBatchesByThemselvesAndOnClose() throws Exception {
    List<Session> sessions = new ArrayList<>();
    Instant last = T0.plusSeconds(10);
    JdbcStore store = JdbcStore.embedded(dataDir);
    try (Connection sql =
        DriverManager.getConnection(
            "jdbc:h2:file:" + dataDir.resolve(JdbcStore.EMBEDDED_NAME), "sa", "")) {
      for (int i = 0; i < 20; i++) {
        sessions.add(opened(store, candidate("user" + i, "10.8.0." + i, T0)));
      }
      for (int step = 1; step <= 10; step++) {
        for (Session s : sessions) {
          assertThat(store.sessions().touch(s.tokenHash(), T0.plusSeconds(step), IDLE))
              .isInstanceOf(Lookup.Live.class);
        }
      }

      Await.until(
          "every touch is in the database",
          TouchBatcher.FLUSH_INTERVAL.multipliedBy(40),
          () -> sessions.stream().allMatch(s -> last.equals(lastSeen(sql, s.id()))));
      assertThat(store.touches().statements())
          .as("batches for 200 touches")
          .isLessThanOrEqualTo(10);

      store.sessions().touch(sessions.get(0).tokenHash(), T0.plusSeconds(20), IDLE);
      store.close();
      assertThat(lastSeen(sql, sessions.get(0).id())).isEqualTo(T0.plusSeconds(20));
    } finally {
      store.close();
    }
  }

  @Test
  void twoStoresOnOneDataDirectoryInOneJvmStopEachOthersEndedSessionsAtOnce() {
    try (JdbcStore first = JdbcStore.embedded(dataDir);
        JdbcStore second = JdbcStore.embedded(dataDir)) {
      Session session = opened(first, candidate("alice", "10.8.1.1", T0));
      assertThat(second.sessions().touch(session.tokenHash(), T0.plusSeconds(1), IDLE))
          .isInstanceOf(Lookup.Live.class);
      assertThat(second.cache().trustedGet(session.tokenHash())).isNotNull();

      first.sessions().end(session.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(2)));

      assertThat(second.sessions().find(session.tokenHash(), T0.plusSeconds(3)))
          .isInstanceOf(Lookup.Ended.class);
    }
  }

  @Test
  void aSessionExpiredInTheCacheIsConfirmedAgainstTheDatabaseAndRecordedOnce() {
    try (JdbcStore store = JdbcStore.embedded(dataDir)) {
      List<Session> heard = new ArrayList<>();
      store.sessions().subscribe(heard::add);
      Session session = opened(store, candidate("bob", "10.8.2.1", T0));
      assertThat(store.sessions().find(session.tokenHash(), T0)).isInstanceOf(Lookup.Live.class);

      Lookup expired = store.sessions().touch(session.tokenHash(), T0.plus(IDLE), IDLE);

      assertThat(expired)
          .isInstanceOfSatisfying(
              Lookup.Ended.class,
              e -> assertThat(e.session().end().reason()).isEqualTo(EndReason.IDLE_TIMEOUT));
      assertThat(store.sessions().find(session.tokenHash(), T0.plus(IDLE)))
          .isInstanceOf(Lookup.Ended.class);
      assertThat(heard).extracting(Session::id).containsExactly(session.id());
    }
  }

  private static Session opened(JdbcStore store, Session candidate) {
    OpenResult result = store.sessions().open(candidate, unlimited());
    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    return ((OpenResult.Opened) result).session();
  }

  private static Session candidate(String user, String ip, Instant at) {
    return Fixtures.candidate(user, ip, at, unlimited());
  }

  private static Instant lastSeen(Connection sql, String sessionId) {
    try (PreparedStatement select =
        sql.prepareStatement("SELECT last_seen_at FROM sl_sessions WHERE id = ?")) {
      select.setString(1, sessionId);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return Sql.instant(rows, "last_seen_at");
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
