package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.Burst;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresJdbcStoreTest extends AbstractJdbcStoreTest {

  private static TestPostgres postgres;

  @BeforeAll
  static void createDatabase() {
    postgres = TestPostgres.create();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  HikariDataSource emptyDatabase() throws Exception {
    postgres.truncate();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres.url());
    config.setMaximumPoolSize(8);
    return new HikariDataSource(config);
  }

  @Test
  void limitsHoldExactlyAcrossTwoNodesSharingTheDatabase() throws Exception {
    try (JdbcStore nodeA = JdbcStore.postgres(postgres.url());
        JdbcStore nodeB = JdbcStore.postgres(postgres.url())) {
      QuotaPolicy deny = userLimit(3, ExhaustionAction.DENY_ACCESS);
      QuotaPolicy evict = userLimit(2, ExhaustionAction.DESTROY_OLDEST_SESSION);

      List<OpenResult> denied = Burst.run(64, i -> (i % 2 == 0 ? nodeA : nodeB)
          .open(candidate("alice", "10.0.4." + i, T0, deny), deny));
      List<OpenResult> evicting = Burst.run(64, i -> (i % 2 == 0 ? nodeA : nodeB)
          .open(candidate("bob", "10.0.5." + i, T0, evict), evict));

      assertThat(denied).filteredOn(r -> r instanceof OpenResult.Opened).hasSize(3);
      assertThat(nodeB.liveSessionsOfUser("alice", T0)).hasSize(3);
      List<Session> opened = evicting.stream().map(r -> ((OpenResult.Opened) r).session()).toList();
      long ended = evicting.stream().mapToLong(r -> ((OpenResult.Opened) r).ended().size()).sum();
      assertThat(nodeA.liveSessionsOfUser("bob", T0)).hasSize(2);
      assertThat(ended).isEqualTo(62);
      assertThat(opened).filteredOn(s -> nodeB.find(s.tokenHash(), T0) instanceof Lookup.Live)
          .hasSize(2);
    }
  }
}
