package dev.sessionlimits.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimedThreadsTest {

  @Test
  void nothingRunsBeforeTheReleaseAndEveryThreadHasEndedWhenTheRunReturns() throws Exception {
    TimedThreads timed = new TimedThreads();
    AtomicInteger started = new AtomicInteger();
    AtomicLong units = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread thread =
          new Thread(
              timed.released(
                  () -> {
                    started.incrementAndGet();
                    while (!timed.stopped()) {
                      units.incrementAndGet();
                      Thread.onSpinWait();
                    }
                  }));
      thread.start();
      timed.add(thread);
      threads.add(thread);
    }
    for (Thread thread : threads) {
      waitUntilWaiting(thread);
    }
    assertThat(started).hasValue(0);

    long wall = timed.run(0.05);

    assertThat(started).hasValue(3);
    assertThat(units.get()).isPositive();
    assertThat(threads).noneMatch(Thread::isAlive);
    assertThat(timed.stopped()).isTrue();
    assertThat(wall).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
  }

  private static void waitUntilWaiting(Thread thread) throws InterruptedException {
    while (thread.getState() != Thread.State.WAITING) {
      Thread.sleep(1);
    }
  }
}
