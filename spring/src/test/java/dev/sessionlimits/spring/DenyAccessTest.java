package dev.sessionlimits.spring;

import static dev.sessionlimits.spring.sample.SampleApplication.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

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

/** A limit of 1 with DENY_ACCESS, container sessions, the in-memory store. */
@SpringBootTest(
    classes = SampleApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      SampleApplication.CONTAINER_SESSIONS,
      "sessionlimits.sessions-per-user=1",
      "sessionlimits.quota-exhaustion-action=DENY_ACCESS"
    })
class DenyAccessTest {

  @LocalServerPort int port;
  @Autowired SessionManager manager;
  @Autowired SessionStore store;

  @AfterEach
  void endEverySession() {
    manager
        .liveSessions()
        .forEach(s -> manager.end(s.id(), dev.sessionlimits.core.EndReason.REVOKED_BY_ADMIN, null));
  }

  @Test
  void theStarterKeepsItsSessionsInMemoryWithoutADataSource() {
    assertThat(store.getClass().getSimpleName()).isEqualTo("InMemorySessionStore");
  }

  @Test
  void aFormLoginOpensAStoreSessionAndTheCookieOpensThePageAndTheApi() {
    Browser browser = new Browser(port);

    HttpResponse<String> login = browser.login("alice", PASSWORD);

    assertThat(login.statusCode()).isEqualTo(302);
    assertThat(login.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
    assertThat(browser.page("/").body()).contains("Hello alice");
    assertThat(browser.api("/api/me").body()).isEqualTo("{\"user\":\"alice\"}");
    assertThat(manager.liveSessionsOfUser("alice")).hasSize(1);
  }

  @Test
  void aFormLoginBeyondTheLimitIsSentBackToTheLoginPageWhichSaysTheLimitWasReached() {
    Browser first = new Browser(port);
    Browser second = new Browser(port);
    first.login("alice", PASSWORD);

    HttpResponse<String> refused = second.login("alice", PASSWORD);

    assertThat(refused.statusCode()).isEqualTo(302);
    assertThat(refused.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));
    assertThat(second.page("/login?error").body()).contains("the session limit was reached");
    assertThat(second.isLive()).isFalse();
    assertThat(first.isLive()).isTrue();
    assertThat(manager.liveSessionsOfUser("alice")).hasSize(1);
  }

  @Test
  void anHttpBasicLoginBeyondTheLimitIs403JsonAndTheFirstSessionStays() {
    Browser first = new Browser(port);
    Browser second = new Browser(port);
    assertThat(first.basic("/api/me", "alice", PASSWORD).statusCode()).isEqualTo(200);

    HttpResponse<String> refused = second.basic("/api/me", "alice", PASSWORD);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(refused.body())
        .startsWith(
            "{\"error\":\"session_limit_reached\",\"scope\":\"user\",\"limit\":1,\"active\":1,")
        .contains("\"message\":\"Sign-in refused: the session limit was reached");
    assertThat(first.isLive()).as("the Basic client's cookie carries its session").isTrue();
    assertThat(manager.liveSessionsOfUser("alice")).hasSize(1);
  }

  @Test
  void logoutEndsTheStoreSessionSoTheNextLoginIsAdmitted() {
    Browser first = new Browser(port);
    first.login("alice", PASSWORD);
    String id = manager.liveSessionsOfUser("alice").get(0).id();

    HttpResponse<String> logout = first.logout();

    assertThat(logout.statusCode()).isEqualTo(302);
    assertThat(manager.get(id).orElseThrow().end().reason().code()).isEqualTo("logged_out");
    assertThat(manager.liveSessionsOfUser("alice")).isEmpty();
    assertThat(new Browser(port).login("alice", PASSWORD).headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
  }

  @Test
  void aUserWithTheLimitAuthorityHasHerOwnLimit() {
    Browser[] browsers = {new Browser(port), new Browser(port), new Browser(port)};
    for (Browser browser : browsers) {
      browser.login("bob", PASSWORD);
    }

    assertThat(browsers[0].isLive()).isTrue();
    assertThat(browsers[1].isLive()).isTrue();
    assertThat(browsers[2].isLive()).as("bob's own limit is 2").isFalse();
    assertThat(manager.liveSessionsOfUser("bob")).hasSize(2);
  }

  @Test
  void twentySimultaneousFormLoginsAtALimitOfOneAdmitExactlyOneAndNoneIsA5xx() throws Exception {
    List<Crowd.Login> logins = Crowd.signInAtOnce(port, 20, "carol");

    assertThat(logins).allSatisfy(l -> assertThat(l.answer().statusCode()).isLessThan(500));
    assertThat(logins.stream().filter(Crowd.Login::admitted).count()).isEqualTo(1);
    assertThat(logins.stream().filter(l -> l.browser().isLive()).count()).isEqualTo(1);
    assertThat(manager.liveSessionsOfUser("carol")).hasSize(1);
  }
}
