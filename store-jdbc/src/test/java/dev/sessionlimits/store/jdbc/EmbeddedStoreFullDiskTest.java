package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.StoreUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store on a file system that fills up and then has space again: a real, small {@link
 * Tmpfs}.
 */
class EmbeddedStoreFullDiskTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private static final QuotaPolicy POLICY = userLimit(3, ExhaustionAction.DENY_ACCESS);

  @TempDir Path mountPoint;

  private Tmpfs tmpfs;

  @BeforeEach
  void mountASmallTmpfs() throws Exception {
    tmpfs = Tmpfs.mount(mountPoint, "24m");
  }

  @AfterEach
  void unmount() throws Exception {
    if (tmpfs != null) {
      tmpfs.close();
    }
  }

  @Test
  void aFullDiskMakesTheStoreUnhealthyAndItServesAgainByItselfOnceThereIsSpace() throws Exception {
    Path data = mountPoint.resolve("data");
    try (JdbcStore store = JdbcStore.embedded(data)) {
      List<Session> committed = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        committed.add(opened(store, "user" + i, T0.plusSeconds(i)));
      }
      assertThat(store.isHealthy()).isTrue();

      Path filler = tmpfs.fill("filler");
      int refused = 0;
      for (int i = 0; i < 200 && refused == 0; i++) {
        try {
          committed.add(opened(store, "late" + i, T0.plusSeconds(10 + i)));
        } catch (StoreUnavailableException e) {
          refused++;
        }
      }
      assertThat(refused).as("a login refused once the disk is full").isEqualTo(1);
      assertThat(store.isHealthy()).as("healthy with a full disk").isFalse();
      long before = store.failedProbes();
      Await.until(
          "three probes failed on the full disk",
          Duration.ofSeconds(10),
          () -> store.failedProbes() >= before + 3);
      assertThat(store.isHealthy()).as("healthy with a full disk, after probes").isFalse();

      Files.delete(filler);
      Duration healed =
          Await.until(
              "the store serves again",
              Duration.ofSeconds(15),
              () -> {
                try {
                  opened(store, "after", T0.plusSeconds(300));
                  return true;
                } catch (StoreUnavailableException e) {
                  return false;
                }
              });
      assertThat(healed).isLessThan(Duration.ofSeconds(15));
      Await.until("healthy again", Duration.ofSeconds(5), store::isHealthy);
      for (Session session : committed) {
        assertThat(store.sessions().find(session.tokenHash(), T0.plusSeconds(301)))
            .as("session of %s, committed before or while the disk was full", session.user())
            .isInstanceOf(Lookup.Live.class);
      }
    }
  }

  private static Session opened(JdbcStore store, String user, Instant at) {
    OpenResult result = store.sessions().open(candidate(user, "10.9.0.1", at, POLICY), POLICY);
    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    return ((OpenResult.Opened) result).session();
  }
}
