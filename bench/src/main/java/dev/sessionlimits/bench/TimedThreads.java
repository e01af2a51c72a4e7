package dev.sessionlimits.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Threads released together, run for a set time and joined: the timing that {@link OpenCpu} and
 * {@link OpenCeiling} share, so that their rates are taken over the same span (from the release to
 * the last thread's end). Each thread waits in {@link #released} and loops until {@link #stopped}.
 */
final class TimedThreads {

  private final CountDownLatch start = new CountDownLatch(1);
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  /** {@code body}, run once the threads are released (not at all if interrupted before). */
  Runnable released(Runnable body) {
    return () -> {
      try {
        start.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      body.run();
    };
  }

  /** Whether the time is up: each body polls it between units of work. */
  boolean stopped() {
    return stop.get();
  }

  /** Adds a started thread that runs a {@link #released} body. */
  void add(Thread thread) {
    threads.add(thread);
  }

  /**
   * Releases every thread, lets them run for {@code seconds}, stops them and waits for each to end;
   * the nanoseconds from the release to the last end.
   */
  long run(double seconds) throws InterruptedException {
    long wall = System.nanoTime();
    start.countDown();
    TimeUnit.MILLISECONDS.sleep((long) (seconds * 1000));
    stop.set(true);
    for (Thread thread : threads) {
      thread.join();
    }
    return System.nanoTime() - wall;
  }
}
