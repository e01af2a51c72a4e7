package dev.sessionlimits.server.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.Fixtures;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.server.FlakySessionStore;
import dev.sessionlimits.server.TestServer;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.store.jdbc.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PushHubTest {

  private final MutableClock clock = MutableClock.startingAt("2026-03-02T14:00:00Z");
  private final SessionStore store = SessionStore.inMemory();
  private final SessionManager sessions = new SessionManager(store, clock);
  private final PushHub hub =
      new PushHub(
          store,
          (s, locale) -> Json.map("reason", s.end().reason().code(), "session_id", s.id()),
          Duration.ofMillis(20));

  @AfterEach
  void close() {
    hub.close();
  }

  /** A stream that records what it is sent; {@code clientGone} makes every write fail. */
  static class FakeStream implements PushHub.Stream {
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger comments = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    volatile boolean clientGone;
    volatile boolean broken;

    @Override
    public boolean send(String event, String data) {
      if (clientGone) {
        return false;
      }
      events.add(event + " " + data);
      return true;
    }

    @Override
    public boolean comment(String text) {
      if (broken) {
        throw new IllegalStateException("response already completed (test)");
      }
      if (clientGone) {
        return false;
      }
      comments.incrementAndGet();
      return true;
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  private Session login(String user) {
    SessionManager.LoginResult result =
        sessions.login(
            LoginAttempt.password(user, "203.0.113.7", TestServer.FIREFOX_LINUX),
            Fixtures.unlimited());
    return ((SessionManager.LoginResult.Admitted) result).session();
  }

  private FakeStream attach(Session session) {
    FakeStream stream = new FakeStream();
    hub.open(session).orElseThrow().attach(stream);
    return stream;
  }

  @Test
  void everyStreamOfAnEndedSessionGetsOneEventAndIsClosed() {
    Session session = login("alice");
    FakeStream first = attach(session);
    FakeStream second = attach(session);

    sessions.end(session.id(), EndReason.REVOKED_BY_ADMIN, "admin");

    for (FakeStream stream : List.of(first, second)) {
      Await.untilAsserted("the stream is closed", () -> assertThat(stream.closes).hasValue(1));
      assertThat(stream.events)
          .containsExactly(
              "session_ended {\"reason\":\"revoked_by_admin\","
                  + "\"session_id\":\""
                  + session.id()
                  + "\"}");
    }
    assertThat(hub.streams()).isZero();
    assertThat(hub.sessions()).isZero();
  }

  @Test
  void anEndsEventIsBuiltOncePerLanguageHoweverManyStreamsTheSessionHas() {
    AtomicInteger built = new AtomicInteger();
    try (PushHub counting =
        new PushHub(
            store,
            (s, locale) -> {
              built.incrementAndGet();
              return Json.map("reason", s.end().reason().code());
            },
            Duration.ofSeconds(15))) {
      Session session = login("alice");
      List<FakeStream> streams = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        FakeStream stream = new FakeStream();
        counting.open(session).orElseThrow().attach(stream);
        streams.add(stream);
      }

      sessions.end(session.id(), EndReason.LOGGED_OUT, null);

      for (FakeStream stream : streams) {
        Await.untilAsserted("the stream is closed", () -> assertThat(stream.closes).hasValue(1));
        assertThat(stream.events).containsExactly("session_ended {\"reason\":\"logged_out\"}");
      }
      assertThat(built).hasValue(1);
    }
  }

  @Test
  void theThreadThatEndsASessionDoesNotWaitForAStreamThatCannotBeWritten() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch unblock = new CountDownLatch(1);
    FakeStream stuck =
        new FakeStream() {
          @Override
          public boolean send(String event, String data) {
            writing.countDown();
            try {
              unblock.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return super.send(event, data);
          }
        };
    Session session = login("alice");
    hub.open(session).orElseThrow().attach(stuck);

    sessions.end(session.id(), EndReason.LOGGED_OUT, null);

    assertThat(writing.await(30, TimeUnit.SECONDS)).as("the write began").isTrue();
    assertThat(stuck.events).as("and has not finished").isEmpty();
    unblock.countDown();
    Await.untilAsserted("the event is written", () -> assertThat(stuck.events).hasSize(1));
  }

  @Test
  void streamsOfOtherSessionsHearNothingAndStayOpen() {
    Session alice = login("alice");
    Session other = login("alice");
    FakeStream aliceStream = attach(alice);
    FakeStream otherStream = attach(other);

    sessions.end(alice.id(), EndReason.LOGGED_OUT, null);

    Await.untilAsserted(
        "alice's stream is closed", () -> assertThat(aliceStream.closes).hasValue(1));
    assertThat(otherStream.events).isEmpty();
    assertThat(otherStream.closes).hasValue(0);
    assertThat(hub.streams()).isOne();
  }

  @Test
  void aStreamOfASessionThatHadAlreadyEndedGetsTheEventAtOnceAndIsNeverRegistered() {
    Session session = login("alice");
    Session ended = sessions.end(session.id(), EndReason.LOGGED_OUT, null).orElseThrow();

    FakeStream stream = attach(ended);

    Await.untilAsserted("the stream is closed", () -> assertThat(stream.closes).hasValue(1));
    assertThat(stream.events)
        .singleElement()
        .asString()
        .startsWith("session_ended {\"reason\":\"logged_out\"");
    assertThat(hub.streams()).isZero();
  }

  @Test
  void aSessionThatEndsBetweenItsLookupAndTheStreamsRegistrationIsStillPushed() {
    Session seenLive = login("alice");
    sessions.end(seenLive.id(), EndReason.ENDED_BY_USER, "alice");

    FakeStream stream = attach(seenLive);

    Await.untilAsserted("the stream is closed", () -> assertThat(stream.closes).hasValue(1));
    assertThat(stream.events).singleElement().asString().contains("ended_by_user");
    assertThat(hub.streams()).isZero();
  }

  @Test
  void anEndingHeardBeforeTheStreamIsAttachedIsSentWhenItIsAttached() {
    Session session = login("alice");
    PushHub.Slot slot = hub.open(session).orElseThrow();
    sessions.end(session.id(), EndReason.USER_DISABLED, "admin");
    assertThat(hub.streams()).isZero();

    FakeStream stream = new FakeStream();
    slot.attach(stream);

    Await.untilAsserted("the stream is closed", () -> assertThat(stream.closes).hasValue(1));
    assertThat(stream.events).singleElement().asString().contains("user_disabled");
  }

  @Test
  void openStreamsGetHeartbeatsAndAStreamWhoseClientLeftIsDroppedAtTheNextOne() {
    Session session = login("alice");
    FakeStream stream = attach(session);
    Await.untilAsserted(
        "two heartbeats", () -> assertThat(stream.comments.get()).isGreaterThanOrEqualTo(2));

    stream.clientGone = true;

    Await.untilAsserted("the gone client is dropped", () -> assertThat(hub.streams()).isZero());
    assertThat(stream.closes).hasValue(1);
    assertThat(hub.sessions()).isZero();
    sessions.end(session.id(), EndReason.LOGGED_OUT, null);
    assertThat(stream.events).isEmpty();
  }

  @Test
  void aStreamWhoseWriteThrowsIsDroppedAndTheOthersKeepTheirHeartbeats() {
    FakeStream broken = attach(login("alice"));
    FakeStream healthy = attach(login("bob"));
    broken.broken = true;

    Await.untilAsserted("the broken stream is closed", () -> assertThat(broken.closes).hasValue(1));
    int beats = healthy.comments.get();
    Await.untilAsserted(
        "the healthy stream keeps its heartbeats",
        () -> assertThat(healthy.comments.get()).isGreaterThan(beats + 2));
    assertThat(hub.streams()).isOne();
  }

  @Test
  void aSessionGetsAtMostTheBoundOfStreamsAndAFreedPlaceCanBeTakenAgain() {
    Session session = login("alice");
    List<PushHub.Slot> slots = new ArrayList<>();
    for (int i = 0; i < PushHub.MAX_STREAMS_PER_SESSION; i++) {
      slots.add(hub.open(session).orElseThrow());
    }

    assertThat(hub.open(session)).isEmpty();
    assertThat(hub.open(login("alice"))).as("another session of the same user").isPresent();

    slots.get(0).drop();
    assertThat(hub.open(session)).isPresent();
  }

  @Test
  void aStoreThatCannotBeReachedWhileRegisteringLeavesNothingBehind() {
    Session session = login("alice");
    SessionStore unreachable = new FlakySessionStore();
    try (PushHub flaky =
        new PushHub(unreachable, (s, locale) -> Map.of(), Duration.ofSeconds(15))) {
      ((FlakySessionStore) unreachable).down = true;

      assertThatThrownBy(() -> flaky.open(session)).isInstanceOf(StoreUnavailableException.class);
      assertThat(flaky.streams()).isZero();
    }
  }

  @Test
  void closingTheHubClosesEveryStreamWithoutAnEventAndStopsListening() {
    Session session = login("alice");
    FakeStream attached = attach(session);
    PushHub.Slot reserved = hub.open(session).orElseThrow();

    hub.close();

    assertThat(attached.closes).hasValue(1);
    assertThat(hub.streams()).isZero();
    FakeStream late = new FakeStream();
    reserved.attach(late);
    assertThat(late.closes).hasValue(1);
    sessions.end(session.id(), EndReason.LOGGED_OUT, null);
    assertThat(attached.events).isEmpty();
    assertThat(late.events).isEmpty();
  }

  @Test
  void aSecondLoginBeyondTheLimitPushesTheEvictionToTheFirstSessionsStream() {
    SessionManager.LoginResult first =
        sessions.login(
            LoginAttempt.password("alice", "203.0.113.7", TestServer.FIREFOX_LINUX),
            Fixtures.userLimit(1, ExhaustionAction.DESTROY_OLDEST_SESSION));
    Session session = ((SessionManager.LoginResult.Admitted) first).session();
    FakeStream stream = attach(session);

    sessions.login(
        LoginAttempt.password("alice", "198.51.100.2", TestServer.CHROME_WINDOWS),
        Fixtures.userLimit(1, ExhaustionAction.DESTROY_OLDEST_SESSION));

    Await.untilAsserted(
        "the stream is told of the limit",
        () ->
            assertThat(stream.events).singleElement().asString().contains("session_limit_reached"));
  }
}
