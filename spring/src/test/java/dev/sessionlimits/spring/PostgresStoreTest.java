package dev.sessionlimits.spring;

import static dev.sessionlimits.spring.sample.SampleApplication.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.spring.sample.Browser;
import dev.sessionlimits.spring.sample.Crowd;
import dev.sessionlimits.spring.sample.SampleApplication;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample application on a PostgreSQL DataSource of its own (a throwaway database): store=auto
 * keeps the sessions there, container sessions, DESTROY_OLDEST_SESSION at a limit of 1. The context
 * is closed after the class, as its database is dropped.
 */
@SpringBootTest(
    classes = SampleApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.autoconfigure.session.SessionAutoConfiguration",
      "sessionlimits.sessions-per-user=1",
      "sessionlimits.quota-exhaustion-action=DESTROY_OLDEST_SESSION"
    })
@DirtiesContext
class PostgresStoreTest {

  @RegisterExtension static final TestPostgres POSTGRES = TestPostgres.perClass();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", POSTGRES::url);
  }

  @LocalServerPort int port;
  @Autowired SessionManager manager;
  @Autowired SessionStore store;

  @Test
  void theSessionsAreKeptInTheApplicationsPostgresDatabaseAndAnEvictedBrowserIsTold()
      throws Exception {
    assertThat(store.getClass().getPackageName()).isEqualTo("dev.sessionlimits.store.jdbc");
    Browser evicted = new Browser(port);
    evicted.login("alice", PASSWORD);
    new Browser(port).login("alice", PASSWORD);

    HttpResponse<String> next = evicted.api("/api/me");

    assertThat(next.statusCode()).isEqualTo(401);
    assertThat(next.headers().firstValue("X-Session-End-Reason")).hasValue("session_limit_reached");
    assertThat(manager.liveSessionsOfUser("alice")).hasSize(1);
  }

  @Test
  void twentySimultaneousEvictingLoginsLeaveExactlyOneLiveSession() throws Exception {
    List<Crowd.Login> logins = Crowd.signInAtOnce(port, 20, "carol");

    assertThat(logins).allSatisfy(l -> assertThat(l.answer().statusCode()).isLessThan(500));
    assertThat(logins.stream().filter(l -> l.browser().isLive()).count()).isEqualTo(1);
    assertThat(manager.liveSessionsOfUser("carol")).hasSize(1);
  }
}
