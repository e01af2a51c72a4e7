package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.unlimited;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.SessionStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the nodes of a cluster learn of each other's ends since issue 19: by polling a chain of
 * snapshots ({@link ClusterListener}), with no notification in the ending transactions. Two {@link
 * JdbcStore#postgres} nodes on one database; the tests keep apart by user name.
 */
class PostgresEndPollingTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  /** Ten times the one second an end takes to reach every node. */
  private static final Duration PROPAGATION = Duration.ofSeconds(10);

  private static TestPostgres postgres;
  private static JdbcStore[] nodes;
  private final List<SessionStore.Subscription> subscriptions = new ArrayList<>();

  @BeforeAll
  static void startNodes() {
    postgres = TestPostgres.create();
    nodes =
        new JdbcStore[] {JdbcStore.postgres(postgres.url()), JdbcStore.postgres(postgres.url())};
    for (JdbcStore node : nodes) {
      Await.until("node " + node.nodeId() + " listens", PROPAGATION, () -> node.cache().trusted());
    }
  }

  @AfterAll
  static void stopNodes() throws Exception {
    if (nodes != null) {
      for (JdbcStore node : nodes) {
        if (node != null) {
          node.close();
        }
      }
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @AfterEach
  void unsubscribe() {
    subscriptions.forEach(SessionStore.Subscription::close);
  }

  @Test
  void aNodeNeverHearsItsOwnEndsFromTheDatabase() {
    JdbcStore a = nodes[0];
    List<Session> heardOnA = new CopyOnWriteArrayList<>();
    List<Session> heardOnB = new CopyOnWriteArrayList<>();
    subscriptions.add(a.sessions().subscribe(heardOnA::add));
    subscriptions.add(nodes[1].sessions().subscribe(heardOnB::add));
    Session own = opened(a, candidate("own-gina", "10.2.6.1", T0, unlimited()));
    Session marker = opened(nodes[1], candidate("own-gina", "10.2.6.2", T0, unlimited()));

    a.sessions().end(own.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(1)));
    Await.until("node B hears of A's end", PROPAGATION, () -> ids(heardOnB).contains(own.id()));
    // An end B commits after A's is heard by A only after A has polled past A's own end.
    nodes[1].sessions().end(marker.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(2)));
    Await.until(
        "node A hears of B's later end", PROPAGATION, () -> ids(heardOnA).contains(marker.id()));

    assertThat(ids(heardOnA))
        .as("A told its listeners of its own end when it made it, and never again")
        .containsOnlyOnce(own.id());
  }

  @Test
  void anEndWhoseTransactionStartedBeforeAPollAndCommittedAfterItIsStillHeard() throws Exception {
    List<Session> heardOnB = new CopyOnWriteArrayList<>();
    subscriptions.add(nodes[1].sessions().subscribe(heardOnB::add));
    Session held = opened(nodes[0], candidate("slow-hank", "10.2.7.1", T0, unlimited()));
    try (Connection slow = DriverManager.getConnection(postgres.url())) {
      slow.setAutoCommit(false);
      // The slow transaction gets its id with the end, then stays open across several polls.
      assertThat(
              new SessionEnds(Dialect.POSTGRESQL, "slow-node")
                  .end(slow, held.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0), null))
          .isTrue();
      for (int i = 0; i < 3; i++) {
        Session marker = opened(nodes[0], candidate("slow-hank", "10.2.7.2" + i, T0, unlimited()));
        nodes[0].sessions().end(marker.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0));
        Await.until(
            "node B hears of a later end while the slow one is open",
            PROPAGATION,
            () -> ids(heardOnB).contains(marker.id()));
      }
      assertThat(ids(heardOnB)).doesNotContain(held.id());

      slow.commit();
    }

    Await.until(
        "node B hears of the end once its transaction commits",
        PROPAGATION,
        () -> ids(heardOnB).contains(held.id()));
  }

  @Test
  void noTransactionThatEndsSessionsSendsANotification() throws Exception {
    JdbcStore a = nodes[0];
    QuotaPolicy single = userLimit(1, ExhaustionAction.DESTROY_OLDEST_SESSION);
    try (Connection ear = DriverManager.getConnection(postgres.url());
        java.sql.Statement listen = ear.createStatement()) {
      // The channel the ends were announced on before; and every channel a node reads.
      listen.execute("LISTEN sessionlimits_ended");
      listen.execute("LISTEN " + ChangeNotices.CHANNEL);
      Session revoked = opened(a, candidate("quiet-ida", "10.2.8.1", T0, single), single);
      a.sessions().end(revoked.id(), SessionEnd.of(EndReason.REVOKED_BY_ADMIN, T0));
      Session evicted = opened(a, candidate("quiet-ida", "10.2.8.2", T0, single), single);
      assertThat(
              ((OpenResult.Opened)
                      a.sessions()
                          .open(
                              candidate("quiet-ida", "10.2.8.3", T0.plusSeconds(1), single),
                              single))
                  .ended())
          .extracting(Session::id)
          .containsExactly(evicted.id());
      Instant longAgo = T0.minus(Duration.ofDays(2));
      opened(a, candidate("quiet-ida-old", "10.2.8.4", longAgo, unlimited()));
      assertThat(a.sessions().purge(longAgo.plus(IDLE).plusSeconds(1)).expired()).isPositive();

      // A round trip after the commits: a notification sent on commit has arrived by its answer.
      listen.execute("SELECT 1");
      assertThat(ear.unwrap(org.postgresql.PGConnection.class).getNotifications()).isEmpty();
    }
  }

  // ---- helpers

  private static Session opened(JdbcStore node, Session candidate) {
    return opened(node, candidate, unlimited());
  }

  private static Session opened(JdbcStore node, Session candidate, QuotaPolicy policy) {
    OpenResult result = node.sessions().open(candidate, policy);
    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    return ((OpenResult.Opened) result).session();
  }

  private static List<String> ids(List<Session> sessions) {
    return sessions.stream().map(Session::id).toList();
  }
}
