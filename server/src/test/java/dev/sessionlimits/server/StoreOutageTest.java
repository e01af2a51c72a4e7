package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.store.jdbc.Await;
import dev.sessionlimits.store.jdbc.JdbcStore;
import dev.sessionlimits.store.jdbc.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreOutageTest {

  @TempDir Path dataDir;

  @Test
  void whileTheStoreIsDownLoginsAre503AndNoSessionExists() {
    FlakySessionStore sessions = new FlakySessionStore();
    Stores stores =
        new Stores(
            sessions,
            UserStore.inMemory(),
            SettingsStore.inMemory(),
            AuditLog.inMemory(),
            () -> !sessions.down,
            null);
    try (TestServer t = TestServer.start(stores, Map.of(), b -> {})) {
      Browser earlier = t.admin();
      Browser.Response healthy = t.browser().get("/healthz");
      assertThat(healthy.status()).isEqualTo(200);
      assertThat(healthy.json().path("version").asText()).isEqualTo(Version.CURRENT);

      sessions.down = true;
      Browser.Response login = t.browser().login("admin", TestServer.ADMIN_PASSWORD);
      assertThat(login.status()).isEqualTo(503);
      assertThat(login.error()).isEqualTo("store_unavailable");
      assertThat(login.header("Set-Cookie")).isNull();
      assertThat(earlier.get("/api/v1/me").error()).isEqualTo("store_unavailable");
      assertThat(earlier.get("/auth/verify").status()).isEqualTo(503);
      Browser.Response health = t.browser().get("/healthz");
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.json().path("version").asText()).isEqualTo(Version.CURRENT);
      t.server.purgeNow();

      sessions.down = false;
      assertThat(t.browser().get("/healthz").status()).isEqualTo(200);
      assertThat(t.browser().login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);
      assertThat(earlier.get("/api/v1/me").status()).isEqualTo(200);
      assertThat(sessions.delegate.liveSessions(t.clock.instant())).hasSize(2);
    }
  }

  /** A user store with a bug: once broken, every lookup throws something unexpected. */
  static final class BuggyUserStore implements UserStore {
    private final UserStore delegate = UserStore.inMemory();
    volatile boolean broken;

    @Override
    public Optional<User> find(String username) {
      if (broken) {
        throw new IllegalStateException("secret internal detail");
      }
      return delegate.find(username);
    }

    @Override
    public List<User> list() {
      return delegate.list();
    }

    @Override
    public boolean create(User user) {
      return delegate.create(user);
    }

    @Override
    public boolean update(User user) {
      return delegate.update(user);
    }

    @Override
    public boolean delete(String username) {
      return delegate.delete(username);
    }
  }

  @Test
  void anUnexpectedErrorIs500WithAnIdAndNoDetails() {
    BuggyUserStore users = new BuggyUserStore();
    Stores stores =
        new Stores(
            SessionStore.inMemory(),
            users,
            SettingsStore.inMemory(),
            AuditLog.inMemory(),
            () -> true,
            null);
    try (TestServer t = TestServer.start(stores, Map.of(), b -> {})) {
      users.broken = true;
      Browser.Response r = t.browser().login("admin", TestServer.ADMIN_PASSWORD);
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.error()).isEqualTo("internal_error");
      assertThat(r.json().path("error_id").asText()).hasSize(8);
      assertThat(r.json().path("message").asText()).contains(r.json().path("error_id").asText());
      assertThat(r.text()).doesNotContain("secret", "IllegalStateException", "\tat ");
    }
  }

  @Test
  void aDatabaseProgrammingErrorIs500WithAnIdNotA503AndTheNodeStaysHealthy() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + dataDir.resolve("db"));
    config.setUsername("sa");
    config.setPassword("");
    try (HikariDataSource pool = new HikariDataSource(config)) {
      JdbcStore store = JdbcStore.using(pool);
      try (TestServer t = TestServer.start(Stores.of(store, store::isHealthy), Map.of(), b -> {})) {
        Browser admin = t.admin();
        try (Connection connection = pool.getConnection();
            Statement statement = connection.createStatement()) {
          statement.execute("ALTER TABLE sl_sessions RENAME COLUMN user_agent TO renamed");
        }

        Browser.Response verify = admin.get("/auth/verify");
        Browser.Response login = t.browser().login("admin", TestServer.ADMIN_PASSWORD);
        for (Browser.Response r : List.of(verify, login)) {
          assertThat(r.status()).as(r.toString()).isEqualTo(500);
          assertThat(r.error()).isEqualTo("internal_error");
          assertThat(r.json().path("error_id").asText()).hasSize(8);
          assertThat(r.text()).doesNotContain("SQLException", "user_agent", "SQLSTATE", "\tat ");
        }
        assertThat(verify.json().path("error_id").asText())
            .isNotEqualTo(login.json().path("error_id").asText());
        assertThat(t.browser().get("/healthz").status()).isEqualTo(200);
      }
    }
  }

  @Test
  void aFullDiskAnswers503OnLoginAndHealthzAndTheNodeServesAgainWithoutARestart() throws Exception {
    try (Tmpfs disk = Tmpfs.mount(dataDir, "24m")) {
      JdbcStore store = JdbcStore.embedded(disk.path().resolve("data"));
      try (TestServer t = TestServer.start(Stores.of(store, store::isHealthy), Map.of(), b -> {})) {
        Browser earlier = t.admin();
        assertThat(t.browser().get("/healthz").status()).isEqualTo(200);

        Path filler = disk.fill("filler");
        Browser.Response refused = null;
        for (int i = 0; i < 100 && refused == null; i++) {
          Browser.Response login = t.browser().login("admin", TestServer.ADMIN_PASSWORD);
          if (login.status() != 201) {
            refused = login;
          }
        }
        assertThat(refused).as("a login refused on the full disk").isNotNull();
        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.error()).isEqualTo("store_unavailable");
        assertThat(t.browser().get("/healthz").status()).isEqualTo(503);

        Files.delete(filler);
        Await.until(
            "/healthz is 200 again",
            Duration.ofSeconds(15),
            () -> t.browser().get("/healthz").status() == 200);
        assertThat(t.browser().login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);
        assertThat(earlier.get("/auth/verify").status()).isEqualTo(200);
      }
    }
  }
}
