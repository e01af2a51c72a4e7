package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BasicAuthTest {

  private TestServer t;

  @BeforeEach
  void start() {
    t = TestServer.start();
    t.createUser("alice", "alice-plum-harbor-lantern");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void basicCredentialsAreIgnoredWhileBasicAuthIsOff() {
    Browser.Response r =
        t.browser().get("/api/v1/me", "Authorization", basic("alice", "alice-plum-harbor-lantern"));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.error()).isEqualTo("not_authenticated");
  }

  @Test
  void basicAuthWorksWhenOnAndCreatesNoSession() {
    t.settings("{\"AUTH_BASIC_ENABLED\": true}");
    Browser.Response r =
        t.browser().get("/api/v1/me", "Authorization", basic("alice", "alice-plum-harbor-lantern"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("user").path("username").asText()).isEqualTo("alice");
    assertThat(r.json().path("auth_method").asText()).isEqualTo("basic");
    assertThat(r.json().path("session").isNull()).isTrue();
    assertThat(r.header("Set-Cookie")).isNull();
    assertThat(r.header("Session-Timeout")).isNull();
    assertThat(t.admin().get("/api/v1/sessions?user=alice").json().path("sessions")).isEmpty();
  }

  @Test
  void basicRequestsAreNotCountedAgainstTheLimit() {
    t.settings(
        "{\"AUTH_BASIC_ENABLED\": true, \"SESSIONS_PER_USER\": 1,"
            + " \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
    Browser alice = t.browser();
    assertThat(alice.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
    for (int i = 0; i < 3; i++) {
      assertThat(
              t.browser()
                  .get("/api/v1/me", "Authorization", basic("alice", "alice-plum-harbor-lantern"))
                  .status())
          .isEqualTo(200);
    }
    assertThat(alice.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void anAdministratorCanUseTheAdminApiWithBasicCredentials() {
    t.settings("{\"AUTH_BASIC_ENABLED\": true}");
    Browser.Response r =
        t.browser()
            .get("/api/v1/users", "Authorization", basic("admin", TestServer.ADMIN_PASSWORD));
    assertThat(r.status()).isEqualTo(200);
    assertThat(
            t.browser()
                .get("/api/v1/users", "Authorization", basic("alice", "alice-plum-harbor-lantern"))
                .status())
        .isEqualTo(403);
  }

  @Test
  void wrongOrMalformedBasicCredentialsAre401() {
    t.settings("{\"AUTH_BASIC_ENABLED\": true}");
    assertThat(t.browser().get("/api/v1/me", "Authorization", basic("alice", "nope")).error())
        .isEqualTo("invalid_credentials");
    assertThat(t.browser().get("/api/v1/me", "Authorization", "Basic %%%").status()).isEqualTo(401);
    assertThat(
            t.browser()
                .get(
                    "/api/v1/me",
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString("no-colon".getBytes(StandardCharsets.UTF_8)))
                .status())
        .isEqualTo(401);
  }

  @Test
  void basicAuthIsThrottledLikeLogins() {
    t.settings("{\"AUTH_BASIC_ENABLED\": true}");
    for (int i = 0; i < 5; i++) {
      t.browser().get("/api/v1/me", "Authorization", basic("alice", "wrong-" + i));
    }
    Browser.Response r =
        t.browser().get("/api/v1/me", "Authorization", basic("alice", "alice-plum-harbor-lantern"));
    assertThat(r.status()).isEqualTo(429);
    assertThat(r.header("Retry-After")).isEqualTo("1");
  }
}
