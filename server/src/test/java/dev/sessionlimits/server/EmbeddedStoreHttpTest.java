package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.store.jdbc.JdbcStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server on the embedded JDBC store, as {@code java -jar} runs it. */
class EmbeddedStoreHttpTest {

  private static TestServer start(Path dir) {
    JdbcStore store = JdbcStore.embedded(dir);
    return TestServer.start(Stores.of(store, store::isHealthy), Map.of(), b -> {});
  }

  @Test
  void theNewUserStoryHoldsOnTheEmbeddedStore(@TempDir Path dir) {
    try (TestServer t = start(dir)) {
      Browser admin = t.admin();
      admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 1}");
      admin.post(
          "/api/v1/users", "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\"}");
      Browser laptop = t.browser(TestServer.FIREFOX_LINUX);
      assertThat(laptop.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
      t.clock.advanceSeconds(60);
      assertThat(
              t.browser(TestServer.CHROME_WINDOWS)
                  .login("alice", "alice-plum-harbor-lantern")
                  .status())
          .isEqualTo(201);

      Browser.Response r = laptop.get("/api/v1/me");
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.json().path("reason").asText()).isEqualTo("session_limit_reached");
      assertThat(r.json().path("message").asText())
          .isEqualTo(
              "You were signed out because your account signed in on Chrome on Windows from"
                  + " 127.0.0.1 at 14:01 UTC, and your limit is 1 session.");
      assertThat(t.browser().get("/healthz").status()).isEqualTo(200);
    }
  }

  @Test
  void fortySimultaneousLoginsUnderDenyAccessAdmitExactlyOneOnTheEmbeddedStore(@TempDir Path dir)
      throws Exception {
    try (TestServer t = start(dir)) {
      Browser admin = t.admin();
      admin.post(
          "/api/v1/users", "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\"}");
      admin.patch(
          "/api/v1/settings",
          "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
      int n = 40;
      CyclicBarrier barrier = new CyclicBarrier(n);
      ExecutorService pool = Executors.newFixedThreadPool(n);
      try {
        List<Future<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          Browser b = t.browser();
          futures.add(
              pool.submit(
                  () -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return b.login("alice", "alice-plum-harbor-lantern").status();
                  }));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : futures) {
          statuses.add(f.get(60, TimeUnit.SECONDS));
        }
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 403).hasSize(n - 1);
      } finally {
        pool.shutdownNow();
      }
      assertThat(admin.get("/api/v1/sessions?user=alice").json().path("sessions")).hasSize(1);
    }
  }
}
