package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.unlimited;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.sessionlimits.core.TokenHash;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sessions as rows, beyond the session store contract: the cause of an eviction, exact instants,
 * the token's hash only, and purge in batches, also beside a burst of logins. Part of {@link
 * AbstractJdbcStoreTest}.
 */
interface JdbcSessionRowsTests extends JdbcStoreUnderTest {

  @Test
  default void anEvictionRecordsTheWholeCauseIncludingTheLoginsDevice() {
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
    sessions().open(second, policy);

    assertThat(sessions().get(first.id()))
        .hasValueSatisfying(
            s -> {
              assertThat(s.end().reason()).isEqualTo(EndReason.SESSION_LIMIT_REACHED);
              assertThat(s.end().at()).isEqualTo(T0.plusSeconds(42));
              assertThat(s.end().cause()).isEqualTo(EndCause.limitReached(Scope.USER, 1, second));
            });
    assertThat(announced()).extracting(Session::id).containsExactly(first.id());
  }

  @Test
  default void keepsInstantsToTheMicrosecond() {
    QuotaPolicy policy =
        new QuotaPolicy(-1, -1, ExhaustionAction.DENY_ACCESS, IDLE, Duration.ofHours(8));
    Session precise = candidate("alice", IP_A, T0.plusNanos(123_456_789), policy);

    Session stored = opened(precise);

    assertThat(stored.createdAt()).isEqualTo(T0.plusNanos(123_456_000));
    assertThat(stored.absoluteExpiresAt())
        .isEqualTo(T0.plusNanos(123_456_000).plus(Duration.ofHours(8)));
    assertThat(sessions().get(precise.id())).contains(stored);
    Lookup touched =
        sessions().touch(precise.tokenHash(), T0.plusSeconds(5).plusNanos(1_001), IDLE);
    assertThat(sessions().get(precise.id())).contains(((Lookup.Live) touched).session());
  }

  @Test
  default void storesTheTokensHashAndNeverTheToken() throws SQLException {
    SessionToken token = SessionToken.generate(new SecureRandom());
    QuotaPolicy policy = unlimited();
    opened(
        Session.open(
            "s-token", token.hash(), LoginAttempt.password("alice", IP_A, "curl"), T0, policy));

    List<String> values = new ArrayList<>();
    try (Connection connection = pool().getConnection();
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
  default void refusesASecondSessionWithTheSameTokenNamingOnlyTheHashPrefix(int userLimit) {
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

    assertThatThrownBy(() -> sessions().open(copy, policy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(first.tokenHash().prefix())
        .hasMessageNotContaining(first.tokenHash().hex());
    assertThat(sessions().get("s-copy")).isEmpty();
  }

  @Test
  default void purgeWorksThroughMoreExpiredSessionsAndTombstonesThanOneBatch() {
    QuotaPolicy policy = unlimited();
    List<Session> made = new ArrayList<>();
    for (int i = 0; i < 2 * BATCH + 1; i++) {
      made.add(opened(candidate("user" + i, "10.0.3." + i, T0, policy)));
    }
    Instant expired = T0.plus(IDLE).plusSeconds(1);

    SessionStore.PurgeResult first = sessions().purge(expired);
    SessionStore.PurgeResult again = sessions().purge(expired);
    SessionStore.PurgeResult weekLater =
        sessions().purge(T0.plus(IDLE).plus(SessionStore.TOMBSTONE_RETENTION));

    assertThat(first).isEqualTo(new SessionStore.PurgeResult(made.size(), 0));
    assertThat(again).isEqualTo(new SessionStore.PurgeResult(0, 0));
    assertThat(weekLater).isEqualTo(new SessionStore.PurgeResult(0, made.size()));
    assertThat(announced())
        .extracting(Session::id)
        .containsExactlyInAnyOrderElementsOf(made.stream().map(Session::id).toList());
    assertThat(announced())
        .allSatisfy(s -> assertThat(s.end().reason()).isEqualTo(EndReason.IDLE_TIMEOUT));
  }

  @Test
  default void purgeDropsHourOldQuotaLockRowsOfSubjectsWithoutLiveSessionsAndLoginsMakeThemAgain()
      throws SQLException {
    QuotaPolicy policy = Fixtures.policy(1, 5, ExhaustionAction.DENY_ACCESS);
    Session alices = opened(candidate("alice", IP_A, T0, policy), policy);
    opened(candidate("bob", IP_B, T0, policy), policy);
    sessions().end(alices.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(1)));
    List<String> all = List.of("ip:" + IP_A, "user:alice", "ip:" + IP_B, "user:bob");

    sessions().purge(T0.plus(SessionPurge.LOCK_ROW_AGE).minusSeconds(1));
    assertThat(lockRows())
        .as("rows younger than an hour stay")
        .containsExactlyInAnyOrderElementsOf(all);

    Instant later = T0.plus(SessionPurge.LOCK_ROW_AGE);
    opened(candidate("bob", IP_B, later.minusSeconds(10), policy), policy);
    sessions().purge(later);
    assertThat(lockRows())
        .as("bob and his address have a live session")
        .containsExactlyInAnyOrder("ip:" + IP_B, "user:bob");

    opened(candidate("alice", IP_A, later, policy), policy);
    assertThat(sessions().open(candidate("alice", IP_A, later.plusSeconds(1), policy), policy))
        .isInstanceOf(OpenResult.Refused.class);
    assertThat(lockRows()).containsExactlyInAnyOrderElementsOf(all);
  }

  @Test
  default void limitsStayExactWhilePurgeRunsAlongsideABurstOfLogins() throws Exception {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DENY_ACCESS);
    AtomicBoolean bursting = new AtomicBoolean(true);
    AtomicInteger purges = new AtomicInteger();
    Thread purger =
        new Thread(
            () -> {
              while (bursting.get()) {
                sessions().purge(T0);
                purges.incrementAndGet();
              }
            });
    purger.start();
    List<OpenResult> results;
    try {
      results =
          Burst.run(
              32, i -> sessions().open(candidate("alice", "10.0.6." + i, T0, policy), policy));
    } finally {
      bursting.set(false);
      purger.join();
    }

    assertThat(purges.get()).isPositive();
    assertThat(results).filteredOn(r -> r instanceof OpenResult.Opened).hasSize(2);
    assertThat(sessions().liveSessionsOfUser("alice", T0)).hasSize(2);
  }
}
