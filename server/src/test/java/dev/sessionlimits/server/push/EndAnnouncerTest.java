package dev.sessionlimits.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Fixtures;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.server.TestServer;
import dev.sessionlimits.store.jdbc.Await;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EndAnnouncerTest {

  private final MutableClock clock = MutableClock.startingAt("2026-03-02T14:00:00Z");
  private final SessionStore store = SessionStore.inMemory();
  private final SessionManager sessions = new SessionManager(store, clock);
  private final List<Session> dropped = new CopyOnWriteArrayList<>();
  private final EndAnnouncer ends = new EndAnnouncer(store, 1, dropped::add);
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void close() {
    release.countDown();
    ends.close();
  }

  private String login() {
    SessionManager.LoginResult result =
        sessions.login(
            LoginAttempt.password("alice", "203.0.113.7", TestServer.FIREFOX_LINUX),
            Fixtures.unlimited());
    return ((SessionManager.LoginResult.Admitted) result).session().id();
  }

  @Test
  void anEndThatFindsTheQueueFullIsCountedAndTheEndingThreadGoesOnWhileTheStoreKeepsTheReason()
      throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    List<String> heard = new CopyOnWriteArrayList<>();
    ends.subscribe(
        session -> {
          heard.add(session.id());
          entered.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    String first = login();
    String queued = login();
    String lost = login();

    sessions.end(first, EndReason.LOGGED_OUT, null);
    assertThat(entered.await(30, TimeUnit.SECONDS)).as("the listener holds the thread").isTrue();
    sessions.end(queued, EndReason.LOGGED_OUT, null);
    sessions.end(lost, EndReason.REVOKED_BY_ADMIN, "admin");

    assertThat(dropped).extracting(Session::id).containsExactly(lost);
    assertThat(store.get(lost).orElseThrow().end().reason()).isEqualTo(EndReason.REVOKED_BY_ADMIN);
    release.countDown();
    Await.untilAsserted(
        "the queued end is told after the first",
        () -> assertThat(heard).containsExactly(first, queued));
  }

  @Test
  void aListenerThatThrowsDoesNotKeepTheOthersFromHearing() {
    List<String> heard = new CopyOnWriteArrayList<>();
    ends.subscribe(
        session -> {
          throw new IllegalStateException("a broken listener (test)");
        });
    ends.subscribe(session -> heard.add(session.id()));
    String id = login();

    sessions.end(id, EndReason.LOGGED_OUT, null);

    Await.untilAsserted("the second listener hears", () -> assertThat(heard).containsExactly(id));
    assertThat(dropped).isEmpty();
  }
}
