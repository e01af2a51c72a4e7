package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SecondFactors} must have: a code is accepted once per time step and a
 * recovery code once, however many nodes try at the same moment; a confirmed factor is never
 * replaced by a new enrolment. A store's test class extends this and says how to make a fresh,
 * empty store.
 */
public abstract class SecondFactorsContract {

  private static final Instant T0 = Instant.parse("2026-03-02T08:00:00.123456Z");
  private static final String SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  private static final String OTHER_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  private static final int THREADS = 8;

  protected SecondFactors store;

  /** A new, empty store; closed after the test if it is {@link AutoCloseable}. */
  protected abstract SecondFactors createStore() throws Exception;

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

  @Test
  void anEnrolmentIsPendingUntilACodeIsAcceptedAndThenConfirmed() {
    assertThat(store.find("alice")).isEmpty();

    assertThat(store.beginEnrolment("alice", SECRET, T0)).isTrue();
    TotpFactor pending = store.find("alice").orElseThrow();
    assertThat(pending.confirmed()).isFalse();
    assertThat(pending.secret()).isEqualTo(SECRET);
    assertThat(pending.enrolledAt()).isEqualTo(T0);
    assertThat(pending.lastUsedStep()).isEqualTo(-1);

    assertThat(store.acceptStep("alice", SECRET, 100, T0.plusSeconds(20))).isTrue();
    TotpFactor confirmed = store.find("alice").orElseThrow();
    assertThat(confirmed.confirmedAt()).contains(T0.plusSeconds(20));
    assertThat(confirmed.lastUsedStep()).isEqualTo(100);
  }

  @Test
  void aCodeForAStepAtOrBeforeTheLastAcceptedOneIsAReplay() {
    store.beginEnrolment("alice", SECRET, T0);
    assertThat(store.acceptStep("alice", SECRET, 100, T0)).isTrue();

    assertThat(store.acceptStep("alice", SECRET, 100, T0)).isFalse();
    assertThat(store.acceptStep("alice", SECRET, 99, T0)).isFalse();
    assertThat(store.acceptStep("alice", SECRET, 101, T0)).isTrue();
    assertThat(store.find("alice").orElseThrow().confirmedAt()).contains(T0);
  }

  @Test
  void aCodeCheckedAgainstASecretReplacedMeanwhileIsNotAccepted() {
    store.beginEnrolment("alice", SECRET, T0);
    store.beginEnrolment("alice", OTHER_SECRET, T0.plusSeconds(1));

    assertThat(store.acceptStep("alice", SECRET, 100, T0)).isFalse();
    assertThat(store.acceptStep("bob", SECRET, 100, T0)).isFalse();
    assertThat(store.find("alice").orElseThrow().secret()).isEqualTo(OTHER_SECRET);
    assertThat(store.find("bob")).isEmpty();
  }

  @Test
  void aConfirmedFactorIsNotReplacedByANewEnrolmentUntilItIsRemoved() {
    store.beginEnrolment("alice", SECRET, T0);
    store.acceptStep("alice", SECRET, 100, T0);

    assertThat(store.beginEnrolment("alice", OTHER_SECRET, T0)).isFalse();
    assertThat(store.find("alice").orElseThrow().secret()).isEqualTo(SECRET);

    store.forget("alice");
    assertThat(store.find("alice")).isEmpty();
    assertThat(store.beginEnrolment("alice", OTHER_SECRET, T0)).isTrue();
  }

  @Test
  void ofSimultaneousCodesForOneStepExactlyOneIsAccepted() throws Exception {
    store.beginEnrolment("alice", SECRET, T0);
    List<Callable<Boolean>> tries = new ArrayList<>();
    for (int i = 0; i < THREADS * 4; i++) {
      tries.add(() -> store.acceptStep("alice", SECRET, 500, T0));
    }

    assertThat(countTrue(tries)).isEqualTo(1);
  }

  @Test
  void aRecoveryCodeIsUsedOnceAndNewCodesReplaceTheOldOnes() {
    store.replaceRecoveryCodes("alice", List.of("hash-1", "hash-2", "hash-3"));
    assertThat(store.unusedRecoveryCodes("alice")).isEqualTo(3);

    assertThat(store.useRecoveryCode("alice", "hash-2")).isTrue();
    assertThat(store.useRecoveryCode("alice", "hash-2")).isFalse();
    assertThat(store.useRecoveryCode("bob", "hash-1")).isFalse();
    assertThat(store.unusedRecoveryCodes("alice")).isEqualTo(2);

    store.replaceRecoveryCodes("alice", List.of("hash-4"));
    assertThat(store.useRecoveryCode("alice", "hash-1")).isFalse();
    assertThat(store.unusedRecoveryCodes("alice")).isEqualTo(1);

    store.forget("alice");
    assertThat(store.unusedRecoveryCodes("alice")).isZero();
  }

  @Test
  void ofSimultaneousUsesOfOneRecoveryCodeExactlyOneSucceeds() throws Exception {
    store.replaceRecoveryCodes("alice", List.of("hash-1", "hash-2"));
    List<Callable<Boolean>> tries = new ArrayList<>();
    for (int i = 0; i < THREADS * 4; i++) {
      tries.add(() -> store.useRecoveryCode("alice", "hash-1"));
    }

    assertThat(countTrue(tries)).isEqualTo(1);
    assertThat(store.unusedRecoveryCodes("alice")).isEqualTo(1);
  }

  @Test
  void aSecretThatIsShortOrNotBase32IsRefusedBeforeItIsStored() {
    assertThatThrownBy(() -> store.beginEnrolment("alice", "JBSWY3DP", T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 26");
    assertThatThrownBy(() -> store.beginEnrolment("alice", SECRET.toLowerCase(), T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.find("alice")).isEmpty();
  }

  private static int countTrue(List<Callable<Boolean>> tries) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      int accepted = 0;
      for (Future<Boolean> result : pool.invokeAll(tries)) {
        if (result.get()) {
          accepted++;
        }
      }
      return accepted;
    } finally {
      pool.shutdownNow();
    }
  }
}
