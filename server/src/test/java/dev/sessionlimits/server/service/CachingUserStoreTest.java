package dev.sessionlimits.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.Immediate;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.store.jdbc.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingUserStoreTest {

  private static final Instant T0 = Instant.parse("2026-03-02T14:00:00Z");

  /** The shared store as another node would change it, counting the reads that reach it. */
  private final AtomicInteger reads = new AtomicInteger();

  private final UserStore shared = new ForwardingUsers(UserStore.inMemory(), reads);
  private final MutableClock clock = new MutableClock(T0);
  private final CachingUserStore users = new CachingUserStore(shared, clock);

  private static User alice(boolean admin) {
    return new User("alice", null, admin, false, null, T0, T0);
  }

  @Test
  void repeatedLookupsWithinASecondReadTheStoreOnce() {
    shared.create(alice(false));

    for (int i = 0; i < 100; i++) {
      assertThat(users.find("alice")).isPresent();
    }

    assertThat(reads.get()).isEqualTo(1);
  }

  @Test
  void withoutWaitingItAnswersOnlyWhatItHoldsAndFresh() {
    shared.create(alice(false));
    assertThat(users.findWithoutWaiting("alice"))
        .as("never read")
        .isInstanceOf(Immediate.MustWait.class);
    assertThat(users.findWithoutWaiting("nobody")).isInstanceOf(Immediate.MustWait.class);

    users.find("alice");
    users.find("nobody");

    assertThat(((Immediate.Known<Optional<User>>) users.findWithoutWaiting("alice")).value())
        .hasValueSatisfying(u -> assertThat(u.username()).isEqualTo("alice"));
    assertThat(users.findWithoutWaiting("nobody")).isEqualTo(Immediate.known(Optional.empty()));
    clock.advance(CachingUserStore.STALENESS);
    assertThat(users.findWithoutWaiting("alice"))
        .as("stale")
        .isInstanceOf(Immediate.MustWait.class);
    assertThat(reads.get()).isEqualTo(2);
  }

  @Test
  void aUserAskedForPastTheRefreshAgeIsReadAgainInTheBackgroundWhileTheCopyIsAnswered() {
    shared.create(alice(true));
    users.find("alice");
    shared.update(alice(false));
    clock.advance(CachingUserStore.REFRESH_AGE.plusMillis(1));

    assertThat(users.findWithoutWaiting("alice"))
        .as("answered at once, the copy or what the background read just brought")
        .isInstanceOf(Immediate.Known.class);
    Await.until(
        "the change read in the background",
        Duration.ofSeconds(5),
        () ->
            users.findWithoutWaiting("alice") instanceof Immediate.Known<Optional<User>> known
                && known.value().map(u -> !u.admin()).orElse(false));
    clock.advance(CachingUserStore.STALENESS.minus(CachingUserStore.REFRESH_AGE));
    assertThat(users.findWithoutWaiting("alice"))
        .as("a second after the first read, still cached: it was read again")
        .isInstanceOf(Immediate.Known.class);
    assertThat(reads.get()).isEqualTo(2);
  }

  @Test
  void aChangeOnAnotherNodeIsSeenAfterAtMostASecond() {
    shared.create(alice(true));
    assertThat(users.find("alice")).hasValueSatisfying(u -> assertThat(u.admin()).isTrue());

    shared.update(alice(false));
    clock.advance(CachingUserStore.STALENESS);

    assertThat(users.find("alice")).hasValueSatisfying(u -> assertThat(u.admin()).isFalse());
  }

  @Test
  void aChangeMadeOnThisNodeIsSeenAtOnceAndAdministrationReadsFresh() {
    shared.create(alice(true));
    assertThat(users.find("alice")).hasValueSatisfying(u -> assertThat(u.admin()).isTrue());

    users.uncached().update(alice(false));

    assertThat(users.find("alice")).hasValueSatisfying(u -> assertThat(u.admin()).isFalse());
    shared.update(alice(true));
    assertThat(users.uncached().find("alice"))
        .hasValueSatisfying(u -> assertThat(u.admin()).isTrue());
  }

  /** Forwards to a store and counts finds. */
  private record ForwardingUsers(UserStore store, AtomicInteger reads) implements UserStore {
    @Override
    public Optional<User> find(String username) {
      reads.incrementAndGet();
      return store.find(username);
    }

    @Override
    public java.util.List<User> list() {
      return store.list();
    }

    @Override
    public boolean create(User user) {
      return store.create(user);
    }

    @Override
    public boolean update(User user) {
      return store.update(user);
    }

    @Override
    public boolean delete(String username) {
      return store.delete(username);
    }
  }
}
