package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.core.Fixtures.IDLE;
import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.core.TokenHash;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A PostgreSQL store whose database goes away and comes back, through a {@link TcpProxy}: every
 * call fails fast with {@link StoreUnavailableException}, and the store resumes by itself.
 */
class PostgresOutageTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  /** Calls must fail within the pool's wait for a connection (3 s) and some slack. */
  private static final Duration FAST = Duration.ofSeconds(6);

  @RegisterExtension static final TestPostgres postgres = TestPostgres.perClass();

  @Test
  void whilePostgresIsUnreachableEveryCallFailsFastAndTheStoreResumesByItselfWhenItIsBack()
      throws Exception {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DENY_ACCESS);
    try (TcpProxy proxy = TcpProxy.to(postgres.url());
        JdbcStore store = JdbcStore.postgres(proxy.route(postgres.url()));
        JdbcStore other = JdbcStore.postgres(postgres.url())) {
      Session cached = opened(store, candidate("alice", "10.7.0.1", T0, policy), policy);
      assertThat(store.sessions().touch(cached.tokenHash(), T0.plusSeconds(5), IDLE))
          .isInstanceOf(Lookup.Live.class);
      Await.until("the store listens", Duration.ofSeconds(8), () -> store.cache().trusted());
      List<Session> heard = new CopyOnWriteArrayList<>();
      store.sessions().subscribe(heard::add);

      proxy.cut();
      Await.until(
          "the store stops trusting its cache",
          Duration.ofSeconds(10),
          () -> !store.cache().trusted());

      Map<String, Callable<Object>> calls = new LinkedHashMap<>();
      calls.put(
          "open",
          () ->
              store
                  .sessions()
                  .open(candidate("alice", "10.7.0.2", T0.plusSeconds(6), policy), policy));
      calls.put("find", () -> store.sessions().find(cached.tokenHash(), T0.plusSeconds(6)));
      calls.put("touch", () -> store.sessions().touch(cached.tokenHash(), T0.plusSeconds(7), IDLE));
      calls.put(
          "find unknown", () -> store.sessions().find(TokenHash.of("unknown"), T0.plusSeconds(6)));
      calls.put("get", () -> store.sessions().get(cached.id()));
      calls.put(
          "end",
          () ->
              store
                  .sessions()
                  .end(cached.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(8))));
      calls.put("liveSessionsOfUser", () -> store.sessions().liveSessionsOfUser("alice", T0));
      calls.put("liveSessionsFrom", () -> store.sessions().liveSessionsFrom("10.7.0.1", T0));
      calls.put("liveSessions", () -> store.sessions().liveSessions(T0));
      calls.put("purge", () -> store.sessions().purge(T0));
      ExecutorService callers = Executors.newFixedThreadPool(calls.size() + 1);
      try {
        Map<String, CompletableFuture<Duration>> failures = new LinkedHashMap<>();
        calls.forEach(
            (name, call) ->
                failures.put(
                    name,
                    CompletableFuture.supplyAsync(
                        () -> {
                          long start = System.nanoTime();
                          try {
                            call.call();
                          } catch (StoreUnavailableException e) {
                            return Duration.ofNanos(System.nanoTime() - start);
                          } catch (Exception e) {
                            throw new AssertionError(name + " threw " + e, e);
                          }
                          throw new AssertionError(
                              name + " succeeded with the database unreachable");
                        },
                        callers)));
        CompletableFuture<Boolean> healthy =
            CompletableFuture.supplyAsync(store::isHealthy, callers);
        for (Map.Entry<String, CompletableFuture<Duration>> failure : failures.entrySet()) {
          assertThat(failure.getValue().get(30, TimeUnit.SECONDS))
              .as(failure.getKey())
              .isLessThan(FAST);
        }
        assertThat(healthy.get(5, TimeUnit.SECONDS)).isFalse();
      } finally {
        callers.shutdownNow();
      }

      // Ended elsewhere while this store cannot hear of it.
      Session missed = opened(other, candidate("bob", "10.7.1.1", T0, policy), policy);
      other
          .sessions()
          .end(missed.id(), SessionEnd.of(EndReason.REVOKED_BY_ADMIN, T0.plusSeconds(9)));

      proxy.restore();
      Await.until("the store is healthy again", Duration.ofSeconds(10), store::isHealthy);
      assertThat(
              store
                  .sessions()
                  .open(candidate("alice", "10.7.0.3", T0.plusSeconds(10), policy), policy))
          .isInstanceOf(OpenResult.Opened.class);
      assertThat(store.sessions().touch(cached.tokenHash(), T0.plusSeconds(11), IDLE))
          .isInstanceOf(Lookup.Live.class);
      Await.until(
          "the listener is back and announced the end it missed",
          Duration.ofSeconds(10),
          () ->
              store.cache().trusted() && heard.stream().anyMatch(s -> s.id().equals(missed.id())));
    }
  }

  @Test
  void onceTheStoreKnowsPostgresIsDownLookupsFailAtOnceAndItHealsByItselfWhenItIsBack()
      throws Exception {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DENY_ACCESS);
    try (TcpProxy proxy = TcpProxy.to(postgres.url());
        JdbcStore store = JdbcStore.postgres(proxy.route(postgres.url()))) {
      Session session = opened(store, candidate("carol", "10.7.2.1", T0, policy), policy);
      Await.until("the store listens", Duration.ofSeconds(8), () -> store.cache().trusted());

      proxy.cut();
      Await.until(
          "the store stops trusting its cache",
          Duration.ofSeconds(10),
          () -> !store.cache().trusted());
      long first = System.nanoTime();
      try {
        store.sessions().find(session.tokenHash(), T0.plusSeconds(1));
        throw new AssertionError("a lookup succeeded with the database unreachable");
      } catch (StoreUnavailableException e) {
        assertThat(Duration.ofNanos(System.nanoTime() - first))
            .as("the first lookup of the outage")
            .isLessThan(Duration.ofSeconds(1));
      }

      Duration slowest = Duration.ZERO;
      for (int i = 0; i < 20; i++) {
        long start = System.nanoTime();
        try {
          store.sessions().touch(session.tokenHash(), T0.plusSeconds(2 + i), IDLE);
          throw new AssertionError("a touch succeeded with the database unreachable");
        } catch (StoreUnavailableException e) {
          Duration took = Duration.ofNanos(System.nanoTime() - start);
          slowest = (took.compareTo(slowest) > 0) ? took : slowest;
        }
      }
      System.out.println(
          "Slowest of 20 lookups while PostgreSQL is known down: " + slowest.toMillis() + " ms");
      assertThat(slowest)
          .as("the slowest of 20 lookups while known down")
          .isLessThan(Duration.ofSeconds(1));
      long start = System.nanoTime();
      assertThat(store.isHealthy()).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

      proxy.restore();
      Await.until(
          "lookups answer again by themselves",
          Duration.ofSeconds(10),
          () -> {
            try {
              return store.sessions().find(session.tokenHash(), T0.plusSeconds(30))
                  instanceof Lookup.Live;
            } catch (StoreUnavailableException e) {
              return false;
            }
          });
      assertThat(store.isHealthy()).isTrue();
    }
  }

  @Test
  void whenTheNetworkGoesSilentALookupGivesUpBeforeThePoolTimeoutAndTheStoreHealsByItself()
      throws Exception {
    QuotaPolicy policy = userLimit(2, ExhaustionAction.DENY_ACCESS);
    try (TcpProxy proxy = TcpProxy.to(postgres.url());
        JdbcStore store = JdbcStore.postgres(proxy.route(postgres.url()))) {
      Session session = opened(store, candidate("dave", "10.7.3.1", T0, policy), policy);
      Await.until("the store listens", Duration.ofSeconds(8), () -> store.cache().trusted());

      proxy.freeze();
      Await.until(
          "the store stops trusting its cache",
          Duration.ofSeconds(10),
          () -> !store.cache().trusted());
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        try {
          store.sessions().find(session.tokenHash(), T0.plusSeconds(1 + i));
          throw new AssertionError("a lookup succeeded with the network silent");
        } catch (StoreUnavailableException e) {
          // By design about 0.75 s at most (a 250 ms connection check, then 500 ms for the read);
          // before the verify path's bounds it took 3-6 s, the pool's connection timeout and more.
          // The bound tells the two apart and leaves the rest for a loaded 2-core machine.
          assertThat(Duration.ofNanos(System.nanoTime() - start))
              .as("lookup %d", i)
              .isLessThan(Duration.ofMillis(2500));
        }
      }

      proxy.restore();
      Await.until(
          "lookups answer again by themselves",
          Duration.ofSeconds(15),
          () -> {
            try {
              return store.sessions().find(session.tokenHash(), T0.plusSeconds(30))
                  instanceof Lookup.Live;
            } catch (StoreUnavailableException e) {
              return false;
            }
          });
    }
  }

  @Test
  void aStoreThatCannotReachPostgresAtAllFailsToOpenWithinSeconds() throws Exception {
    try (TcpProxy proxy = TcpProxy.to(postgres.url())) {
      proxy.cut();
      long start = System.nanoTime();
      try {
        JdbcStore.postgres(proxy.route(postgres.url())).close();
        throw new AssertionError("opened a store on an unreachable database");
      } catch (StoreUnavailableException e) {
        assertThat(e).hasMessageContaining("Could not connect to PostgreSQL at");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
    }
  }

  private static Session opened(JdbcStore store, Session candidate, QuotaPolicy policy) {
    OpenResult result = store.sessions().open(candidate, policy);
    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    return ((OpenResult.Opened) result).session();
  }
}
