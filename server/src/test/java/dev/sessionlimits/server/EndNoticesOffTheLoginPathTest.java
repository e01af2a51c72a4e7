package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.store.jdbc.Await;
import dev.sessionlimits.store.jdbc.JdbcStore;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An evicting login answers without waiting for whoever is told of the end: a listener blocked on a
 * latch holds neither the login nor the push to the evicted browser, and the reason is kept.
 */
class EndNoticesOffTheLoginPathTest {

  @RegisterExtension static final TestPostgres database = TestPostgres.perClass();

  private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

  private TestServer t;
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<Session> heard = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    database.truncate();
    JdbcStore store = JdbcStore.postgres(database.url());
    t = TestServer.start(Stores.of(store, store::isHealthy), Map.of(), b -> {});
    t.createUser(
        "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\",\"sessions_limit\":1}");
    // After the push hub, so the hub is told first; then this listener blocks the notice thread.
    t.server
        .ends()
        .subscribe(
            session -> {
              heard.add(session);
              entered.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (t != null) {
      t.close();
    }
  }

  private Browser.Response login(Browser browser) {
    return browser.post(
        "/api/v1/login", "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\"}");
  }

  @Test
  void anEvictingLoginAnswersWhileAListenerIsBlockedAndTheEvictedBrowserIsStillToldWhy() {
    Browser first = t.browser(TestServer.FIREFOX_LINUX);
    assertThat(login(first).status()).isEqualTo(201);
    try (EventStream stream = EventStream.open(t.base, first.cookie())) {
      assertThat(stream.status).isEqualTo(200);
      Await.untilAsserted(
          "the stream is attached", () -> assertThat(t.server.push().streams()).isOne());

      Browser.Response second = login(t.browser(TestServer.CHROME_WINDOWS));

      assertThat(second.status()).isEqualTo(201);
      assertThat(second.json().path("ended_sessions")).hasSize(1);
      EventStream.Event event = stream.next(FIVE_SECONDS);
      assertThat(event.name()).isEqualTo("session_ended");
      assertThat(event.json().path("reason").asText()).isEqualTo("session_limit_reached");
      Await.untilAsserted(
          "the blocked listener was reached", () -> assertThat(entered.getCount()).isZero());
      assertThat(release.getCount()).as("and is still blocked").isOne();
      Browser.Response answer = first.get("/api/v1/me");
      assertThat(answer.status()).isEqualTo(401);
      assertThat(answer.json().path("reason").asText()).isEqualTo("session_limit_reached");
    }
  }

  @Test
  void loginsGoOnWhileTheListenerIsBlockedAndItHearsEveryEndInOrderOnceReleased() {
    Browser[] browsers = new Browser[4];
    String[] ids = new String[4];
    for (int i = 0; i < browsers.length; i++) {
      browsers[i] = t.browser(TestServer.FIREFOX_LINUX);
      JsonNode body = login(browsers[i]).json();
      ids[i] = body.path("session").path("id").asText();
      if (i > 0) {
        assertThat(body.path("ended_sessions").get(0).path("id").asText()).isEqualTo(ids[i - 1]);
      }
    }
    assertThat(release.getCount()).as("the listener was blocked all along").isOne();

    release.countDown();

    Await.untilAsserted(
        "every end is heard",
        () ->
            assertThat(heard.stream().map(Session::id).toList())
                .containsExactly(ids[0], ids[1], ids[2]));
    assertThat(heard).allSatisfy(s -> assertThat(s.end()).isNotNull());
    assertThat(t.server.ends().waiting()).isZero();
  }
}
