package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.unlimited;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.Fixtures;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The quota lock rows a login waits on, and failures: what a login that waited counts, which logins
 * never lock, an outage against a programming error, and health. Part of {@link
 * AbstractJdbcStoreTest}.
 */
interface JdbcLocksAndFailuresTests extends JdbcStoreUnderTest {

  @Test
  default void aLoginWaitsWhileAnotherTransactionHoldsItsUsersQuotaLock() throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session earlier = opened(candidate("alice", IP_A, T0, policy), policy);
    sessions().end(earlier.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0));

    CompletableFuture<OpenResult> login;
    try (Connection holder = pool().getConnection()) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock =
          holder.prepareStatement(
              "SELECT subject FROM sl_quota_locks WHERE scope = 'user' AND subject = 'alice' FOR"
                  + " UPDATE")) {
        assertThat(lock.executeQuery().next()).isTrue();
      }
      login =
          CompletableFuture.supplyAsync(
              () -> sessions().open(candidate("alice", IP_A, T0.plusSeconds(1), policy), policy));
      awaitALockWaitOn(holder, login);
      holder.commit();
    }

    assertThat(login.get(10, TimeUnit.SECONDS)).isInstanceOf(OpenResult.Opened.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"user", "ip"})
  default void aLoginThatWaitedForAQuotaLockCountsTheSessionItsHolderCommitted(String scope)
      throws Exception {
    QuotaPolicy policy =
        scope.equals("user")
            ? userLimit(1, ExhaustionAction.DENY_ACCESS)
            : Fixtures.policy(QuotaPolicy.UNLIMITED, 1, ExhaustionAction.DENY_ACCESS);
    Session earlier = opened(candidate("alice", IP_A, T0, policy), policy);
    sessions().end(earlier.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0));
    String subject = scope.equals("user") ? "alice" : IP_A;
    Session holders = candidate(scope.equals("user") ? "alice" : "bob", IP_A, T0, policy);

    CompletableFuture<OpenResult> login;
    try (Connection holder = pool().getConnection()) {
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
              () -> sessions().open(candidate("alice", IP_A, T0.plusSeconds(1), policy), policy));
      awaitALockWaitOn(holder, login);
      JdbcStoreUnderTest.insertRow(holder, holders);
      holder.commit();
    }

    assertThat(login.get(10, TimeUnit.SECONDS)).isInstanceOf(OpenResult.Refused.class);
    assertThat(sessions().liveSessionsFrom(IP_A, T0.plusSeconds(1)))
        .extracting(Session::id)
        .containsExactly(holders.id());
  }

  @Test
  default void anEvictionOfASessionThatEndedWhileTheLoginWaitedForItsRowIsNotTheLoginsAndItOpens()
      throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DESTROY_NEXT_EXPIRING);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);

    CompletableFuture<OpenResult> login;
    try (Connection other = pool().getConnection()) {
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
              () -> sessions().open(candidate("alice", IP_B, T0.plusSeconds(1), policy), policy));
      awaitALockWaitOn(other, login);
      other.commit();
    }

    OpenResult result = login.get(10, TimeUnit.SECONDS);
    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    assertThat(((OpenResult.Opened) result).ended()).isEmpty();
    assertThat(sessions().get(first.id()))
        .hasValueSatisfying(s -> assertThat(s.end().reason()).isEqualTo(EndReason.LOGGED_OUT));
    assertThat(announced()).isEmpty();
    assertThat(sessions().liveSessionsOfUser("alice", T0.plusSeconds(1))).hasSize(1);
  }

  @Test
  default void aLoginThatFindsAnExpiredSessionExtendedBeforeItCouldRecordTheExpiryCountsItAgain()
      throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session first = opened(candidate("alice", IP_A, T0, policy), policy);
    Instant lastSeen = T0.plus(IDLE).minusSeconds(1);
    Instant extended = lastSeen.plus(IDLE);
    Instant afterExpiry = T0.plus(IDLE).plusSeconds(1);

    CompletableFuture<OpenResult> login;
    try (Connection toucher = pool().getConnection()) {
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
              () -> sessions().open(candidate("alice", IP_B, afterExpiry, policy), policy));
      awaitALockWaitOn(toucher, login);
      toucher.commit();
    }

    assertThat(login.get(10, TimeUnit.SECONDS)).isInstanceOf(OpenResult.Refused.class);
    assertThat(sessions().liveSessionsOfUser("alice", afterExpiry))
        .extracting(Session::expiresAt)
        .containsExactly(extended);
    assertThat(announced()).isEmpty();
  }

  @Test
  default void aLoginThatNoLimitConstrainsNeitherLocksNorWaits() throws Exception {
    QuotaPolicy limited = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session earlier = opened(candidate("alice", IP_A, T0, limited), limited);
    sessions().end(earlier.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0));

    try (Connection holder = pool().getConnection()) {
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
                      sessions()
                          .open(
                              candidate("alice", IP_A, T0.plusSeconds(1), unlimited()),
                              unlimited()))
              .get(10, TimeUnit.SECONDS);
      assertThat(result).isInstanceOf(OpenResult.Opened.class);
      holder.rollback();
    }
  }

  @Test
  default void databaseFailuresBecomeStoreUnavailableNamingTheWorkAndTheCause() {
    QuotaPolicy policy = unlimited();
    Session session = opened(candidate("alice", IP_A, T0, policy));
    pool().close();

    assertThatThrownBy(() -> sessions().open(candidate("alice", IP_B, T0, policy), policy))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("Could not open session")
        .hasMessageContaining("of user alice from " + IP_B)
        .hasCauseInstanceOf(SQLException.class);
    assertThatThrownBy(() -> sessions().touch(session.tokenHash(), T0, IDLE))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("token " + session.tokenHash().prefix())
        .hasMessageNotContaining(session.tokenHash().hex());
    assertThatThrownBy(() -> sessions().purge(T0)).isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> users().find("alice")).isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(settings()::load).isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> audit().recent(10, 0)).isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  default void aProgrammingErrorIsAStoreErrorNotAnOutageAndLeavesTheStoreServing()
      throws SQLException {
    QuotaPolicy policy = unlimited();
    Session session = opened(candidate("alice", IP_A, T0, policy));
    execute("ALTER TABLE sl_users RENAME COLUMN is_admin TO is_admin_renamed");
    try {
      assertThatThrownBy(() -> users().find("alice"))
          .isInstanceOf(StoreErrorException.class)
          .isNotInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("Could not ")
          .hasCauseInstanceOf(SQLException.class);
      assertThatThrownBy(users()::list).isInstanceOf(StoreErrorException.class);
      assertThat(store().isHealthy()).as("healthy after a programming error").isTrue();
      assertThat(sessions().find(session.tokenHash(), T0)).isInstanceOf(Lookup.Live.class);
    } finally {
      execute("ALTER TABLE sl_users RENAME COLUMN is_admin_renamed TO is_admin");
    }
  }

  @Test
  default void isHealthyWhileTheDatabaseAnswersAndUnhealthyWithoutThrowingOnceItCannot() {
    assertThat(store().isHealthy()).isTrue();

    pool().close();

    long start = System.nanoTime();
    assertThat(store().isHealthy()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }
}
