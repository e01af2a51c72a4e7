package dev.sessionlimits.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Simultaneous work for concurrency tests: every thread waits at a gate until all are ready, then
 * all are released at once. Shared by the store contract suite and the stores' and server's tests.
 */
public final class Burst {

  private Burst() {}

  /** A task for thread number {@code i} of a burst. */
  @FunctionalInterface
  public interface Task<T> {
    T run(int i) throws Exception;
  }

  /**
   * Runs {@code task} on {@code threads} threads released at the same moment; returns every result.
   */
  public static <T> List<T> run(int threads, Task<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int n = i;
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return task.run(n);
                }));
      }
      ready.await();
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(2, TimeUnit.MINUTES));
      }
      return Collections.unmodifiableList(results);
    } finally {
      pool.shutdownNow();
    }
  }
}
