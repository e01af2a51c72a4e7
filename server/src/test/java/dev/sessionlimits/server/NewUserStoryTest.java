package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The story of the issue, end to end over HTTP. */
class NewUserStoryTest {

  @Test
  void anAdministratorLimitsAUserToOneSessionAndTheFirstBrowserLearnsWhyItWasSignedOut() {
    try (TestServer t = TestServer.start()) {
      Browser admin = t.browser(TestServer.CHROME_WINDOWS);
      assertThat(admin.login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);
      assertThat(admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 1}").status())
          .isEqualTo(200);
      assertThat(
              admin
                  .post(
                      "/api/v1/users",
                      "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\"}")
                  .status())
          .isEqualTo(201);

      Browser laptop = t.browser(TestServer.FIREFOX_LINUX);
      assertThat(laptop.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
      assertThat(laptop.get("/api/v1/me").status()).isEqualTo(200);

      t.clock.advanceSeconds(60);
      Browser phone = t.browser(TestServer.CHROME_WINDOWS);
      Browser.Response second = phone.login("alice", "alice-plum-harbor-lantern");
      assertThat(second.status()).isEqualTo(201);
      assertThat(second.json().path("ended_sessions")).hasSize(1);

      Browser.Response next = laptop.get("/api/v1/me");
      assertThat(next.status()).isEqualTo(401);
      JsonNode body = next.json();
      assertThat(body.path("error").asText()).isEqualTo("session_ended");
      assertThat(body.path("reason").asText()).isEqualTo("session_limit_reached");
      assertThat(body.path("scope").asText()).isEqualTo("user");
      assertThat(body.path("limit").asInt()).isEqualTo(1);
      assertThat(body.path("ended_at").asText()).isEqualTo("2026-03-02T14:01:00Z");
      assertThat(body.path("caused_by").path("ip").asText()).isEqualTo("127.0.0.1");
      assertThat(body.path("message").asText())
          .isEqualTo(
              "You were signed out because your account signed in on Chrome on Windows from"
                  + " 127.0.0.1 at 14:01 UTC, and your limit is 1 session.");

      assertThat(phone.get("/api/v1/me").status()).isEqualTo(200);
    }
  }
}
