package dev.sessionlimits.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.Burst;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.User;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Users, settings and the audit log on the JDBC store. Part of {@link AbstractJdbcStoreTest}. */
interface JdbcRecordsTests extends JdbcStoreUnderTest {

  @Test
  default void createsFindsUpdatesAndDeletesAUser() {
    User alice =
        new User(
            "alice", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", false, false, null, T0, T0);

    assertThat(users().create(alice)).isTrue();
    assertThat(users().find("alice")).contains(alice);

    User promoted = new User("alice", alice.passwordHash(), true, false, 3, T0, T0.plusSeconds(60));
    assertThat(users().update(promoted)).isTrue();
    assertThat(users().find("alice")).contains(promoted);

    assertThat(users().delete("alice")).isTrue();
    assertThat(users().find("alice")).isEmpty();
  }

  @Test
  default void refusesToCreateAUserWhoseNameIsTaken() {
    assertThat(users().create(new User("alice", null, false, false, null, T0, T0))).isTrue();

    assertThat(users().create(new User("alice", null, true, false, 1, T0, T0))).isFalse();
    assertThat(users().find("alice")).hasValueSatisfying(u -> assertThat(u.admin()).isFalse());
  }

  @Test
  default void updatingOrDeletingAMissingUserReturnsFalse() {
    assertThat(users().update(new User("ghost", null, false, false, null, T0, T0))).isFalse();
    assertThat(users().delete("ghost")).isFalse();
    assertThat(users().find("ghost")).isEmpty();
  }

  @Test
  default void listsUsersByNameWithEveryField() {
    Instant precise = T0.plusNanos(123_456_000);
    User carol = new User("carol", "hash-c", true, false, -1, precise, precise.plusSeconds(1));
    User bobInCapitals = new User("Bob", null, false, true, 100_000, T0, T0);
    User alice = new User("alice", "hash-a", false, false, null, T0, T0);
    users().create(carol);
    users().create(alice);
    users().create(bobInCapitals);

    assertThat(users().list()).containsExactly(bobInCapitals, alice, carol);
  }

  // ---- settings

  @Test
  default void startsWithNoSettingsAtVersionZero() {
    assertThat(settings().load()).isEqualTo(new SettingsStore.Stored(Map.of(), 0));
  }

  @Test
  default void savesChangesOnTopOfWhatIsStoredAndBumpsTheVersion() {
    SettingsStore.Stored first =
        settings()
            .save(Map.of("SESSIONS_PER_USER", "3", "QUOTA_EXHAUSTION_ACTION", "DENY_ACCESS"), 0);
    SettingsStore.Stored second =
        settings().save(Map.of("SESSIONS_PER_USER", "5"), first.version());

    assertThat(first.version()).isEqualTo(1);
    assertThat(second)
        .isEqualTo(
            new SettingsStore.Stored(
                Map.of("SESSIONS_PER_USER", "5", "QUOTA_EXHAUSTION_ACTION", "DENY_ACCESS"), 2));
    assertThat(settings().load()).isEqualTo(second);
  }

  @Test
  default void aNullValueForgetsWhatIsStoredUnderThatName() {
    SettingsStore.Stored first =
        settings().save(Map.of("SESSIONS_PER_USER", "3", "SESSIONS_PER_IP", "7"), 0);
    Map<String, String> back = new HashMap<>();
    back.put("SESSIONS_PER_USER", null);

    SettingsStore.Stored second = settings().save(back, first.version());

    assertThat(second).isEqualTo(new SettingsStore.Stored(Map.of("SESSIONS_PER_IP", "7"), 2));
    assertThat(settings().load()).isEqualTo(second);
  }

  @Test
  default void refusesASaveAgainstAStaleVersionAndWritesNothing() {
    settings().save(Map.of("SESSIONS_PER_USER", "3"), 0);

    assertThatThrownBy(
            () -> settings().save(Map.of("SESSIONS_PER_USER", "9", "SESSIONS_PER_IP", "9"), 0))
        .isInstanceOf(SettingsStore.ConcurrentSettingsChangeException.class)
        .hasMessageContaining("expected version 0, found 1");
    assertThat(settings().load())
        .isEqualTo(new SettingsStore.Stored(Map.of("SESSIONS_PER_USER", "3"), 1));
  }

  @Test
  default void letsExactlyOneOfManySimultaneousSavesAtOneVersionWin() throws Exception {
    int threads = 16;

    List<Object> outcomes =
        Burst.run(
            threads,
            i -> {
              try {
                return settings().save(Map.of("SESSIONS_PER_USER", Integer.toString(i + 1)), 0);
              } catch (SettingsStore.ConcurrentSettingsChangeException e) {
                return e;
              }
            });

    assertThat(outcomes).filteredOn(o -> o instanceof SettingsStore.Stored).hasSize(1);
    assertThat(outcomes)
        .filteredOn(o -> o instanceof SettingsStore.ConcurrentSettingsChangeException)
        .hasSize(threads - 1);
    assertThat(settings().load().version()).isEqualTo(1);
  }

  // ---- audit

  @Test
  default void recordsAuditEventsWithGrowingIdsAndListsThemNewestFirst() {
    List<AuditEvent> recorded = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      recorded.add(
          audit()
              .record(
                  new AuditEvent(
                      0, T0.plusSeconds(i), "login", "alice", IP_A, "alice", "s" + i, null)));
    }

    assertThat(recorded).extracting(AuditEvent::id).isSorted().doesNotHaveDuplicates();
    assertThat(recorded.get(0).id()).isPositive();
    assertThat(audit().recent(3, 0))
        .containsExactly(recorded.get(4), recorded.get(3), recorded.get(2));
    assertThat(audit().recent(10, recorded.get(2).id()))
        .containsExactly(recorded.get(1), recorded.get(0));
    assertThat(audit().recent(0, 0)).isEmpty();
  }

