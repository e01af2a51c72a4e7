package dev.sessionlimits.core;

import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

/**
 * What the parts of the {@link SessionStoreContract} share: the store under test, the sessions it
 * announced as ended, the times and addresses the tests use, what a store may change about the
 * tests, and helpers.
 */
public interface StoreUnderContract {

  Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  String IP_A = "203.0.113.7";
  String IP_B = "198.51.100.4";

  /** The store under test, new and empty for each test. */
  SessionStore store();

  /** The sessions the store announced to its subscribers as ended, in order. */
  List<Session> announced();

  /** How many threads the concurrent bursts use; a store may lower it to fit its pool. */
  default int burstThreads() {
    return 64;
  }

  /** How many times each burst runs, each time for a new user or address. */
  default int burstRounds() {
    return 5;
  }

  /**
   * Whether this store answers a live session it has just read from memory, without waiting ({@link
   * SessionStore#findWithoutWaiting}); a store that never does answers {@code MustWait} and passes.
   */
  default boolean answersLiveSessionsWithoutWaiting() {
    return false;
  }

  /** Opens {@code candidate}, which must be admitted, and answers the session opened. */
  default Session opened(Session candidate, QuotaPolicy policy) {
    OpenResult result = store().open(candidate, policy);
    assertThat(result).as("opening %s", candidate.id()).isInstanceOf(OpenResult.Opened.class);
    return ((OpenResult.Opened) result).session();
  }

  /**
   * Opens {@code candidate}, which must be admitted, and answers the sessions its opening ended,
   * each checked ended for the limit.
   */
  default List<Session> openedWithEnded(Session candidate, QuotaPolicy policy) {
    OpenResult result = store().open(candidate, policy);
    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    List<Session> ended = ((OpenResult.Opened) result).ended();
    ended.forEach(
        s -> {
          assertThat(s.end()).isNotNull();
          assertThat(s.end().reason()).isEqualTo(EndReason.SESSION_LIMIT_REACHED);
          assertThat(store().find(s.tokenHash(), candidate.createdAt()))
              .isInstanceOf(Lookup.Ended.class);
        });
    return ended;
  }
}
