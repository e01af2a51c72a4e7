package dev.sessionlimits.spring;

import static dev.sessionlimits.spring.sample.SampleApplication.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.spring.sample.Browser;
import dev.sessionlimits.spring.sample.Crowd;
import dev.sessionlimits.spring.sample.SampleApplication;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;

/**
 * A limit of 1 with DESTROY_OLDEST_SESSION: the evicted browser is told why, on its next page or
 * API request. Time is the test's {@link MutableClock} (an {@link InstantSource} bean).
 */
@SpringBootTest(
    classes = SampleApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      SampleApplication.CONTAINER_SESSIONS,
      "sessionlimits.sessions-per-user=1",
      "sessionlimits.quota-exhaustion-action=DESTROY_OLDEST_SESSION",
      "sessionlimits.session-cookie-age=10m"
    })
@Import(EvictionTest.Clock.class)
class EvictionTest {

  @TestConfiguration
  static class Clock {
    @Bean
    MutableClock clock() {
      return MutableClock.startingAt("2026-01-01T00:00:00Z");
    }
  }

  @LocalServerPort int port;
  @Autowired SessionManager manager;
  @Autowired SessionRegistry registry;
  @Autowired MutableClock clock;

  @AfterEach
  void endEverySession() {
    manager.liveSessions().forEach(s -> manager.end(s.id(), EndReason.REVOKED_BY_ADMIN, null));
  }

  @Test
  void anEvictedBrowsersNextPageIsTheLoginPageSayingItsSessionWasEndedByTheLimit() {
    Browser evicted = new Browser(port);
    evicted.login("alice", PASSWORD);
    new Browser(port).login("alice", PASSWORD);

    HttpResponse<String> next = evicted.page("/");

    assertThat(next.statusCode()).isEqualTo(302);
    assertThat(next.headers().firstValue("Location"))
        .hasValueSatisfying(
            l -> assertThat(l).endsWith("/login?error&session_ended=session_limit_reached"));
    assertThat(next.headers().firstValue("X-Session-End-Reason")).hasValue("session_limit_reached");
    String loginPage = evicted.page("/login?error&session_ended=session_limit_reached").body();
    assertThat(loginPage)
        .contains("Please sign in")
        .contains("You were signed out: your account signed in elsewhere and the session limit")
        .doesNotContain("Invalid credentials");
  }

  @Test
  void anEvictedApiClientGets401JsonWithTheReasonAndTheHeader() {
    Browser evicted = new Browser(port);
    evicted.basic("/api/me", "alice", PASSWORD);
    Browser newer = new Browser(port);
    newer.basic("/api/me", "alice", PASSWORD);

    HttpResponse<String> next = evicted.api("/api/me");

    assertThat(next.statusCode()).isEqualTo(401);
    assertThat(next.headers().firstValue("X-Session-End-Reason")).hasValue("session_limit_reached");
    assertThat(next.body())
        .startsWith(
            "{\"error\":\"session_ended\",\"reason\":\"session_limit_reached\",\"message\":");
    assertThat(newer.isLive()).isTrue();
    assertThat(evicted.isLive()).as("the evicted cookie stays out").isFalse();
  }

  @Test
  void aSessionIdleForLongerThanTheCookieAgeEndsWithIdleTimeout() {
    Browser idle = new Browser(port);
    idle.login("alice", PASSWORD);
    assertThat(idle.isLive()).isTrue();

    clock.advance(Duration.ofMinutes(11));
    HttpResponse<String> next = idle.api("/api/me");

    assertThat(next.statusCode()).isEqualTo(401);
    assertThat(next.headers().firstValue("X-Session-End-Reason")).hasValue("idle_timeout");
  }

  @Test
  void theSessionRegistryListsTheLiveSessionsAndExpireNowEndsOne() {
    Browser alice = new Browser(port);
    alice.login("alice", PASSWORD);
    Browser carol = new Browser(port);
    carol.login("carol", PASSWORD);

    assertThat(registry.getAllPrincipals()).contains("alice", "carol");
    var sessions = registry.getAllSessions("alice", false);
    assertThat(sessions).hasSize(1);
    SessionInformation info = sessions.get(0);
    assertThat(registry.getSessionInformation(info.getSessionId()).isExpired()).isFalse();

    info.expireNow();

    assertThat(registry.getSessionInformation(info.getSessionId()).isExpired()).isTrue();
    HttpResponse<String> next = alice.api("/api/me");
    assertThat(next.statusCode()).isEqualTo(401);
    assertThat(next.headers().firstValue("X-Session-End-Reason")).hasValue("revoked_by_admin");
    assertThat(carol.isLive()).isTrue();
  }

  @Test
  void aBrowserSigningInAgainReplacesItsOwnSessionWithoutEvictingAnother() {
    Browser browser = new Browser(port);
    browser.login("alice", PASSWORD);
    String first = manager.liveSessionsOfUser("alice").get(0).id();

    browser.login("alice", PASSWORD);

    assertThat(browser.isLive()).isTrue();
    assertThat(manager.liveSessionsOfUser("alice")).hasSize(1);
    assertThat(manager.get(first).orElseThrow().end().reason()).isEqualTo(EndReason.SUPERSEDED);
  }

  @Test
  void twentySimultaneousEvictingLoginsLeaveExactlyOneLiveSessionAndNoneIsA5xx() throws Exception {
    List<Crowd.Login> logins = Crowd.signInAtOnce(port, 20, "carol");

    assertThat(logins).allSatisfy(l -> assertThat(l.answer().statusCode()).isLessThan(500));
    assertThat(logins).allSatisfy(l -> assertThat(l.admitted()).isTrue());
    assertThat(logins.stream().filter(l -> l.browser().isLive()).count()).isEqualTo(1);
    assertThat(manager.liveSessionsOfUser("carol")).hasSize(1);
  }
}