  @Test
  default void keepsEveryFieldOfAnAuditEvent() {
    AuditEvent change =
        audit()
            .record(
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
        audit().record(new AuditEvent(0, T0, "session_expired", null, null, null, "s-1", null));

    assertThat(audit().recent(2, 0)).containsExactly(system, change);
    assertThat(system.details()).isEqualTo("{}");
  }

  @Test
  default void recordsALoginAndItsEvictionsInOneTransactionInTheirOrder() {
    AuditEvent before =
        audit()
            .record(
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

    List<AuditEvent> recorded = audit().recordAll(events);

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
    assertThat(audit().recent(10, 0))
        .containsExactly(recorded.get(2), recorded.get(1), recorded.get(0), before);
  }

  @ParameterizedTest(name = "{0} events")
  @ValueSource(ints = {2, 1001})
  default void recordsAllTheEventsOfOneCallInTheirOrder(int count) {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(new AuditEvent(0, T0, "session_evicted", null, IP_B, "alice", "s-" + i, null));
    }

    List<AuditEvent> recorded = audit().recordAll(events);

    assertThat(recorded)
        .extracting(AuditEvent::sessionId)
        .containsExactlyElementsOf(events.stream().map(AuditEvent::sessionId).toList());
    assertThat(recorded).extracting(AuditEvent::id).isSorted().doesNotHaveDuplicates();
    List<String> newestFirst = new ArrayList<>(events.stream().map(AuditEvent::sessionId).toList());
    Collections.reverse(newestFirst);
    assertThat(audit().recent(count, 0))
        .extracting(AuditEvent::sessionId)
        .containsExactlyElementsOf(newestFirst);
  }

  @ParameterizedTest(name = "{0} events")
  @ValueSource(ints = {2, 1001})
  default void recordsNoneOfTheEventsOfOneCallWhenOneOfThemCannotBeWritten(int count)
      throws SQLException {
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      events.add(new AuditEvent(0, T0, "session_evicted", null, IP_B, "alice", "s-" + i, null));
    }
    events.add(new AuditEvent(0, T0, "boom", "alice", IP_B, "alice", "s-boom", null));
    execute(
        "ALTER TABLE sl_audit_events ADD CONSTRAINT sl_test_refuses_boom"
            + " CHECK (event_type <> 'boom')");
    try {
      assertThatThrownBy(() -> audit().recordAll(events))
          .isInstanceOf(StoreErrorException.class)
          .hasMessageContaining("Could not record " + count + " audit events (session_evicted, ");
      assertThat(audit().recent(10, 0)).isEmpty();

      assertThat(audit().recordAll(List.of(events.get(0))))
          .singleElement()
          .satisfies(e -> assertThat(e.id()).isPositive());
      assertThat(audit().recordAll(List.of())).isEmpty();
      assertThat(audit().recent(10, 0)).extracting(AuditEvent::sessionId).containsExactly("s-1");
    } finally {
      execute("ALTER TABLE sl_audit_events DROP CONSTRAINT sl_test_refuses_boom");
    }
  }
}
