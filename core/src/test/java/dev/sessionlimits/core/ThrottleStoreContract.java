package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.ThrottleStore.Failures;
import dev.sessionlimits.core.ThrottleStore.Key;
import dev.sessionlimits.core.ThrottleStore.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ThrottleStore} must have: counts that grow atomically however many
 * count at once, are forgotten by age, and kept apart by kind; and one secret per name for every
 * caller. A store's test class extends this and says how to make a fresh, empty store.
 */
public abstract class ThrottleStoreContract {

  protected static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private static final Duration HOUR = Duration.ofHours(1);

  protected ThrottleStore store;

  /** A new, empty store; closed after the test if it is {@link AutoCloseable}. */
  protected abstract ThrottleStore createStore() throws Exception;

  /** A second store on the same data as {@link #store} (another node), or {@link #store} itself. */
  protected ThrottleStore sameData() throws Exception {
    return store;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = createStore();
  }

  @AfterEach
  void closeStore() throws Exception {
    if (store instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  private static Key user(String name) {
    return new Key(Kind.USER, name);
  }

  @Test
  void eachFailureAddsOneAndTheLastFailureIsKept() {
    Key alice = user("alice");
    assertThat(store.countFailure(alice, T0, T0.minus(HOUR))).isEqualTo(new Failures(1, T0));
    Instant later = T0.plusSeconds(5);
    assertThat(store.countFailure(alice, later, later.minus(HOUR)))
        .isEqualTo(new Failures(2, later));

    assertThat(store.failures(List.of(alice, user("bob")), later.minus(HOUR)))
        .containsExactlyEntriesOf(java.util.Map.of(alice, new Failures(2, later)));
  }

  @Test
  void anEarlierFailureCountsButDoesNotMoveTheLastFailureBack() {
    Key alice = user("alice");
    store.countFailure(alice, T0.plusSeconds(10), T0.minus(HOUR));
    assertThat(store.countFailure(alice, T0, T0.minus(HOUR)))
        .isEqualTo(new Failures(2, T0.plusSeconds(10)));
  }

  @Test
  void kindsAreCountedApart() {
    Key asUser = new Key(Kind.USER, "10.0.0.1");
    Key asAddress = new Key(Kind.ADDRESS, "10.0.0.1");
    Key asDevice = new Key(Kind.DEVICE, "10.0.0.1");
    store.countFailure(asUser, T0, T0.minus(HOUR));
    store.countFailure(asUser, T0, T0.minus(HOUR));
    store.countFailure(asAddress, T0, T0.minus(HOUR));

    assertThat(store.failures(List.of(asUser, asAddress, asDevice), T0.minus(HOUR)))
        .containsOnlyKeys(asUser, asAddress)
        .containsEntry(asUser, new Failures(2, T0))
        .containsEntry(asAddress, new Failures(1, T0));
  }

  @Test
  void aCountOlderThanSinceIsNotReadAndStartsAgain() {
    Key alice = user("alice");
    store.countFailure(alice, T0, T0.minus(HOUR));
    store.countFailure(alice, T0, T0.minus(HOUR));
    Instant muchLater = T0.plus(HOUR).plusSeconds(1);

    assertThat(store.failures(List.of(alice), muchLater.minus(HOUR))).isEmpty();
    assertThat(store.countFailure(alice, muchLater, muchLater.minus(HOUR)))
        .isEqualTo(new Failures(1, muchLater));
  }

  @Test
  void aClearedCountStartsAgain() {
    Key alice = user("alice");
    store.countFailure(alice, T0, T0.minus(HOUR));
    store.countFailure(alice, T0, T0.minus(HOUR));
    store.clearFailures(alice);
    store.clearFailures(user("nobody"));

    assertThat(store.failures(List.of(alice), T0.minus(HOUR))).isEmpty();
    assertThat(store.countFailure(alice, T0, T0.minus(HOUR)).count()).isEqualTo(1);
  }

  @Test
  void purgeForgetsOnlyTheCountsLastFailedBeforeItsInstant() {
    store.countFailure(user("old"), T0, T0.minus(HOUR));
    store.countFailure(user("new"), T0.plusSeconds(60), T0.minus(HOUR));

    assertThat(store.purgeFailures(T0.plusSeconds(30))).isEqualTo(1);
    assertThat(store.failures(List.of(user("old"), user("new")), T0.minus(HOUR)))
        .containsOnlyKeys(user("new"));
  }

  @Test
  void simultaneousFailuresAreEachCountedOnce() throws Exception {
    Key alice = user("alice");
    ThrottleStore other = sameData();
    int threads = 16;
    int each = 5;

    List<List<Integer>> seen =
        Burst.run(
            threads,
            i -> {
              ThrottleStore s = (i % 2 == 0) ? store : other;
              List<Integer> counts = new java.util.ArrayList<>();
              for (int n = 0; n < each; n++) {
                counts.add(s.countFailure(alice, T0, T0.minus(HOUR)).count());
              }
              return counts;
            });

    Set<Integer> all = new HashSet<>();
    seen.forEach(all::addAll);
    assertThat(all).hasSize(threads * each);
    assertThat(store.failures(List.of(alice), T0.minus(HOUR)).get(alice).count())
        .isEqualTo(threads * each);
  }

  @Test
  void everyCallerGetsTheSameSecretWhoeverStoredItFirst() throws Exception {
    ThrottleStore other = sameData();

    List<byte[]> secrets =
        Burst.run(
            8,
            i ->
                ((i % 2 == 0) ? store : other)
                    .secret("device-key", () -> ("secret-" + i).getBytes(StandardCharsets.UTF_8)));

    byte[] first = secrets.get(0);
    assertThat(new String(first, StandardCharsets.UTF_8)).startsWith("secret-");
    assertThat(secrets).allSatisfy(s -> assertThat(s).isEqualTo(first));
    assertThat(store.secret("device-key", () -> new byte[] {1})).isEqualTo(first);
    assertThat(store.secret("other-key", () -> new byte[] {1, 2})).isEqualTo(new byte[] {1, 2});
  }
}
