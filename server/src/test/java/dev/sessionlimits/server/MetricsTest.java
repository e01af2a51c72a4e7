package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.server.service.CachingUserStore;
import dev.sessionlimits.server.service.Totp;
import dev.sessionlimits.store.jdbc.Await;
import dev.sessionlimits.store.jdbc.JdbcStore;
import dev.sessionlimits.store.jdbc.TestPostgres;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} counts what happened, in the Prometheus text format, for the peers of {@code
 * SESSIONLIMITS_METRICS_ALLOW} only; {@code /healthz/live} and {@code /healthz/ready} say whether
 * the process answers and whether it can serve.
 */
class MetricsTest {

  @TempDir Path dataDir;

  @Test
  void loginsEvictionsAndEndsAreCountedWithTheirResultActionScopeAndReason() {
    try (TestServer t = TestServer.start()) {
      Browser admin = t.admin();
      assertThat(
              admin
                  .patch(
                      "/api/v1/settings",
                      "{\"SESSIONS_PER_USER\": 1,"
                          + " \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}")
                  .status())
          .isEqualTo(200);
      assertThat(
              admin
                  .post(
                      "/api/v1/users",
                      "{\"username\":\"ada\",\"password\":\"ada-quartz-meadow-violin\"}")
                  .status())
          .isEqualTo(201);
      double admittedBefore = value(scrape(t), "sessionlimits_logins_total", "result=\"admitted\"");

      Browser first = t.browser();
      assertThat(first.login("ada", "ada-quartz-meadow-violin").status()).isEqualTo(201);
      assertThat(t.browser().login("ada", "ada-quartz-meadow-violin").status()).isEqualTo(201);
      assertThat(t.browser().login("ada", "wrong-password-entirely").status()).isEqualTo(401);
      assertThat(
              admin
                  .patch("/api/v1/settings", "{\"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}")
                  .status())
          .isEqualTo(200);
      assertThat(t.browser().login("ada", "ada-quartz-meadow-violin").status()).isEqualTo(403);

      String text = scrape(t);
      assertThat(value(text, "sessionlimits_logins_total", "result=\"admitted\""))
          .isEqualTo(admittedBefore + 2);
      assertThat(value(text, "sessionlimits_logins_total", "result=\"refused_user\"")).isEqualTo(1);
      assertThat(value(text, "sessionlimits_logins_total", "result=\"refused_ip\"")).isEqualTo(0);
      assertThat(value(text, "sessionlimits_logins_total", "result=\"bad_credentials\""))
          .isEqualTo(1);
      assertThat(
              value(
                  text,
                  "sessionlimits_evictions_total",
                  "action=\"DESTROY_OLDEST_SESSION\",scope=\"user\""))
          .isEqualTo(1);
      assertThat(
              value(text, "sessionlimits_sessions_ended_total", "reason=\"session_limit_reached\""))
          .isEqualTo(1);
      assertThat(text)
          .contains(
              "sessionlimits_login_seconds_bucket",
              "sessionlimits_verify_seconds_count",
              "sessionlimits_live_sessions",
              "sessionlimits_push_connections",
              "jvm_memory_used_bytes",
              "jetty_threads_busy",
              "cache_gets_total{cache=\"users\"");
    }
  }

  @Test
  void aWrongSecondStepCodeAndWrongBasicCredentialsCountAsBadCredentials() {
    try (TestServer t = TestServer.start()) {
      String password = "bea-quartz-meadow-violin";
      assertThat(
              t.admin()
                  .post("/api/v1/users", "{\"username\":\"bea\",\"password\":\"" + password + "\"}")
                  .status())
          .isEqualTo(201);
      t.settings("{\"AUTH_BASIC_ENABLED\": true}");
      Browser owner = t.browser();
      assertThat(owner.login("bea", password).status()).isEqualTo(201);
      String secret = owner.post("/api/v1/me/mfa/totp", null).json().path("secret").asText();
      String code = Totp.code(secret, Totp.stepOf(t.clock.instant()));
      assertThat(owner.post("/api/v1/me/mfa/totp/confirm", "{\"code\": \"" + code + "\"}").status())
          .isEqualTo(200);
      double before = value(scrape(t), "sessionlimits_logins_total", "result=\"bad_credentials\"");

      Browser.Response first = t.browser().login("bea", password);
      assertThat(first.error()).isEqualTo("mfa_required");
      String ticket = first.json().path("mfa_ticket").asText();
      Browser.Response wrongCode =
          t.browser()
              .post(
                  "/api/v1/login/mfa",
                  "{\"mfa_ticket\": \"" + ticket + "\", \"code\": \"000000\"}");
      assertThat(wrongCode.error()).isEqualTo("invalid_code");
      String wrongBasic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString("bea:not-her-password".getBytes(StandardCharsets.UTF_8));
      assertThat(t.browser().get("/api/v1/me", "Authorization", wrongBasic).status())
          .isEqualTo(401);

      assertThat(value(scrape(t), "sessionlimits_logins_total", "result=\"bad_credentials\""))
          .as("the wrong code and the wrong Basic password")
          .isEqualTo(before + 2);
    }
  }

  @Test
  void aVerifyIsTimed() {
    try (TestServer t = TestServer.start()) {
      Browser admin = t.admin();
      double before = value(scrape(t), "sessionlimits_verify_seconds_count", "");

      assertThat(admin.get("/auth/verify").status()).isEqualTo(200);
      assertThat(t.browser().get("/auth/verify").status()).isEqualTo(401);

      assertThat(value(scrape(t), "sessionlimits_verify_seconds_count", "")).isEqualTo(before + 2);
    }
  }

