package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.unlimited;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.Burst;
import dev.sessionlimits.core.EndCause;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.Fixtures;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Scope;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SessionToken;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.core.TokenHash;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the JDBC store does beyond the session store contract, on each database: users, settings and
 * the audit log, purge in batches, the quota lock rows, exact instants, and failures. Each test
 * gets an empty database behind a pool of its own, and a store with a purge batch of {@value
 * #BATCH}.
 */
abstract class AbstractJdbcStoreTest {

  static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  static final String IP_A = "203.0.113.7";
  static final String IP_B = "198.51.100.4";
  static final int BATCH = 3;

  HikariDataSource pool;
  JdbcStore store;
  SessionStore sessions;
  UserStore users;
  SettingsStore settings;
  AuditLog audit;
  final List<Session> announced = new CopyOnWriteArrayList<>();

  /** A pool on an empty database (migrated or not), for one test. */
  abstract HikariDataSource emptyDatabase() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    pool = emptyDatabase();
    store = JdbcStore.using(pool, BATCH);
    sessions = store.sessions();
    users = store.users();
    settings = store.settings();
    audit = store.audit();
    sessions.subscribe(announced::add);
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
    if (pool != null) {
      pool.close();
    }
  }

  // ---- users

  @Test
  void createsFindsUpdatesAndDeletesAUser() {
    User alice =
        new User(
            "alice", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", false, false, null, T0, T0);

    assertThat(users.create(alice)).isTrue();
    assertThat(users.find("alice")).contains(alice);

    User promoted = new User("alice", alice.passwordHash(), true, false, 3, T0, T0.plusSeconds(60));
    assertThat(users.update(promoted)).isTrue();
    assertThat(users.find("alice")).contains(promoted);

    assertThat(users.delete("alice")).isTrue();
    assertThat(users.find("alice")).isEmpty();
  }

  @Test
  void refusesToCreateAUserWhoseNameIsTaken() {
    assertThat(users.create(new User("alice", null, false, false, null, T0, T0))).isTrue();

    assertThat(users.create(new User("alice", null, true, false, 1, T0, T0))).isFalse();
    assertThat(users.find("alice")).hasValueSatisfying(u -> assertThat(u.admin()).isFalse());
  }

  @Test
  void updatingOrDeletingAMissingUserReturnsFalse() {
    assertThat(users.update(new User("ghost", null, false, false, null, T0, T0))).isFalse();
    assertThat(users.delete("ghost")).isFalse();
    assertThat(users.find("ghost")).isEmpty();
  }

  @Test
  void listsUsersByNameWithEveryField() {
    Instant precise = T0.plusNanos(123_456_000);
    User carol = new User("carol", "hash-c", true, false, -1, precise, precise.plusSeconds(1));
    User bobInCapitals = new User("Bob", null, false, true, 100_000, T0, T0);
    User alice = new User("alice", "hash-a", false, false, null, T0, T0);
    users.create(carol);
    users.create(alice);
    users.create(bobInCapitals);

    assertThat(users.list()).containsExactly(bobInCapitals, alice, carol);
  }

  // ---- settings

  @Test
  void startsWithNoSettingsAtVersionZero() {
    assertThat(settings.load()).isEqualTo(new SettingsStore.Stored(Map.of(), 0));
  }

  @Test
  void savesChangesOnTopOfWhatIsStoredAndBumpsTheVersion() {
    SettingsStore.Stored first =
        settings.save(
            Map.of("SESSIONS_PER_USER", "3", "QUOTA_EXHAUSTION_ACTION", "DENY_ACCESS"), 0);
    SettingsStore.Stored second = settings.save(Map.of("SESSIONS_PER_USER", "5"), first.version());

    assertThat(first.version()).isEqualTo(1);
    assertThat(second)
        .isEqualTo(
            new SettingsStore.Stored(
                Map.of("SESSIONS_PER_USER", "5", "QUOTA_EXHAUSTION_ACTION", "DENY_ACCESS"), 2));
    assertThat(settings.load()).isEqualTo(second);
  }

  @Test
  void aNullValueForgetsWhatIsStoredUnderThatName() {
    SettingsStore.Stored first =
        settings.save(Map.of("SESSIONS_PER_USER", "3", "SESSIONS_PER_IP", "7"), 0);
    Map<String, String> back = new HashMap<>();
    back.put("SESSIONS_PER_USER", null);

    SettingsStore.Stored second = settings.save(back, first.version());

    assertThat(second).isEqualTo(new SettingsStore.Stored(Map.of("SESSIONS_PER_IP", "7"), 2));
    assertThat(settings.load()).isEqualTo(second);
  }

  @Test
  void refusesASaveAgainstAStaleVersionAndWritesNothing() {
    settings.save(Map.of("SESSIONS_PER_USER", "3"), 0);

    assertThatThrownBy(
            () -> settings.save(Map.of("SESSIONS_PER_USER", "9", "SESSIONS_PER_IP", "9"), 0))
        .isInstanceOf(SettingsStore.ConcurrentSettingsChangeException.class)
        .hasMessageContaining("expected version 0, found 1");
    assertThat(settings.load())
        .isEqualTo(new SettingsStore.Stored(Map.of("SESSIONS_PER_USER", "3"), 1));
  }

  @Test
  void letsExactlyOneOfManySimultaneousSavesAtOneVersionWin() throws Exception {
    int threads = 16;

    List<Object> outcomes =
        Burst.run(
            threads,
            i -> {
              try {
                return settings.save(Map.of("SESSIONS_PER_USER", Integer.toString(i + 1)), 0);
              } catch (SettingsStore.ConcurrentSettingsChangeException e) {
                return e;
              }
            });

    assertThat(outcomes).filteredOn(o -> o instanceof SettingsStore.Stored).hasSize(1);
    assertThat(outcomes)
        .filteredOn(o -> o instanceof SettingsStore.ConcurrentSettingsChangeException)
        .hasSize(threads - 1);
    assertThat(settings.load().version()).isEqualTo(1);
  }

  // ---- audit

  @Test
  void recordsAuditEventsWithGrowingIdsAndListsThemNewestFirst() {
    List<AuditEvent> recorded = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      recorded.add(
          audit.record(
              new AuditEvent(
                  0, T0.plusSeconds(i), "login", "alice", IP_A, "alice", "s" + i, null)));
    }

    assertThat(recorded).extracting(AuditEvent::id).isSorted().doesNotHaveDuplicates();
    assertThat(recorded.get(0).id()).isPositive();
    assertThat(audit.recent(3, 0))
        .containsExactly(recorded.get(4), recorded.get(3), recorded.get(2));
    assertThat(audit.recent(10, recorded.get(2).id()))
        .containsExactly(recorded.get(1), recorded.get(0));
    assertThat(audit.recent(0, 0)).isEmpty();
  }

  @Test
  void keepsEveryFieldOfAnAuditEvent() {
    AuditEvent change =
        audit.record(
            new AuditEvent(
                0,
                T0.plusNanos(987_654_000),
                "settings_changed",
                "admin",
                "2001:db8::1",
                "SESSIONS_PER_USER",
                null,
                "{\"old\":\"-1\",\"new\":\"3\"}"));
    AuditEvent system =
        audit.record(new AuditEvent(0, T0, "session_expired", null, null, null, "s-1", null));

    assertThat(audit.recent(2, 0)).containsExactly(system, change);
    assertThat(system.details()).isEqualTo("{}");
  }

  @Test
  void recordsALoginAndItsEvictionsInOneTransactionInTheirOrder() {
    AuditEvent before =
        audit.record(
            new AuditEvent(
                0, T0, "login_failed", null, IP_A, "alice", null, "{\"known_user\":true}"));
    Instant at = T0.plusNanos(987_654_321);
    List<AuditEvent> events =
        List.of(
            new AuditEvent(0, at, "session_evicted", null, IP_B, "alice", "s-1", "{\"limit\":1}"),
            new AuditEvent(0, at, "session_evicted", null, IP_B, "alice", "s-2", "{\"limit\":1}"),
            new AuditEvent(
                0,
                at,
                "login",
                "alice",
                IP_B,
                "alice",
                "s-3",
                "{\"ended_sessions\":[\"s-1\",\"s-2\"]}"));

    List<AuditEvent> recorded = audit.recordAll(events);

    assertThat(recorded).extracting(AuditEvent::sessionId).containsExactly("s-1", "s-2", "s-3");
    assertThat(recorded)
        .extracting(AuditEvent::id)
        .isSorted()
        .doesNotHaveDuplicates()
        .allMatch(id -> id > before.id());
    for (int i = 0; i < events.size(); i++) {
      AuditEvent expected = events.get(i);
      assertThat(recorded.get(i))
          .isEqualTo(
              new AuditEvent(
                  recorded.get(i).id(),
                  T0.plusNanos(987_654_000),
                  expected.type(),
                  expected.actor(),
                  expected.clientIp(),
                  expected.subject(),
                  expected.sessionId(),
                  expected.details()));
    }
    assertThat(audit.recent(10, 0))
        .containsExactly(recorded.get(2), recorded.get(1), recorded.get(0), before);
  }

  @ParameterizedTest(name = "{0} events")
  @ValueSource(ints = {2, 1001})
  void recordsAllTheEventsOfOneCallInTheirOrder(int count) {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(new AuditEvent(0, T0, "session_evicted", null, IP_B, "alice", "s-" + i, null));
    }

    List<AuditEvent> recorded = audit.recordAll(events);

    assertThat(recorded)
        .extracting(AuditEvent::sessionId)
        .containsExactlyElementsOf(events.stream().map(AuditEvent::sessionId).toList());
    assertThat(recorded).extracting(AuditEvent::id).isSorted().doesNotHaveDuplicates();
    List<String> newestFirst = new ArrayList<>(events.stream().map(AuditEvent::sessionId).toList());
    Collections.reverse(newestFirst);
    assertThat(audit.recent(count, 0))
        .extracting(AuditEvent::sessionId)
        .containsExactlyElementsOf(newestFirst);
  }

  @ParameterizedTest(name = "{0} events")
  @ValueSource(ints = {2, 1001})
  void recordsNoneOfTheEventsOfOneCallWhenOneOfThemCannotBeWritten(int count) throws SQLException {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      events.add(new AuditEvent(0, T0, "session_evicted", null, IP_B, "alice", "s-" + i, null));
    }
    events.add(new AuditEvent(0, T0, "boom", "alice", IP_B, "alice", "s-boom", null));
    execute(
        "ALTER TABLE sl_audit_events ADD CONSTRAINT sl_test_refuses_boom"
            + " CHECK (event_type <> 'boom')");
    try {
      assertThatThrownBy(() -> audit.recordAll(events))
          .isInstanceOf(StoreErrorException.class)
          .hasMessageContaining("Could not record " + count + " audit events (session_evicted, ");
      assertThat(audit.recent(10, 0)).isEmpty();

      assertThat(audit.recordAll(List.of(events.get(0))))
          .singleElement()
          .satisfies(e -> assertThat(e.id()).isPositive());
      assertThat(audit.recordAll(List.of())).isEmpty();
      assertThat(audit.recent(10, 0)).extracting(AuditEvent::sessionId).containsExactly("s-1");
    } finally {
      execute("ALTER TABLE sl_audit_events DROP CONSTRAINT sl_test_refuses_boom");
    }
  }

  // ---- sessions, beyond the contract

  @Test
  void anEvictionRecordsTheWholeCauseIncludingTheLoginsDevice() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DESTROY_OLDEST_SESSION);
    Session first = opened(candidate("alice", IP_A, T0, policy));
    Session second =
        Session.open(
            "s-second",
            TokenHash.of("second"),
            new LoginAttempt(
                "alice",
                IP_B,
                "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
                "work laptop",
                "password"),
            T0.plusSeconds(42),
            policy);
    sessions.open(second, policy);

    assertThat(sessions.get(first.id()))
        .hasValueSatisfying(
            s -> {
              assertThat(s.end().reason()).isEqualTo(EndReason.SESSION_LIMIT_REACHED);
              assertThat(s.end().at()).isEqualTo(T0.plusSeconds(42));
              assertThat(s.end().cause()).isEqualTo(EndCause.limitReached(Scope.USER, 1, second));
            });
    assertThat(announced).extracting(Session::id).containsExactly(first.id());
  }

  @Test
  void keepsInstantsToTheMicrosecond() {
    QuotaPolicy policy =
        new QuotaPolicy(-1, -1, ExhaustionAction.DENY_ACCESS, IDLE, Duration.ofHours(8));
    Session precise = candidate("alice", IP_A, T0.plusNanos(123_456_789), policy);

    Session stored = opened(precise);

    assertThat(stored.createdAt()).isEqualTo(T0.plusNanos(123_456_000));
    assertThat(stored.absoluteExpiresAt())
        .isEqualTo(T0.plusNanos(123_456_000).plus(Duration.ofHours(8)));
    assertThat(sessions.get(precise.id())).contains(stored);
    Lookup touched = sessions.touch(precise.tokenHash(), T0.plusSeconds(5).plusNanos(1_001), IDLE);
    assertThat(sessions.get(precise.id())).contains(((Lookup.Live) touched).session());
  }

  @Test
  void storesTheTokensHashAndNeverTheToken() throws SQLException {
    SessionToken token = SessionToken.generate(new SecureRandom());
    QuotaPolicy policy = unlimited();
    opened(
        Session.open(
            "s-token", token.hash(), LoginAttempt.password("alice", IP_A, "curl"), T0, policy));

    List<String> values = new ArrayList<>();
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT * FROM sl_sessions")) {
      while (rows.next()) {
        for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
          values.add(rows.getString(column));
        }
      }
    }
    assertThat(values)
        .contains(token.hash().hex())
        .noneMatch(v -> v != null && v.contains(token.secret()));
  }

  @ParameterizedTest(name = "user limit {0}")
  @CsvSource({"-1", "1"})
  void refusesASecondSessionWithTheSameTokenNamingOnlyTheHashPrefix(int userLimit) {
    QuotaPolicy policy =
        Fixtures.policy(userLimit, QuotaPolicy.UNLIMITED, ExhaustionAction.DESTROY_NEXT_EXPIRING);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);
    Session copy =
        new Session(
            "s-copy",
            first.tokenHash(),
            "bob",
            IP_B,
            "",
            null,
            "password",
            T0,
            T0,
            T0.plus(IDLE),
            null,
            null);

    assertThatThrownBy(() -> sessions.open(copy, policy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(first.tokenHash().prefix())
        .hasMessageNotContaining(first.tokenHash().hex());
    assertThat(sessions.get("s-copy")).isEmpty();
  }

  @Test
  void purgeWorksThroughMoreExpiredSessionsAndTombstonesThanOneBatch() {
    QuotaPolicy policy = unlimited();
    List<Session> made = new ArrayList<>();
    for (int i = 0; i < 2 * BATCH + 1; i++) {
      made.add(opened(candidate("user" + i, "10.0.3." + i, T0, policy)));
    }
    Instant expired = T0.plus(IDLE).plusSeconds(1);

    SessionStore.PurgeResult first = sessions.purge(expired);
    SessionStore.PurgeResult again = sessions.purge(expired);
    SessionStore.PurgeResult weekLater =
        sessions.purge(T0.plus(IDLE).plus(SessionStore.TOMBSTONE_RETENTION));

    assertThat(first).isEqualTo(new SessionStore.PurgeResult(made.size(), 0));
    assertThat(again).isEqualTo(new SessionStore.PurgeResult(0, 0));
    assertThat(weekLater).isEqualTo(new SessionStore.PurgeResult(0, made.size()));
    assertThat(announced)
        .extracting(Session::id)
        .containsExactlyInAnyOrderElementsOf(made.stream().map(Session::id).toList());
    assertThat(announced)
        .allSatisfy(s -> assertThat(s.end().reason()).isEqualTo(EndReason.IDLE_TIMEOUT));
  }

  @Test
  void purgeDropsHourOldQuotaLockRowsOfSubjectsWithoutLiveSessionsAndLoginsMakeThemAgain()
      throws SQLException {
    QuotaPolicy policy = Fixtures.policy(1, 5, ExhaustionAction.DENY_ACCESS);
    Session alices = opened(candidate("alice", IP_A, T0, policy), policy);
    opened(candidate("bob", IP_B, T0, policy), policy);
    sessions.end(alices.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(1)));
    List<String> all = List.of("ip:" + IP_A, "user:alice", "ip:" + IP_B, "user:bob");

    sessions.purge(T0.plus(SessionPurge.LOCK_ROW_AGE).minusSeconds(1));
    assertThat(lockRows())
        .as("rows younger than an hour stay")
        .containsExactlyInAnyOrderElementsOf(all);

    Instant later = T0.plus(SessionPurge.LOCK_ROW_AGE);
    opened(candidate("bob", IP_B, later.minusSeconds(10), policy), policy);
    sessions.purge(later);
    assertThat(lockRows())
        .as("bob and his address have a live session")
        .containsExactlyInAnyOrder("ip:" + IP_B, "user:bob");

    opened(candidate("alice", IP_A, later, policy), policy);
    assertThat(sessions.open(candidate("alice", IP_A, later.plusSeconds(1), policy), policy))
        .isInstanceOf(OpenResult.Refused.class);
    assertThat(lockRows()).containsExactlyInAnyOrderElementsOf(all);
  }

  @Test
  void limitsStayExactWhilePurgeRunsAlongsideABurstOfLogins() throws Exception {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DENY_ACCESS);
    AtomicBoolean bursting = new AtomicBoolean(true);
    AtomicInteger purges = new AtomicInteger();
    Thread purger =
        new Thread(
            () -> {
              while (bursting.get()) {
                sessions.purge(T0);
                purges.incrementAndGet();
              }
            });
    purger.start();
    List<OpenResult> results;
    try {
      results =
          Burst.run(32, i -> sessions.open(candidate("alice", "10.0.6." + i, T0, policy), policy));
    } finally {
      bursting.set(false);
      purger.join();
    }

    assertThat(purges.get()).isPositive();
    assertThat(results).filteredOn(r -> r instanceof OpenResult.Opened).hasSize(2);
    assertThat(sessions.liveSessionsOfUser("alice", T0)).hasSize(2);
  }

  @Test
  void aLoginWaitsWhileAnotherTransactionHoldsItsUsersQuotaLock() throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session earlier = opened(candidate("alice", IP_A, T0, policy), policy);
    sessions.end(earlier.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0));

    CompletableFuture<OpenResult> login;
    try (Connection holder = pool.getConnection()) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock =
          holder.prepareStatement(
              "SELECT subject FROM sl_quota_locks WHERE scope = 'user' AND subject = 'alice' FOR"
                  + " UPDATE")) {
        assertThat(lock.executeQuery().next()).isTrue();
      }
      login =
          CompletableFuture.supplyAsync(
              () -> sessions.open(candidate("alice", IP_A, T0.plusSeconds(1), policy), policy));
      awaitALockWaitOn(holder, login);
      holder.commit();
    }

    assertThat(login.get(10, TimeUnit.SECONDS)).isInstanceOf(OpenResult.Opened.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"user", "ip"})
  void aLoginThatWaitedForAQuotaLockCountsTheSessionItsHolderCommitted(String scope)
      throws Exception {
    QuotaPolicy policy =
        scope.equals("user")
            ? userLimit(1, ExhaustionAction.DENY_ACCESS)
            : Fixtures.policy(QuotaPolicy.UNLIMITED, 1, ExhaustionAction.DENY_ACCESS);
    Session earlier = opened(candidate("alice", IP_A, T0, policy), policy);
    sessions.end(earlier.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0));
    String subject = scope.equals("user") ? "alice" : IP_A;
    Session holders = candidate(scope.equals("user") ? "alice" : "bob", IP_A, T0, policy);

    CompletableFuture<OpenResult> login;
    try (Connection holder = pool.getConnection()) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock =
          holder.prepareStatement(
              "SELECT subject FROM sl_quota_locks WHERE scope = ? AND subject = ? FOR UPDATE")) {
        lock.setString(1, scope);
        lock.setString(2, subject);
        assertThat(lock.executeQuery().next()).isTrue();
      }
      login =
          CompletableFuture.supplyAsync(
              () -> sessions.open(candidate("alice", IP_A, T0.plusSeconds(1), policy), policy));
      awaitALockWaitOn(holder, login);
      insertRow(holder, holders);
      holder.commit();
    }

    assertThat(login.get(10, TimeUnit.SECONDS)).isInstanceOf(OpenResult.Refused.class);
    assertThat(sessions.liveSessionsFrom(IP_A, T0.plusSeconds(1)))
        .extracting(Session::id)
        .containsExactly(holders.id());
  }

  @Test
  void anEvictionOfASessionThatEndedWhileTheLoginWaitedForItsRowIsNotTheLoginsAndItOpens()
      throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DESTROY_NEXT_EXPIRING);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);

    CompletableFuture<OpenResult> login;
    try (Connection other = pool.getConnection()) {
      other.setAutoCommit(false);
      try (PreparedStatement end =
          other.prepareStatement(
              "UPDATE sl_sessions SET ended_at = ?," + " end_reason = 'logged_out' WHERE id = ?")) {
        end.setObject(1, OffsetDateTime.ofInstant(T0, ZoneOffset.UTC));
        end.setString(2, first.id());
        assertThat(end.executeUpdate()).isOne();
      }
      login =
          CompletableFuture.supplyAsync(
              () -> sessions.open(candidate("alice", IP_B, T0.plusSeconds(1), policy), policy));
      awaitALockWaitOn(other, login);
      other.commit();
    }

    OpenResult result = login.get(10, TimeUnit.SECONDS);
    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    assertThat(((OpenResult.Opened) result).ended()).isEmpty();
    assertThat(sessions.get(first.id()))
        .hasValueSatisfying(s -> assertThat(s.end().reason()).isEqualTo(EndReason.LOGGED_OUT));
    assertThat(announced).isEmpty();
    assertThat(sessions.liveSessionsOfUser("alice", T0.plusSeconds(1))).hasSize(1);
  }

  @Test
  void aLoginThatFindsAnExpiredSessionExtendedBeforeItCouldRecordTheExpiryCountsItAgain()
      throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);
    Instant lastSeen = T0.plus(IDLE).minusSeconds(1);
    Instant extended = lastSeen.plus(IDLE);
    Instant afterExpiry = T0.plus(IDLE).plusSeconds(1);

    CompletableFuture<OpenResult> login;
    try (Connection toucher = pool.getConnection()) {
      toucher.setAutoCommit(false);
      try (PreparedStatement touch =
          toucher.prepareStatement(
              "UPDATE sl_sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?")) {
        touch.setObject(1, OffsetDateTime.ofInstant(lastSeen, ZoneOffset.UTC));
        touch.setObject(2, OffsetDateTime.ofInstant(extended, ZoneOffset.UTC));
        touch.setString(3, first.id());
        assertThat(touch.executeUpdate()).isOne();
      }
      login =
          CompletableFuture.supplyAsync(
              () -> sessions.open(candidate("alice", IP_B, afterExpiry, policy), policy));
      awaitALockWaitOn(toucher, login);
      toucher.commit();
    }

    assertThat(login.get(10, TimeUnit.SECONDS)).isInstanceOf(OpenResult.Refused.class);
    assertThat(sessions.liveSessionsOfUser("alice", afterExpiry))
        .extracting(Session::expiresAt)
        .containsExactly(extended);
    assertThat(announced).isEmpty();
  }

  @Test
  void aLoginThatNoLimitConstrainsNeitherLocksNorWaits() throws Exception {
    QuotaPolicy limited = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session earlier = opened(candidate("alice", IP_A, T0, limited), limited);
    sessions.end(earlier.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0));

    try (Connection holder = pool.getConnection()) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock =
          holder.prepareStatement(
              "SELECT subject FROM sl_quota_locks WHERE subject IN ('alice', '"
                  + IP_A
                  + "') FOR UPDATE")) {
        assertThat(lock.executeQuery().next()).isTrue();
      }
      OpenResult result =
          CompletableFuture.supplyAsync(
                  () ->
                      sessions.open(
                          candidate("alice", IP_A, T0.plusSeconds(1), unlimited()), unlimited()))
              .get(10, TimeUnit.SECONDS);
      assertThat(result).isInstanceOf(OpenResult.Opened.class);
      holder.rollback();
    }
  }

  @Test
  void databaseFailuresBecomeStoreUnavailableNamingTheWorkAndTheCause() {
    QuotaPolicy policy = unlimited();
    Session session = opened(candidate("alice", IP_A, T0, policy));
    pool.close();

    assertThatThrownBy(() -> sessions.open(candidate("alice", IP_B, T0, policy), policy))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("Could not open session")
        .hasMessageContaining("of user alice from " + IP_B)
        .hasCauseInstanceOf(SQLException.class);
    assertThatThrownBy(() -> sessions.touch(session.tokenHash(), T0, IDLE))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("token " + session.tokenHash().prefix())
        .hasMessageNotContaining(session.tokenHash().hex());
    assertThatThrownBy(() -> sessions.purge(T0)).isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> users.find("alice")).isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(settings::load).isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> audit.recent(10, 0)).isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void aProgrammingErrorIsAStoreErrorNotAnOutageAndLeavesTheStoreServing() throws SQLException {
    QuotaPolicy policy = unlimited();
    Session session = opened(candidate("alice", IP_A, T0, policy));
    execute("ALTER TABLE sl_users RENAME COLUMN is_admin TO is_admin_renamed");
    try {
      assertThatThrownBy(() -> users.find("alice"))
          .isInstanceOf(StoreErrorException.class)
          .isNotInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("Could not ")
          .hasCauseInstanceOf(SQLException.class);
      assertThatThrownBy(users::list).isInstanceOf(StoreErrorException.class);
      assertThat(store.isHealthy()).as("healthy after a programming error").isTrue();
      assertThat(sessions.find(session.tokenHash(), T0)).isInstanceOf(Lookup.Live.class);
    } finally {
      execute("ALTER TABLE sl_users RENAME COLUMN is_admin_renamed TO is_admin");
    }
  }

  @Test
  void isHealthyWhileTheDatabaseAnswersAndUnhealthyWithoutThrowingOnceItCannot() {
    assertThat(store.isHealthy()).isTrue();

    pool.close();

    long start = System.nanoTime();
    assertThat(store.isHealthy()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  // ---- helpers

  /** Opens {@code candidate} with no limits; its timeouts are already in it. */
  Session opened(Session candidate) {
    return opened(candidate, unlimited());
  }

  Session opened(Session candidate, QuotaPolicy policy) {
    OpenResult result = sessions.open(candidate, policy);
    assertThat(result).as("opening %s", candidate.id()).isInstanceOf(OpenResult.Opened.class);
    return ((OpenResult.Opened) result).session();
  }

  /**
   * Waits until another connection is waiting for a lock that {@code holder}'s transaction holds
   * (PostgreSQL: {@code pg_blocking_pids}; H2: {@code INFORMATION_SCHEMA.SESSIONS.BLOCKER_ID}), and
   * checks that {@code waiter} is still not done, so the race a test names is the one it runs.
   * Fails if the waiter finishes, or nobody waits within ten seconds.
   */
  void awaitALockWaitOn(Connection holder, CompletableFuture<?> waiter) throws SQLException {
    boolean postgres = Dialect.of(holder) == Dialect.POSTGRESQL;
    long holderId;
    try (Statement statement = holder.createStatement();
        ResultSet rows =
            statement.executeQuery(
                postgres ? "SELECT pg_backend_pid() AS id" : "SELECT SESSION_ID() AS id")) {
      rows.next();
      holderId = rows.getLong("id");
    }
    String waiters =
        postgres
            ? "SELECT COUNT(*) AS waiters FROM pg_stat_activity WHERE ? = ANY"
                + " (pg_blocking_pids(pid))"
            : "SELECT COUNT(*) AS waiters FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID = ?";
    Await.until(
        "a connection waits for a lock held by " + holderId,
        Duration.ofSeconds(10),
        () -> {
          assertThat(waiter).as("the waiter, which must wait for the holder's lock").isNotDone();
          try (Connection connection = pool.getConnection();
              PreparedStatement select = connection.prepareStatement(waiters)) {
            if (postgres) {
              select.setInt(1, (int) holderId);
            } else {
              select.setLong(1, holderId);
            }
            try (ResultSet rows = select.executeQuery()) {
              rows.next();
              return rows.getLong("waiters") > 0;
            }
          } catch (SQLException e) {
            throw new AssertionError(e);
          }
        });
    assertThat(waiter).isNotDone();
  }

  /** Inserts {@code session} as a row of {@code sl_sessions} on {@code connection}. */
  static void insertRow(Connection connection, Session session) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO sl_sessions (id, token_hash, user_name, client_ip, user_agent,"
                + " auth_method, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?)")) {
      insert.setString(1, session.id());
      insert.setString(2, session.tokenHash().hex());
      insert.setString(3, session.user());
      insert.setString(4, session.clientIp());
      insert.setString(5, session.userAgent());
      insert.setString(6, session.authMethod());
      insert.setObject(7, OffsetDateTime.ofInstant(session.createdAt(), ZoneOffset.UTC));
      insert.setObject(8, OffsetDateTime.ofInstant(session.lastSeenAt(), ZoneOffset.UTC));
      insert.setObject(9, OffsetDateTime.ofInstant(session.expiresAt(), ZoneOffset.UTC));
      insert.executeUpdate();
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  List<String> lockRows() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT scope, subject FROM sl_quota_locks")) {
      while (result.next()) {
        rows.add(result.getString(1) + ":" + result.getString(2));
      }
    }
    return rows;
  }
}
