package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.server.push.PushHub;
import dev.sessionlimits.store.jdbc.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventStreamTest {

  private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

  private TestServer t;

  @BeforeEach
  void start() {
    t = TestServer.start(Stores.inMemory(), Map.of(), b -> b.heartbeat(Duration.ofMillis(25)));
    t.createUser(
        "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\",\"sessions_limit\":1}");
  }

  @AfterEach
  void stop() {
    if (t != null) {
      t.close();
    }
  }

  private Browser alice(String userAgent) {
    Browser browser = t.browser(userAgent);
    assertThat(
            browser
                .post(
                    "/api/v1/login",
                    "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\","
                        + "\"device\":\"Work laptop\"}")
                .status())
        .isEqualTo(201);
    return browser;
  }

  private Session sessionOf(Browser browser) {
    String id =
        browser
            .get("/api/v1/me", "X-Session-Quiet", "1")
            .json()
            .path("session")
            .path("id")
            .asText();
    return t.stores.sessions().get(id).orElseThrow();
  }

  @Test
  void aSessionEvictedByAnotherLoginHearsWhyAtOnceWithTheSameBodyAsThe401() {
    Browser first = alice(TestServer.FIREFOX_LINUX);
    try (EventStream stream = EventStream.open(t.base, first.cookie())) {
      assertThat(stream.status).isEqualTo(200);
      assertThat(stream.headers.get("Content-Type")).startsWith("text/event-stream");
      Await.untilAsserted(
          "the stream is attached", () -> assertThat(t.server.push().streams()).isOne());

      alice(TestServer.CHROME_WINDOWS);

      EventStream.Event event = stream.next(TWO_SECONDS);
      assertThat(event.name()).isEqualTo("session_ended");
      JsonNode pushed = event.json();
      assertThat(pushed.path("reason").asText()).isEqualTo("session_limit_reached");
      assertThat(pushed.path("message").asText())
          .isEqualTo(
              "You were signed out because your account signed in on \"Work laptop\" (Chrome on"
                  + " Windows) from 127.0.0.1 at 14:00 UTC, and your limit is 1 session.");
      Browser.Response answer = first.get("/api/v1/me");
      assertThat(answer.status()).isEqualTo(401);
      assertThat(pushed).isEqualTo(answer.json());
      assertThat(stream.endsWithin(TWO_SECONDS)).as("the stream ends after its event").isTrue();
    }
    Await.untilAsserted(
        "every stream is closed", () -> assertThat(t.server.push().streams()).isZero());
  }

  @Test
  void aStreamOpenedForASessionThatHadAlreadyEndedGetsTheEventAtOnceAndEnds() {
    Browser browser = alice(TestServer.FIREFOX_LINUX);
    String token = browser.cookie();
    assertThat(browser.post("/api/v1/logout", null).status()).isEqualTo(204);

    try (EventStream stream = EventStream.open(t.base, token)) {
      assertThat(stream.status).isEqualTo(200);
      EventStream.Event event = stream.next(TWO_SECONDS);

      assertThat(event.name()).isEqualTo("session_ended");
      assertThat(event.json().path("error").asText()).isEqualTo("session_ended");
      assertThat(event.json().path("reason").asText()).isEqualTo("logged_out");
      assertThat(stream.endsWithin(TWO_SECONDS)).isTrue();
    }
    assertThat(t.server.push().streams()).isZero();
  }

  @Test
  void neitherTheStreamNorItsHeartbeatsNorReconnectsExtendTheSessionWhichStillEndsOnTime() {
    Browser browser = alice(TestServer.FIREFOX_LINUX);
    Session before = sessionOf(browser);
    t.clock.advanceSeconds(600);

    try (EventStream reconnect = EventStream.open(t.base, browser.cookie());
        EventStream stream = EventStream.open(t.base, browser.cookie())) {
      assertThat(reconnect.status).isEqualTo(200);
      assertThat(stream.status).isEqualTo(200);
      for (int i = 0; i < 3; i++) {
        assertThat(stream.nextIncludingComments(TWO_SECONDS).name()).as("a heartbeat").isNull();
        t.clock.advanceSeconds(1);
      }

      Session after = t.stores.sessions().get(before.id()).orElseThrow();
      assertThat(after.lastSeenAt()).isEqualTo(before.lastSeenAt());
      assertThat(after.expiresAt()).isEqualTo(before.expiresAt());

      t.clock.advanceSeconds(1800);
      t.server.purgeNow();

      EventStream.Event event = stream.next(TWO_SECONDS);
      assertThat(event.json().path("reason").asText()).isEqualTo("idle_timeout");
      assertThat(reconnect.next(TWO_SECONDS).json().path("reason").asText())
          .isEqualTo("idle_timeout");
    }
  }

  @Test
  void withoutALiveOrEndedSessionTheStreamIsRefusedWith401Json() {
    try (EventStream anonymous = EventStream.open(t.base, null);
        EventStream unknown = EventStream.open(t.base, "not-a-token")) {
      for (EventStream stream : List.of(anonymous, unknown)) {
        assertThat(stream.status).isEqualTo(401);
        assertThat(stream.headers.get("Content-Type")).startsWith("application/json");
        assertThat(stream.json().path("error").asText()).isEqualTo("not_authenticated");
      }
    }
    assertThat(t.server.push().streams()).isZero();
  }

  @Test
  void aClientThatDoesNotAskForAnEventStreamIsToldHowWith406() {
    Browser browser = alice(TestServer.FIREFOX_LINUX);

    try (EventStream stream = EventStream.open(t.base, browser.cookie(), "application/json")) {
      assertThat(stream.status).isEqualTo(406);
      assertThat(stream.json().path("message").asText()).contains("Accept: text/event-stream");
    }
    assertThat(t.server.push().streams()).isZero();
  }

  @Test
  void oneSessionGetsAtMostTheBoundOfStreamsAndTheNextIsRefusedWith429() {
    Browser browser = alice(TestServer.FIREFOX_LINUX);
    List<EventStream> open = new ArrayList<>();
    try {
      for (int i = 0; i < PushHub.MAX_STREAMS_PER_SESSION; i++) {
        open.add(EventStream.open(t.base, browser.cookie()));
        assertThat(open.get(i).status).isEqualTo(200);
      }
      try (EventStream refused = EventStream.open(t.base, browser.cookie())) {
        assertThat(refused.status).isEqualTo(429);
        assertThat(refused.json().path("error").asText()).isEqualTo("too_many_streams");
      }

      open.remove(0).close();

      Await.untilAsserted(
          "a new stream opens",
          () -> {
            try (EventStream again = EventStream.open(t.base, browser.cookie())) {
              assertThat(again.status).isEqualTo(200);
            }
          });
    } finally {
      open.forEach(EventStream::close);
    }
  }

  @Test
  void fiveHundredStreamsOpenedAndAbandonedLeaveNoStreamsAndNoThreadsBehind() throws Exception {
    Browser browser = alice(TestServer.FIREFOX_LINUX);
    String token = browser.cookie();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      connectAndAbandon(clients, token, 100);
      Await.untilAsserted(
          "every stream is closed", () -> assertThat(t.server.push().streams()).isZero());
      Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();

      int opened = connectAndAbandon(clients, token, 500);

      // How many open before the bound of one session turns the rest away depends on how fast the
      // server notices the abandoned ones, which a loaded machine slows: at least the bound's
      // worth.
      assertThat(opened)
          .as("streams opened (the others met the bound of one session)")
          .isGreaterThanOrEqualTo(PushHub.MAX_STREAMS_PER_SESSION);
      Await.untilAsserted(
          "no stream and no session left in the hub",
          () -> {
            assertThat(t.server.push().streams()).isZero();
            assertThat(t.server.push().sessions()).isZero();
          });
      // The whole test JVM's thread count moves with other classes' leftovers and with Jetty's
      // pool,
      // which grows under a burst and retires idle workers only after a minute. A leak is a thread
      // per stream or per connection: so no new thread outside the request pool may stay, and the
      // pool may not grow by anything near the 500 connections.
      List<String> stayed =
          Thread.getAllStackTraces().keySet().stream()
              .filter(thread -> !threadsBefore.contains(thread) && thread.isAlive())
              .map(Thread::getName)
              .sorted()
              .toList();
      assertThat(stayed.stream().filter(name -> !isRequestPoolWorker(name)).toList())
          .as(
              "threads started during 500 streams and still alive, outside the request pool: %s",
              stayed)
          .hasSizeLessThanOrEqualTo(2);
      assertThat(stayed)
          .as("threads started during 500 streams and still alive")
          .hasSizeLessThan(64);
    } finally {
      clients.shutdownNow();
    }
    try (EventStream stream = EventStream.open(t.base, token)) {
      Await.untilAsserted(
          "the stream is attached", () -> assertThat(t.server.push().streams()).isOne());
      assertThat(browser.post("/api/v1/logout", null).status()).isEqualTo(204);
      assertThat(stream.next(TWO_SECONDS).json().path("reason").asText()).isEqualTo("logged_out");
    }
  }

  private static boolean isRequestPoolWorker(String threadName) {
    // Javalin runs event streams on its async pool, which like Jetty's grows under a burst and
    // keeps idle workers for a while: pooled, not one per stream.
    return threadName.startsWith("JettyServerThreadPool")
        || threadName.startsWith("qtp")
        || threadName.startsWith("ForkJoinPool")
        || threadName.startsWith("JavalinDefaultAsyncThreadPool");
  }

  /**
   * Opens {@code cycles} streams from four clients at once, closing each at once; how many opened.
   */
  private int connectAndAbandon(ExecutorService clients, String token, int cycles)
      throws Exception {
    List<Future<Integer>> done = new ArrayList<>();
    for (int i = 0; i < cycles; i++) {
      done.add(
          clients.submit(
              () -> {
                try (EventStream stream = EventStream.open(t.base, token)) {
                  assertThat(stream.status).isIn(200, 429);
                  return stream.status;
                }
              }));
    }
    int opened = 0;
    for (Future<Integer> f : done) {
      opened += (f.get() == 200) ? 1 : 0;
    }
    return opened;
  }

  @Test
  void stoppingTheServerEndsOpenStreamsPromptly() {
    Browser browser = alice(TestServer.FIREFOX_LINUX);
    try (EventStream stream = EventStream.open(t.base, browser.cookie())) {
      Await.untilAsserted(
          "the stream is attached", () -> assertThat(t.server.push().streams()).isOne());
      long start = System.nanoTime();

      t.close();
      t = null;

      assertThat(stream.endsWithin(Duration.ofSeconds(5))).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }
}
