package dev.sessionlimits.spring;

import static dev.sessionlimits.spring.sample.SampleApplication.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.spring.sample.Browser;
import dev.sessionlimits.spring.sample.SampleApplication;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** sessions-per-ip counts every user's sessions from one address; its refusal names scope ip. */
@SpringBootTest(
    classes = SampleApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      SampleApplication.CONTAINER_SESSIONS,
      "sessionlimits.sessions-per-ip=2",
      "sessionlimits.quota-exhaustion-action=DENY_ACCESS"
    })
class AddressLimitTest {

  @LocalServerPort int port;
  @Autowired SessionManager manager;

  @AfterEach
  void endEverySession() {
    manager.liveSessions().forEach(s -> manager.end(s.id(), EndReason.REVOKED_BY_ADMIN, null));
  }

  @Test
  void aThirdUserFromTheSameAddressIsRefusedWithScopeIp() {
    assertThat(new Browser(port).basic("/api/me", "alice", PASSWORD).statusCode()).isEqualTo(200);
    assertThat(new Browser(port).basic("/api/me", "carol", PASSWORD).statusCode()).isEqualTo(200);

    HttpResponse<String> third = new Browser(port).basic("/api/me", "bob", PASSWORD);

    assertThat(third.statusCode()).isEqualTo(403);
    assertThat(third.body())
        .startsWith(
            "{\"error\":\"session_limit_reached\",\"scope\":\"ip\",\"limit\":2,\"active\":2,")
        .contains("your network address");
    assertThat(manager.liveSessionsFrom("127.0.0.1")).hasSize(2);
  }
}
