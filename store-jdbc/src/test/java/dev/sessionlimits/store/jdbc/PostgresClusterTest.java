package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.unlimited;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.Burst;
import dev.sessionlimits.core.EndCause;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.Immediate;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SettingsStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several {@link JdbcStore#postgres} stores on one database, as the nodes of a cluster: ends are
 * heard everywhere, an ended session stops working everywhere (also when a node's listener is cut
 * off), settings changes are heard everywhere, and limits hold exactly across nodes. That this
 * takes less than a second is a service level, measured apart from the tests (docs/benchmarks.md);
 * here it gets ten. Three nodes are shared by the tests, which keep apart by user name; tests that
 * cut a node off make a node of their own behind a {@link TcpProxy}.
 */
class PostgresClusterTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  /** Ten times the one second an end or a settings change takes to reach every node. */
  private static final Duration PROPAGATION = Duration.ofSeconds(10);

  private static final Duration RECONNECT = Duration.ofSeconds(8);

  private static TestPostgres postgres;
  private static JdbcStore[] nodes;
  private final List<SessionStore.Subscription> subscriptions = new ArrayList<>();

  @AfterEach
  void unsubscribe() {
    subscriptions.forEach(SessionStore.Subscription::close);
  }

  @BeforeAll
  static void startNodes() {
    postgres = TestPostgres.create();
    nodes = new JdbcStore[3];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = JdbcStore.postgres(postgres.url());
    }
    for (JdbcStore node : nodes) {
      awaitListening(node);
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

  @Test
  void anEndOnOneNodeIsHeardByTheOtherNodesListeners() {
    List<Session> heardOnB = new CopyOnWriteArrayList<>();
    List<Session> heardOnC = new CopyOnWriteArrayList<>();
    List<Session> heardOnA = new CopyOnWriteArrayList<>();
    subscriptions.add(nodes[0].sessions().subscribe(heardOnA::add));
    subscriptions.add(nodes[1].sessions().subscribe(heardOnB::add));
    subscriptions.add(nodes[2].sessions().subscribe(heardOnC::add));
    Session session = opened(nodes[0], candidate("hear-alice", "10.2.0.1", T0, unlimited()));
    SessionEnd revoke =
        new SessionEnd(EndReason.REVOKED_BY_ADMIN, T0.plusSeconds(5), EndCause.byActor("admin"));

    assertThat(nodes[0].sessions().end(session.id(), revoke)).isPresent();

    Await.until("node B hears of the end", PROPAGATION, () -> ids(heardOnB).contains(session.id()));
    Await.until("node C hears of the end", PROPAGATION, () -> ids(heardOnC).contains(session.id()));
    assertThat(heardOnB)
        .filteredOn(s -> s.id().equals(session.id()))
        .singleElement()
        .satisfies(s -> assertThat(s.end()).isEqualTo(revoke));
    assertThat(ids(heardOnA))
        .as("node A told its own listeners once, and skips its own end")
        .containsOnlyOnce(session.id());
  }

  @Test
  void aSessionRevokedOnOneNodeStopsWorkingOnAnotherWhoseCacheHoldsIt() {
    JdbcStore a = nodes[0];
    JdbcStore b = nodes[1];
    Session session = opened(a, candidate("warm-bob", "10.2.1.1", T0, unlimited()));
    assertThat(b.sessions().touch(session.tokenHash(), T0.plusSeconds(10), IDLE))
        .isInstanceOf(Lookup.Live.class);
    assertThat(b.cache().trustedGet(session.tokenHash()))
        .as("B answers from its cache")
        .isNotNull();
    assertThat(b.sessions().find(session.tokenHash(), T0.plusSeconds(11)))
        .isInstanceOf(Lookup.Live.class);
    assertThat(b.sessions().touchWithoutWaiting(session.tokenHash(), T0.plusSeconds(11), IDLE))
        .isInstanceOfSatisfying(
            Immediate.Known.class,
            known -> assertThat(known.value()).isInstanceOf(Lookup.Live.class));

    a.sessions().end(session.id(), SessionEnd.of(EndReason.REVOKED_BY_ADMIN, T0.plusSeconds(12)));

    Await.until(
        "B stops answering the session without waiting",
        PROPAGATION,
        () ->
            b.sessions().findWithoutWaiting(session.tokenHash(), T0.plusSeconds(13))
                instanceof Immediate.MustWait);

    Await.until(
        "B finds the session ended",
        PROPAGATION,
        () -> b.sessions().find(session.tokenHash(), T0.plusSeconds(13)) instanceof Lookup.Ended);
    assertThat(b.sessions().touch(session.tokenHash(), T0.plusSeconds(14), IDLE))
        .isInstanceOfSatisfying(
            Lookup.Ended.class,
            e -> assertThat(e.session().end().reason()).isEqualTo(EndReason.REVOKED_BY_ADMIN));
  }

  @Test
  void aNodeWhoseListenerHearsNothingStopsARevokedSessionByBypassingItsCache() throws Exception {
    try (TcpProxy proxy = TcpProxy.to(postgres.url());
        JdbcStore b = JdbcStore.postgres(postgres.url(), proxy.route(postgres.url()))) {
      awaitListening(b);
      List<Session> heardOnB = new CopyOnWriteArrayList<>();
      b.sessions().subscribe(heardOnB::add);
      Session session = opened(nodes[0], candidate("frozen-carol", "10.2.2.1", T0, unlimited()));
      assertThat(b.sessions().touch(session.tokenHash(), T0.plusSeconds(10), IDLE))
          .isInstanceOf(Lookup.Live.class);
      assertThat(b.cache().trustedGet(session.tokenHash())).isNotNull();

      proxy.freeze();
      nodes[0]
          .sessions()
          .end(session.id(), SessionEnd.of(EndReason.REVOKED_BY_ADMIN, T0.plusSeconds(12)));

      Await.until(
          "B stops answering from its cache without waiting",
          PROPAGATION,
          () ->
              b.sessions().touchWithoutWaiting(session.tokenHash(), T0.plusSeconds(13), IDLE)
                  instanceof Immediate.MustWait);
      Await.until(
          "B finds the session ended though its listener hears nothing",
          PROPAGATION,
          () -> b.sessions().find(session.tokenHash(), T0.plusSeconds(13)) instanceof Lookup.Ended);
      assertThat(heardOnB).as("no notification got through the frozen connection").isEmpty();

      proxy.restore();
      Await.until(
          "B's listeners hear of the end once its listener is back",
          RECONNECT,
          () -> ids(heardOnB).contains(session.id()));
      awaitListening(b);
    }
  }

  @Test
  void aNodeCutOffFromTheDatabaseEventsResyncsAfterReconnectingAndAnnouncesWhatItMissed()
      throws Exception {
    try (TcpProxy proxy = TcpProxy.to(postgres.url());
        JdbcStore b = JdbcStore.postgres(postgres.url(), proxy.route(postgres.url()))) {
      awaitListening(b);
      List<Session> heardOnB = new CopyOnWriteArrayList<>();
      b.sessions().subscribe(heardOnB::add);
      Session revoked = opened(nodes[0], candidate("cut-dave", "10.2.3.1", T0, unlimited()));
      Session loggedOut = opened(nodes[0], candidate("cut-dave", "10.2.3.2", T0, unlimited()));
      Session staying = opened(nodes[0], candidate("cut-dave", "10.2.3.3", T0, unlimited()));
      for (Session s : List.of(revoked, loggedOut, staying)) {
        assertThat(b.sessions().touch(s.tokenHash(), T0.plusSeconds(10), IDLE))
            .isInstanceOf(Lookup.Live.class);
      }

      proxy.cut();
      Await.until("B notices its listener is gone", PROPAGATION, () -> !b.cache().trusted());
      nodes[0]
          .sessions()
          .end(revoked.id(), SessionEnd.of(EndReason.REVOKED_BY_ADMIN, T0.plusSeconds(12)));
      nodes[0]
          .sessions()
          .end(loggedOut.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(12)));

      assertThat(b.sessions().find(revoked.tokenHash(), T0.plusSeconds(13)))
          .isInstanceOf(Lookup.Ended.class);
      assertThat(b.sessions().touch(staying.tokenHash(), T0.plusSeconds(13), IDLE))
          .isInstanceOf(Lookup.Live.class);
      assertThat(heardOnB).isEmpty();

      proxy.restore();
      Await.until(
          "B announces both ends it missed",
          RECONNECT,
          () -> ids(heardOnB).containsAll(List.of(revoked.id(), loggedOut.id())));
      awaitListening(b);
      assertThat(ids(heardOnB)).doesNotContain(staying.id());
      assertThat(b.cache().trustedGet(staying.tokenHash()))
          .as("the cache was cleared on reconnecting")
          .isNull();
      assertThat(b.sessions().find(staying.tokenHash(), T0.plusSeconds(14)))
          .isInstanceOf(Lookup.Live.class);
    }
  }

  @Test
  void aNodeWhoseListenerBackendIsTerminatedReconnectsAndAnnouncesTheEndsItMissed()
      throws Exception {
    JdbcStore b = nodes[1];
    List<Session> heardOnB = new CopyOnWriteArrayList<>();
    subscriptions.add(b.sessions().subscribe(heardOnB::add));
    long stamp = b.settings().changeStamp();
    try (Connection admin = DriverManager.getConnection(postgres.url())) {
      List<Session> sessions = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        sessions.add(opened(nodes[0], candidate("killed-erin", "10.2.4." + i, T0, unlimited())));
      }

      try (PreparedStatement kill =
          admin.prepareStatement(
              "SELECT pg_terminate_backend(pid)"
                  + " FROM pg_stat_activity WHERE application_name = ?")) {
        kill.setString(1, ClusterListener.applicationName(b.nodeId()));
        try (ResultSet rows = kill.executeQuery()) {
          assertThat(rows.next()).as("B's listener connection was found").isTrue();
        }
      }
      for (Session s : sessions) {
        nodes[0]
            .sessions()
            .end(s.id(), SessionEnd.of(EndReason.REVOKED_BY_ADMIN, T0.plusSeconds(5)));
        assertThat(b.sessions().find(s.tokenHash(), T0.plusSeconds(6)))
            .isInstanceOf(Lookup.Ended.class);
      }

      Await.until(
          "B hears of every end, by notification or by resync",
          RECONNECT,
          () -> ids(heardOnB).containsAll(ids(sessions)));
      awaitListening(b);
      assertThat(b.settings().changeStamp())
          .as("settings changes may have been missed: B reads them again")
          .isNotEqualTo(stamp);
    }
  }

  @Test
  void aSettingsChangeSavedOnOneNodeIsHeardByTheOtherNodes() {
    long[] before = new long[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      before[i] = nodes[i].settings().changeStamp();
    }
    SettingsStore.Stored stored = nodes[0].settings().load();

    nodes[0].settings().save(Map.of("SESSIONS_PER_USER", "3"), stored.version());

    Await.until(
        "nodes B and C hear of the change",
        PROPAGATION,
        () ->
            nodes[1].settings().changeStamp() != before[1]
                && nodes[2].settings().changeStamp() != before[2]);
    assertThat(nodes[0].settings().changeStamp()).as("A skips its own notice").isEqualTo(before[0]);
  }

  @Test
  void fortyFiveSimultaneousLoginsOverThreeNodesUnderDenyAccessAdmitExactlyOneTenTimesOver()
      throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    for (int round = 0; round < 10; round++) {
      String user = "deny-burst-" + round;
      int r = round;

      List<OpenResult> results =
          Burst.run(
              45,
              i ->
                  nodes[i % 3]
                      .sessions()
                      .open(candidate(user, "10.3." + r + "." + i, T0, policy), policy));

      assertThat(results)
          .as("round %d", round)
          .filteredOn(o -> o instanceof OpenResult.Opened)
          .hasSize(1);
      for (JdbcStore node : nodes) {
        assertThat(node.sessions().liveSessionsOfUser(user, T0)).hasSize(1);
      }
    }
  }

  @Test
  void afterFortyFiveSimultaneousEvictingLoginsOverThreeNodesExactlyOneTokenWorksOnEveryNode()
      throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DESTROY_OLDEST_SESSION);
    for (int round = 0; round < 5; round++) {
      String user = "evict-burst-" + round;
      int r = round;
      // Every node has the user's earlier session in its cache when the burst starts.
      Session earlier = opened(nodes[0], candidate(user, "10.4." + r + ".100", T0, policy), policy);
      for (JdbcStore node : nodes) {
        assertThat(node.sessions().touch(earlier.tokenHash(), T0.plusSeconds(1), IDLE))
            .isInstanceOf(Lookup.Live.class);
      }

      List<OpenResult> results =
          Burst.run(
              45,
              i ->
                  nodes[i % 3]
                      .sessions()
                      .open(
                          candidate(user, "10.4." + r + "." + i, T0.plusSeconds(2), policy),
                          policy));

      List<Session> opened = new ArrayList<>(List.of(earlier));
      results.forEach(o -> opened.add(((OpenResult.Opened) o).session()));
      Set<String> live =
          nodes[2].sessions().liveSessionsOfUser(user, T0.plusSeconds(2)).stream()
              .map(Session::id)
              .collect(Collectors.toSet());
      assertThat(live).as("round %d", round).hasSize(1);
      for (JdbcStore node : nodes) {
        Await.until(
            "exactly the one live token works on node " + node.nodeId(),
            PROPAGATION,
            () ->
                opened.stream()
                    .filter(
                        s ->
                            node.sessions().find(s.tokenHash(), T0.plusSeconds(3))
                                instanceof Lookup.Live)
                    .map(Session::id)
                    .collect(Collectors.toSet())
                    .equals(live));
      }
    }
  }

  @ParameterizedTest(name = "{0} sessions")
  @ValueSource(ints = {3, 20})
  void theSessionsALoginEndsAreHeardOnEveryOtherNode(int sessions) {
    JdbcStore a = nodes[0];
    List<Session> heardOnB = new CopyOnWriteArrayList<>();
    subscriptions.add(nodes[1].sessions().subscribe(heardOnB::add));
    String user = "crowded-" + sessions;
    QuotaPolicy roomy = userLimit(sessions, ExhaustionAction.DESTROY_OLD_SESSIONS);
    List<Session> earlier = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      earlier.add(opened(a, candidate(user, "10.6.0." + i, T0, roomy), roomy));
    }
    QuotaPolicy single = userLimit(1, ExhaustionAction.DESTROY_OLD_SESSIONS);

    OpenResult result =
        a.sessions().open(candidate(user, "10.6.1.1", T0.plusSeconds(1), single), single);

    assertThat(((OpenResult.Opened) result).ended())
        .extracting(Session::id)
        .containsExactlyInAnyOrderElementsOf(ids(earlier));
    Await.until(
        "node B hears of every end", PROPAGATION, () -> ids(heardOnB).containsAll(ids(earlier)));
    assertThat(heardOnB)
        .filteredOn(s -> s.user().equals(user))
        .allSatisfy(s -> assertThat(s.end().reason()).isEqualTo(EndReason.SESSION_LIMIT_REACHED));
    assertThat(a.sessions().liveSessionsOfUser(user, T0.plusSeconds(1))).hasSize(1);
  }

  @Test
  void aPurgeOfTwoHundredLongIdsOnOneNodeIsHeardEverywhere() {
    JdbcStore a = nodes[0];
    List<Session> heardOnC = new CopyOnWriteArrayList<>();
    subscriptions.add(nodes[2].sessions().subscribe(heardOnC::add));
    // Long ids: 50 KB of them, more than any one notification could carry.
    Instant long_ago = T0.minus(Duration.ofDays(2));
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Session s = candidate("purged-frank", "10.5.0." + i, long_ago, unlimited());
      String id = String.format("%03d-", i) + "x".repeat(240) + "-" + s.id();
      sessions.add(
          opened(
              a,
              new Session(
                  id.substring(0, JdbcLogins.MAX_KEY_LENGTH),
                  s.tokenHash(),
                  s.user(),
                  s.clientIp(),
                  s.userAgent(),
                  s.device(),
                  s.authMethod(),
                  s.createdAt(),
                  s.lastSeenAt(),
                  s.expiresAt(),
                  s.absoluteExpiresAt(),
                  null)));
    }
    SessionStore.PurgeResult result = a.sessions().purge(long_ago.plus(IDLE).plusSeconds(1));

    assertThat(result.expired()).isEqualTo(sessions.size());
    Await.until(
        "node C hears of every expiry",
        PROPAGATION,
        () -> ids(heardOnC).containsAll(ids(sessions)));
    assertThat(heardOnC)
        .filteredOn(s -> s.user().equals("purged-frank"))
        .allSatisfy(s -> assertThat(s.end().reason()).isEqualTo(EndReason.IDLE_TIMEOUT));
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

  private static void awaitListening(JdbcStore node) {
    Await.until("node " + node.nodeId() + " listens", RECONNECT, () -> node.cache().trusted());
  }

  private static List<String> ids(List<Session> sessions) {
    return sessions.stream().map(Session::id).toList();
  }
}
