package dev.sessionlimits.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.Immediate;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.Settings;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.Browser;
import dev.sessionlimits.server.Stores;
import dev.sessionlimits.server.TestServer;
import dev.sessionlimits.store.jdbc.Await;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 2: no request is decided on settings older than {@link SettingsService#MAX_AGE} or
 * older than a change the store has heard of; threads wait for the one reload rather than take the
 * old copy, and a store that does not answer makes them fail with 503, within a bound.
 */
class SettingsServiceTest {

  private static final Duration WAIT = Duration.ofMillis(300);

  /**
   * The in-memory settings store as another node would change it, with a gate that holds every
   * {@link #load} until opened, an outage switch, a load counter and a change stamp to move.
   */
  static final class GatedSettingsStore implements SettingsStore {
    final SettingsStore delegate = SettingsStore.inMemory();
    final AtomicLong stamp = new AtomicLong();
    final AtomicInteger loads = new AtomicInteger();
    final CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch gate;
    volatile boolean down;

    @Override
    public Stored load() {
      loads.incrementAndGet();
      CountDownLatch g = gate;
      if (g != null) {
        entered.countDown();
        try {
          g.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (down) {
        throw new StoreUnavailableException("connection refused (test)", null);
      }
      return delegate.load();
    }

    @Override
    public Stored save(Map<String, String> changes, long expectedVersion) {
      return delegate.save(changes, expectedVersion);
    }

    @Override
    public long changeStamp() {
      return stamp.get();
    }

    /** A change saved by another node. */
    void savedElsewhere(String name, String value) {
      delegate.save(Map.of(name, value), delegate.load().version());
    }
  }

  private final MutableClock clock = new MutableClock(TestServer.START);
  private final GatedSettingsStore store = new GatedSettingsStore();
  private final SettingsService service =
      new SettingsService(store, FileSettings.NONE, ExhaustionActions.builtIns(), clock, WAIT);

  @Test
  void whileOneThreadReloadsTheOthersWaitForItsResultRatherThanTakeTheOldSettings()
      throws Exception {
    assertThat(service.settings().sessionsPerUser()).isEqualTo(-1);
    store.savedElsewhere("SESSIONS_PER_USER", "1");
    clock.advance(SettingsService.MAX_AGE);
    store.gate = new CountDownLatch(1);
    CompletableFuture<Settings> reloading = CompletableFuture.supplyAsync(service::settings);
    assertThat(store.entered.await(5, TimeUnit.SECONDS)).as("the first thread reloads").isTrue();

    CompletableFuture<Settings> other = new CompletableFuture<>();
    Thread thread = new Thread(() -> other.complete(service.settings()));
    thread.start();
    Await.until(
        "the other thread waits or answers",
        Duration.ofSeconds(5),
        () -> other.isDone() || thread.getState() == Thread.State.TIMED_WAITING);
    store.gate.countDown();

    assertThat(other.get(5, TimeUnit.SECONDS).sessionsPerUser())
        .as("not the old copy")
        .isEqualTo(1);
    assertThat(reloading.get(5, TimeUnit.SECONDS).sessionsPerUser()).isEqualTo(1);
    assertThat(store.loads).as("one reload for both").hasValue(2);
  }

  @Test
  void aVerifyFindingTheCopyOldIsAnsweredWithItWhileOneReloadRunsInTheBackground()
      throws Exception {
    assertThat(service.settings().sessionsPerUser()).isEqualTo(-1);
    store.savedElsewhere("SESSIONS_PER_USER", "3");
    clock.advance(SettingsService.REFRESH_AGE);
    store.gate = new CountDownLatch(1);

    for (int i = 0; i < 10; i++) {
      assertThat(service.settingsWithoutWaiting())
          .as("the copy, still fresh, answered at once")
          .isEqualTo(Immediate.known(service.current().settings()));
    }
    assertThat(store.entered.await(5, TimeUnit.SECONDS)).as("a reload started").isTrue();
    store.gate.countDown();
    Await.until(
        "the reload in force",
        Duration.ofSeconds(5),
        () ->
            service.settingsWithoutWaiting() instanceof Immediate.Known<Settings> known
                && known.value().sessionsPerUser() == 3);
    clock.advance(SettingsService.MAX_AGE.minus(SettingsService.REFRESH_AGE));

    assertThat(service.settingsWithoutWaiting())
        .as("a second after the first copy, the reloaded one")
        .isInstanceOf(Immediate.Known.class);
    assertThat(store.loads).as("one reload however many verifies asked").hasValue(2);
  }

  @Test
  void aChangeTheStoreHeardOfIsReadAtOnceWithinTheSecond() {
    assertThat(service.settings().sessionsPerUser()).isEqualTo(-1);
    assertThat(service.settingsWithoutWaiting()).isInstanceOf(Immediate.Known.class);

    store.savedElsewhere("SESSIONS_PER_USER", "2");
    store.stamp.incrementAndGet();

    assertThat(service.settingsWithoutWaiting())
        .as("the verify path hands over")
        .isInstanceOf(Immediate.MustWait.class);
    assertThat(service.settings().sessionsPerUser()).isEqualTo(2);
    assertThat(service.settingsWithoutWaiting()).isInstanceOf(Immediate.Known.class);
  }

  @Test
  void settingsTooOldAreNotUsedWhenTheStoreIsDown() {
    assertThat(service.settings().sessionsPerUser()).isEqualTo(-1);
    store.down = true;
    clock.advance(SettingsService.MAX_AGE);

    assertThat(service.settingsWithoutWaiting()).isInstanceOf(Immediate.MustWait.class);
    assertThatThrownBy(service::settings).isInstanceOf(StoreUnavailableException.class);

    store.down = false;
    assertThat(service.settings().sessionsPerUser()).isEqualTo(-1);
  }

  @Test
  void aThreadWaitingForAReloadThatDoesNotAnswerGivesUpWithinTheBound() throws Exception {
    service.settings();
    clock.advance(SettingsService.MAX_AGE);
    store.gate = new CountDownLatch(1);
    CompletableFuture<Settings> stuck = CompletableFuture.supplyAsync(service::settings);
    assertThat(store.entered.await(5, TimeUnit.SECONDS)).isTrue();
    try {
      long start = System.nanoTime();
      assertThatThrownBy(service::settings)
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("did not answer");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(WAIT, WAIT.multipliedBy(5));
    } finally {
      store.gate.countDown();
      stuck.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aLoginThatNeedsFreshSettingsWhileTheSettingsStoreIsDownIs503AndOpensNoSession() {
    GatedSettingsStore settings = new GatedSettingsStore();
    SessionStore sessions = SessionStore.inMemory();
    Stores stores =
        new Stores(sessions, UserStore.inMemory(), settings, AuditLog.inMemory(), () -> true, null);
    try (TestServer t = TestServer.start(stores, Map.of(), b -> {})) {
      t.createUser("alice", "alice-plum-harbor-lantern");
      t.settings("{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
      settings.down = true;
      t.clock.advance(SettingsService.MAX_AGE);

      Browser.Response login = t.browser().login("alice", "alice-plum-harbor-lantern");

      assertThat(login.status()).as(login.toString()).isEqualTo(503);
      assertThat(login.error()).isEqualTo("store_unavailable");
      assertThat(sessions.liveSessionsOfUser("alice", t.clock.instant())).isEmpty();
    }
  }
}
