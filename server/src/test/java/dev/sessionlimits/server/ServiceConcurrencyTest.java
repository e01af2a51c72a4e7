package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.core.Burst;
import dev.sessionlimits.store.jdbc.JdbcStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service API holds limits exactly, as logins do: 40 simultaneous openings for one user with a
 * limit of 1, on the embedded store (and on PostgreSQL in {@link ServiceConcurrencyPostgresTest}).
 * The user does not exist before the burst, so her creation on first use races too.
 */
class ServiceConcurrencyTest {

  private static final int OPENINGS = 40;

  @TempDir Path dir;

  /** The stores of the server under test. */
  Stores stores() throws Exception {
    JdbcStore store = JdbcStore.embedded(dir);
    return Stores.of(store, store::isHealthy);
  }

  private TestServer start() throws Exception {
    return TestServer.start(stores(), Map.of(), b -> {});
  }

  /** The administrator, signed in before the limits apply to her too. */
  private static Browser limitTo1(TestServer t, String action) {
    Browser admin = t.admin();
    Browser.Response changed =
        admin.patch(
            "/api/v1/settings",
            "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"" + action + "\"}");
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    return admin;
  }

  /** Each opening from an address of its own, so only the user's limit applies. */
  private static List<Browser.Response> burst(ServiceClient shop) throws Exception {
    return Burst.run(OPENINGS, i -> shop.open("wanda", "198.51.100." + (i + 1)));
  }

  @Test
  void fortySimultaneousOpeningsUnderDenyAccessAdmitExactlyOne() throws Exception {
    try (TestServer t = start()) {
      Browser admin = limitTo1(t, "DENY_ACCESS");
      ServiceClient shop = ServiceClient.withKey(t);

      List<Browser.Response> answers = burst(shop);

      assertThat(answers).filteredOn(r -> r.status() == 201).hasSize(1);
      assertThat(answers)
          .filteredOn(r -> r.status() == 403)
          .hasSize(OPENINGS - 1)
          .allSatisfy(r -> assertThat(r.error()).isEqualTo("session_limit_reached"));
      assertThat(liveSessions(admin)).hasSize(1);
    }
  }

  @Test
  void fortySimultaneousOpeningsUnderAnEvictingActionLeaveOneLiveSessionAndTellTheOthersWhy()
      throws Exception {
    try (TestServer t = start()) {
      Browser admin = limitTo1(t, "DESTROY_OLDEST_SESSION");
      ServiceClient shop = ServiceClient.withKey(t);

      List<Browser.Response> answers = burst(shop);

      assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(201));
      assertThat(liveSessions(admin)).hasSize(1);
      int live = 0;
      for (Browser.Response answer : answers) {
        Browser.Response check = shop.check(answer.json().path("token").asText());
        if (check.status() == 200) {
          live++;
        } else {
          assertThat(check.status()).as(check.toString()).isEqualTo(401);
          assertThat(check.json().path("reason").asText()).isEqualTo("session_limit_reached");
          assertThat(check.header("X-Session-End-Reason")).isEqualTo("session_limit_reached");
        }
      }
      assertThat(live).isEqualTo(1);
    }
  }

  private static JsonNode liveSessions(Browser admin) {
    return admin.get("/api/v1/sessions?user=wanda").json().path("sessions");
  }
}
