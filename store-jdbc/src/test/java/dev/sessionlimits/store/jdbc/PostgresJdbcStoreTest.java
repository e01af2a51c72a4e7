package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.unlimited;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.Burst;
import dev.sessionlimits.core.DuplicateSessionException;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresJdbcStoreTest extends AbstractJdbcStoreTest {

  @RegisterExtension static final TestPostgres postgres = TestPostgres.perClass();

  @Override
  HikariDataSource emptyDatabase() throws Exception {
    postgres.truncate();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres.url());
    config.setMaximumPoolSize(8);
    return new HikariDataSource(config);
  }

  @Test
  void anOpenAtALimitTakesTwoRoundTripsEachAnsweredOnceAndAnUnlimitedOneTakesOne()
      throws Exception {
    try (TcpProxy proxy = TcpProxy.to(postgres.url());
        JdbcStore node =
            JdbcStore.postgres(withoutTls(proxy.route(postgres.url())), postgres.url())) {
      QuotaPolicy evicting = userLimit(1, ExhaustionAction.DESTROY_NEXT_EXPIRING);
      QuotaPolicy denying = userLimit(1, ExhaustionAction.DENY_ACCESS);
      // Past the driver's threshold for server-side prepared statements; the lock rows exist.
      for (int i = 0; i < 8; i++) {
        node.sessions().open(candidate("alice", IP_A, T0, evicting), evicting);
        node.sessions().open(candidate("bob", IP_A, T0, denying), denying);
        node.sessions().open(candidate("user" + i, IP_A, T0, unlimited()), unlimited());
      }
      awaitQuiet(proxy);
      node.sessions().open(candidate("carol", IP_A, T0, unlimited()), unlimited());

      Traffic evictingOpen =
          traffic(
              proxy,
              () ->
                  assertThat(
                          ((OpenResult.Opened)
                                  node.sessions()
                                      .open(candidate("alice", IP_B, T0, evicting), evicting))
                              .ended())
                      .hasSize(1));
      Traffic refusedOpen =
          traffic(
              proxy,
              () ->
                  assertThat(node.sessions().open(candidate("bob", IP_B, T0, denying), denying))
                      .isInstanceOf(OpenResult.Refused.class));
      Traffic unlimitedOpen =
          traffic(
              proxy,
              () ->
                  assertThat(
                          node.sessions()
                              .open(candidate("dave", IP_B, T0, unlimited()), unlimited()))
                      .isInstanceOf(OpenResult.Opened.class));

      // Each round trip answered once: the store begins the transaction in its first round trip.
      // The driver's own BEGIN, a simple query, would be answered and flushed by itself.
      assertThat(evictingOpen).as("an evicting open").isEqualTo(new Traffic(2, 2));
      assertThat(refusedOpen).as("a refused open").isEqualTo(new Traffic(2, 2));
      assertThat(unlimitedOpen).as("an unlimited open").isEqualTo(new Traffic(1, 1));
    }
  }

  @Test
  void aLoginThatFailsInItsSecondRoundTripLeavesNoTransactionNorLockBehind() throws Exception {
    try (JdbcStore node = JdbcStore.postgres(postgres.url());
        Connection admin = DriverManager.getConnection(postgres.url());
        Statement sql = admin.createStatement()) {
      QuotaPolicy evicting = userLimit(1, ExhaustionAction.DESTROY_NEXT_EXPIRING);
      Session first = candidate("erin", IP_A, T0, evicting);
      node.sessions().open(first, evicting);

      // The first round trip locks erin's row and reads `first`, the second ends it and fails to
      // insert a session with its id.
      assertThatThrownBy(() -> node.sessions().open(first, evicting))
          .isInstanceOf(DuplicateSessionException.class);

      try (ResultSet rows =
          sql.executeQuery(
              "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                  + " AND state LIKE 'idle in transaction%'")) {
        rows.next();
        assertThat(rows.getInt(1)).as("connections left inside a transaction").isZero();
      }
      admin.setAutoCommit(false);
      try (ResultSet rows =
          sql.executeQuery(
              "SELECT subject FROM sl_quota_locks WHERE scope = 'user' AND subject = 'erin'"
                  + " FOR UPDATE NOWAIT")) {
        assertThat(rows.next()).as("erin's lock row, free at once").isTrue();
      }
      admin.rollback();
      try (ResultSet rows =
          sql.executeQuery("SELECT ended_at FROM sl_sessions WHERE id = '" + first.id() + "'")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getTimestamp(1)).as("the end of `first`, rolled back").isNull();
      }
    }
  }

  @Test
  void limitsHoldExactlyOnACallersPoolThatDoesNotAutocommitOverADatabaseDefaultOfRepeatableRead()
      throws Exception {
    try (TestPostgres own = TestPostgres.create()) {
      try (Connection admin = DriverManager.getConnection(own.url());
          Statement sql = admin.createStatement()) {
        // A snapshot taken before the lock wait would miss the session the previous holder
        // inserted: the login names READ COMMITTED in its BEGIN, whatever the database's default.
        sql.execute(
            "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_isolation"
                + " = %L', current_database(), 'repeatable read'); END $$");
      }
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(own.url());
      config.setMaximumPoolSize(8);
      config.setAutoCommit(false);
      try (HikariDataSource pool = new HikariDataSource(config);
          JdbcStore node = JdbcStore.using(pool)) {
        QuotaPolicy evict = userLimit(1, ExhaustionAction.DESTROY_OLDEST_SESSION);

        List<OpenResult> logins =
            Burst.run(
                32, i -> node.sessions().open(candidate("frank", "10.0.6." + i, T0, evict), evict));

        assertThat(logins).allMatch(r -> r instanceof OpenResult.Opened);
        long ended = logins.stream().mapToLong(r -> ((OpenResult.Opened) r).ended().size()).sum();
        assertThat(ended).isEqualTo(31);
        assertThat(node.sessions().liveSessionsOfUser("frank", T0)).hasSize(1);
      }
    }
  }

  @Test
  void limitsHoldExactlyAcrossTwoNodesSharingTheDatabase() throws Exception {
    try (JdbcStore nodeA = JdbcStore.postgres(postgres.url());
        JdbcStore nodeB = JdbcStore.postgres(postgres.url())) {
      QuotaPolicy deny = userLimit(3, ExhaustionAction.DENY_ACCESS);
      QuotaPolicy evict = userLimit(2, ExhaustionAction.DESTROY_OLDEST_SESSION);

      List<OpenResult> denied =
          Burst.run(
              64,
              i ->
                  (i % 2 == 0 ? nodeA : nodeB)
                      .sessions()
                      .open(candidate("alice", "10.0.4." + i, T0, deny), deny));
      List<OpenResult> evicting =
          Burst.run(
              64,
              i ->
                  (i % 2 == 0 ? nodeA : nodeB)
                      .sessions()
                      .open(candidate("bob", "10.0.5." + i, T0, evict), evict));

      assertThat(denied).filteredOn(r -> r instanceof OpenResult.Opened).hasSize(3);
      assertThat(nodeB.sessions().liveSessionsOfUser("alice", T0)).hasSize(3);
      List<Session> opened = evicting.stream().map(r -> ((OpenResult.Opened) r).session()).toList();
      long ended = evicting.stream().mapToLong(r -> ((OpenResult.Opened) r).ended().size()).sum();
      assertThat(nodeA.sessions().liveSessionsOfUser("bob", T0)).hasSize(2);
      assertThat(ended).isEqualTo(62);
      assertThat(nodeB.sessions().liveSessionsOfUser("bob", T0)).hasSize(2);
      // B answers the sessions it opened from its cache until its listener hears that A evicted
      // them: within the bound an end takes to reach every node, not at the instant A commits.
      Await.until(
          "exactly two of bob's tokens work on node B",
          Duration.ofSeconds(10),
          () ->
              opened.stream()
                      .filter(s -> nodeB.sessions().find(s.tokenHash(), T0) instanceof Lookup.Live)
                      .count()
                  == 2);
    }
  }

  /** Returns once the pool has stopped talking to the database through {@code proxy}. */
  private static void awaitQuiet(TcpProxy proxy) throws InterruptedException {
    long last = -1;
    int quiet = 0;
    while (quiet < 4) {
      TimeUnit.MILLISECONDS.sleep(50);
      long now = proxy.roundTrips();
      quiet = (now == last) ? quiet + 1 : 0;
      last = now;
    }
  }

  /** {@code url} without TLS, so that {@link TcpProxy} can read the server's messages. */
  private static String withoutTls(String url) {
    return url + (url.contains("?") ? "&" : "?") + "sslmode=disable";
  }

  /** What a piece of work cost on the wire: round trips, and the server's ReadyForQuery answers. */
  private record Traffic(long roundTrips, long answers) {}

  private static Traffic traffic(TcpProxy proxy, Runnable work) {
    long trips = proxy.roundTrips();
    long answers = proxy.readyForQuery();
    work.run();
    return new Traffic(proxy.roundTrips() - trips, proxy.readyForQuery() - answers);
  }
}
