package dev.sessionlimits.spring;

import static dev.sessionlimits.spring.sample.SampleApplication.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.spring.sample.Browser;
import dev.sessionlimits.spring.sample.SampleApplication;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The application's own {@link SessionLimitResolver} bean (here a "column" of limits by user name)
 * replaces the authority one; exempt administrators are not limited.
 */
@SpringBootTest(
    classes = SampleApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      SampleApplication.CONTAINER_SESSIONS,
      "sessionlimits.sessions-per-user=1",
      "sessionlimits.quota-exhaustion-action=DENY_ACCESS",
      "sessionlimits.quota-exempt-admins=true"
    })
@Import(PerUserLimitTest.Limits.class)
class PerUserLimitTest {

  @TestConfiguration
  static class Limits {
    /** What a database column would say: carol may have 3 sessions. */
    @Bean
    SessionLimitResolver limitsByUser() {
      Map<String, Integer> column = Map.of("carol", 3);
      return authentication -> {
        Integer limit = column.get(authentication.getName());
        return (limit == null) ? OptionalInt.empty() : OptionalInt.of(limit);
      };
    }
  }

  @LocalServerPort int port;
  @Autowired SessionManager manager;

  @AfterEach
  void endEverySession() {
    manager.liveSessions().forEach(s -> manager.end(s.id(), EndReason.REVOKED_BY_ADMIN, null));
  }

  private long liveOf(String user, int browsers) {
    long live = 0;
    for (int i = 0; i < browsers; i++) {
      Browser browser = new Browser(port);
      browser.login(user, PASSWORD);
      live += browser.isLive() ? 1 : 0;
    }
    return live;
  }

  @Test
  void theApplicationsResolverGivesCarolHerOwnLimit() {
    assertThat(liveOf("carol", 4)).isEqualTo(3);
    assertThat(manager.liveSessionsOfUser("carol")).hasSize(3);
  }

  @Test
  void theResolverReplacesTheAuthorityDefaultSoBobHasTheGlobalLimit() {
    assertThat(liveOf("bob", 2)).isEqualTo(1);
  }

  @Test
  void anExemptAdministratorIsNotLimited() {
    assertThat(liveOf("root", 3)).isEqualTo(3);
  }
}
