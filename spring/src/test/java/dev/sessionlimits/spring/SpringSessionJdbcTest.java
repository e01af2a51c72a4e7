package dev.sessionlimits.spring;

import static dev.sessionlimits.spring.sample.SampleApplication.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.spring.sample.Browser;
import dev.sessionlimits.spring.sample.Crowd;
import dev.sessionlimits.spring.sample.SampleApplication;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The sample application on an H2 DataSource with Spring Session JDBC: the HttpSessions live in
 * Spring Session's tables, the Sessionlimits sessions in the JDBC store on the same DataSource
 * (store=auto), and the limit holds as with container sessions.
 */
@SpringBootTest(
    classes = SampleApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.url=jdbc:h2:mem:spring-session-${random.uuid};DB_CLOSE_DELAY=-1",
      "spring.session.jdbc.initialize-schema=always",
      "sessionlimits.sessions-per-user=1",
      "sessionlimits.quota-exhaustion-action=DESTROY_OLDEST_SESSION"
    })
class SpringSessionJdbcTest {

  @LocalServerPort int port;
  @Autowired SessionManager manager;
  @Autowired SessionStore store;
  @Autowired JdbcTemplate jdbc;

  @AfterEach
  void endEverySession() {
    manager.liveSessions().forEach(s -> manager.end(s.id(), EndReason.REVOKED_BY_ADMIN, null));
  }

  @Test
  void theHttpSessionsAreSpringSessionsAndTheStoreIsTheJdbcStoreOnTheSameDataSource() {
    new Browser(port).login("alice", PASSWORD);

    assertThat(store.getClass().getPackageName()).isEqualTo("dev.sessionlimits.store.jdbc");
    assertThat(jdbc.queryForObject("select count(*) from SPRING_SESSION", Integer.class))
        .isPositive();
    assertThat(
            jdbc.queryForObject(
                "select count(*) from sl_sessions where user_name = 'alice' and ended_at is null",
                Integer.class))
        .isEqualTo(1);
  }

  @Test
  void anEvictedSpringSessionIsToldWhyAndTheNewerOneStays() {
    Browser evicted = new Browser(port);
    evicted.login("alice", PASSWORD);
    Browser newer = new Browser(port);
    newer.login("alice", PASSWORD);

    HttpResponse<String> next = evicted.api("/api/me");

    assertThat(next.statusCode()).isEqualTo(401);
    assertThat(next.headers().firstValue("X-Session-End-Reason")).hasValue("session_limit_reached");
    assertThat(newer.isLive()).isTrue();
    assertThat(manager.liveSessionsOfUser("alice")).hasSize(1);
  }

  @Test
  void aRefusedBasicLoginUnderDenyIsNeverA5xx() {
    Browser holder = new Browser(port);
    assertThat(holder.basic("/api/me", "carol", PASSWORD).statusCode()).isEqualTo(200);

    HttpResponse<String> second = new Browser(port).basic("/api/me", "carol", PASSWORD);

    assertThat(second.statusCode()).as("evicting, so admitted").isEqualTo(200);
    assertThat(holder.api("/api/me").statusCode()).isEqualTo(401);
  }

  @Test
  void twentySimultaneousEvictingLoginsLeaveExactlyOneLiveSession() throws Exception {
    List<Crowd.Login> logins = Crowd.signInAtOnce(port, 20, "carol");

    assertThat(logins).allSatisfy(l -> assertThat(l.answer().statusCode()).isLessThan(500));
    assertThat(logins.stream().filter(l -> l.browser().isLive()).count()).isEqualTo(1);
    assertThat(manager.liveSessionsOfUser("carol")).hasSize(1);
  }
}