  @Test
  void aVerifyWhoseCopiesAgedOutIsCountedAsWaitedAndTheNextIsAnsweredAtOnce() {
    try (TestServer t = TestServer.start()) {
      Browser admin = t.admin();
      assertThat(admin.get("/auth/verify").status()).isEqualTo(200);
      t.clock.advance(CachingUserStore.STALENESS);
      double before = value(scrape(t), "sessionlimits_verify_waited_total", "");

      assertThat(admin.get("/auth/verify").status()).isEqualTo(200);
      assertThat(value(scrape(t), "sessionlimits_verify_waited_total", ""))
          .as("the user and the settings were read again first")
          .isEqualTo(before + 1);
      assertThat(admin.get("/auth/verify").status()).isEqualTo(200);
      assertThat(value(scrape(t), "sessionlimits_verify_waited_total", "")).isEqualTo(before + 1);
    }
  }

  @Test
  void aPeerOutsideTheAllowedBlocksIsRefused() {
    try (TestServer t =
        TestServer.start(Map.of("SESSIONLIMITS_METRICS_ALLOW", "192.0.2.0/24, 2001:db8::/32"))) {
      Browser.Response r = t.browser().get("/metrics");
      assertThat(r.status()).as(r.toString()).isEqualTo(403);
      assertThat(r.error()).isEqualTo("metrics_not_allowed");
      assertThat(r.text()).doesNotContain("sessionlimits_");
    }
  }

  @Test
  void aForwardedAddressDoesNotOpenTheMetricsToAnotherPeer() {
    try (TestServer t =
        TestServer.start(
            Map.of(
                "SESSIONLIMITS_METRICS_ALLOW", "192.0.2.7",
                "SESSIONLIMITS_TRUSTED_PROXIES", "127.0.0.0/8"))) {
      Browser.Response r = t.browser().get("/metrics", "X-Forwarded-For", "192.0.2.7");
      assertThat(r.status()).as(r.toString()).isEqualTo(403);
    }
  }

  @Test
  void theRegistryTheBuilderGetsIsTheOneRecordedInto() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TestServer t =
        TestServer.start(Stores.inMemory(), Map.of(), b -> b.meterRegistry(registry))) {
      t.admin();
      assertThat(registry.get("sessionlimits.logins").tag("result", "admitted").counter().count())
          .isEqualTo(1);
    }
  }

  @Test
  void livenessAndReadinessAnswerWhileTheStoreIsUp() {
    try (TestServer t = TestServer.start()) {
      Browser.Response live = t.browser().get("/healthz/live");
      Browser.Response ready = t.browser().get("/healthz/ready");
      assertThat(live.status()).isEqualTo(200);
      assertThat(live.json().path("status").asText()).isEqualTo("up");
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().path("status").asText()).isEqualTo("up");
    }
  }

  @Test
  void readinessIs503NamingTheDatabaseWhenItsPoolIsGoneWhileLivenessStays200() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + dataDir.resolve("db"));
    config.setUsername("sa");
    config.setPassword("");
    HikariDataSource pool = new HikariDataSource(config);
    try {
      JdbcStore store = JdbcStore.using(pool);
      try (TestServer t = TestServer.start(Stores.of(store, store::isHealthy), Map.of(), b -> {})) {
        assertThat(t.browser().get("/healthz/ready").status()).isEqualTo(200);

        pool.close();

        Browser.Response ready = t.browser().get("/healthz/ready");
        assertThat(ready.status()).as(ready.toString()).isEqualTo(503);
        assertThat(ready.json().path("failed").toString()).isEqualTo("[\"database\"]");
        assertThat(t.browser().get("/healthz/live").status()).isEqualTo(200);
      }
    } finally {
      pool.close();
    }
  }

  @Test
  void theJdbcStoresFailuresPoolAndSessionCacheAreShown() {
    JdbcStore store = JdbcStore.embedded(dataDir.resolve("embedded"));
    try (TestServer t = TestServer.start(Stores.of(store, store::isHealthy), Map.of(), b -> {})) {
      assertThat(t.admin().get("/auth/verify").status()).isEqualTo(200);
      String text = scrape(t);
      assertThat(text).contains("hikaricp_connections_active");
      assertThat(value(text, "sessionlimits_live_sessions", "")).isEqualTo(1);
      assertThat(value(text, "cache_size", "cache=\"sessions\"")).isEqualTo(1);
      assertThat(text).contains("cache_gets_total{cache=\"sessions\",result=\"hit\"}");
    }
  }

  @Test
  void onPostgresqlTheNodeIsReadyWithItsWriteAndItsClusterListener() throws Exception {
    try (TestPostgres database = TestPostgres.create();
        SessionlimitsServer node = TestServer.clusterNode(database.url(), b -> {})) {
      Browser browser =
          new Browser(URI.create("http://127.0.0.1:" + node.port()), TestServer.FIREFOX_LINUX);
      // The listener confirms itself within half a second of starting.
      Await.until(
          "the node is ready",
          Duration.ofSeconds(10),
          () -> browser.get("/healthz/ready").status() == 200);
      assertThat(browser.get("/metrics").text()).contains("hikaricp_connections_active");
    }
  }

  static String scrape(TestServer t) {
    Browser.Response r = t.browser().get("/metrics");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    return r.text();
  }

  /** The value of the sample {@code name{labels...}}; 0 when there is none. */
  static double value(String text, String name, String labels) {
    String open =
        labels.isEmpty() ? "(?:\\{[^}]*\\})?" : "\\{[^}]*" + Pattern.quote(labels) + "[^}]*\\}";
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + open + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
