package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryAuditLogTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  private final AuditLog log = AuditLog.inMemory();

  @Test
  void recordsALoginAndItsEvictionsTogetherInTheirOrder() {
    log.record(event("login", "s-0"));
    List<AuditEvent> batch =
        List.of(
            event("session_evicted", "s-0"),
            event("session_evicted", "s-1"),
            event("login", "s-2"));

    List<AuditEvent> recorded = log.recordAll(batch);

    assertThat(recorded).extracting(AuditEvent::sessionId).containsExactly("s-0", "s-1", "s-2");
    assertThat(recorded).extracting(AuditEvent::id).containsExactly(2L, 3L, 4L);
    for (int i = 0; i < batch.size(); i++) {
      assertThat(recorded.get(i)).isEqualTo(batch.get(i).withId(recorded.get(i).id()));
    }
    assertThat(log.recent(3, 0)).containsExactly(recorded.get(2), recorded.get(1), recorded.get(0));
  }

  @Test
  void recordsNothingWhenOneOfTheEventsIsMissing() {
    List<AuditEvent> broken = Arrays.asList(event("session_evicted", "s-0"), null);

    assertThatThrownBy(() -> log.recordAll(broken))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("event 1");
    assertThat(log.recent(10, 0)).isEmpty();
    assertThat(log.record(event("login", "s-1")).id()).isEqualTo(1);
  }

  @Test
  void anEmptyListRecordsNothing() {
    assertThat(log.recordAll(List.of())).isEmpty();
    assertThat(log.recent(10, 0)).isEmpty();
  }

  @Test
  void theEventsOfOneCallGetAdjacentIdsWhileOthersRecordAtTheSameTime() throws Exception {
    int threads = 16;
    int perCall = 5;

    List<List<AuditEvent>> calls =
        Burst.run(
            threads,
            i -> {
              List<AuditEvent> mine = new ArrayList<>();
              for (int n = 0; n < 50; n++) {
                log.record(event("login_failed", "t" + i));
                List<AuditEvent> batch = new ArrayList<>();
                for (int k = 0; k < perCall; k++) {
                  batch.add(event("session_evicted", "t" + i + "-" + n + "-" + k));
                }
                mine.addAll(log.recordAll(batch));
              }
              return mine;
            });

    for (List<AuditEvent> recorded : calls) {
      for (int start = 0; start < recorded.size(); start += perCall) {
        long first = recorded.get(start).id();
        assertThat(recorded.subList(start, start + perCall))
            .extracting(AuditEvent::id)
            .containsExactly(first, first + 1, first + 2, first + 3, first + 4);
      }
    }
    assertThat(log.recent(Integer.MAX_VALUE, 0)).hasSize(threads * 50 * (perCall + 1));
  }

  @Test
  void theDefaultRecordsEachEventInTurn() {
    List<String> written = new ArrayList<>();
    AuditLog onlyRecord =
        new AuditLog() {
          @Override
          public AuditEvent record(AuditEvent event) {
            written.add(event.sessionId());
            return event.withId(written.size());
          }

          @Override
          public List<AuditEvent> recent(int limit, long beforeId) {
            return List.of();
          }
        };

    List<AuditEvent> recorded =
        onlyRecord.recordAll(List.of(event("session_evicted", "s-0"), event("login", "s-1")));

    assertThat(written).containsExactly("s-0", "s-1");
    assertThat(recorded).extracting(AuditEvent::id).containsExactly(1L, 2L);
  }

  private static AuditEvent event(String type, String sessionId) {
    return new AuditEvent(0, T0, type, "alice", "203.0.113.7", "alice", sessionId, "{}");
  }
}
