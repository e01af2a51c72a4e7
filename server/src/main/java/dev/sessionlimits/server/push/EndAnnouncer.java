package dev.sessionlimits.server.push;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionListener;
import dev.sessionlimits.core.SessionStore;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells this server's listeners (the push hub, the metrics) of every session the store ended, on a
 * thread of its own, so the request that ended it (often a login that evicted another session)
 * answers without waiting for them.
 *
 * <p>Design note. The store calls {@link #sessionEnded} after its commit, on the ending thread; the
 * end is already durable with its reason (a later request with the token gets 401 {@code
 * session_ended} saying why, and a stream opened after the commit finds the end itself: {@link
 * PushHub#open}). What is handed on here is only the telling. One thread, one FIFO queue: ends are
 * told in the order the store reported them, so a user's ends never overtake each other. The queue
 * is bounded ({@code capacity}); when it is full the notice is not queued, and not told on the
 * ending thread either (a stuck listener must never hold logins): it is counted ({@code dropped})
 * and logged (the first, then a count at most every 10 s), and the browser learns the reason at its
 * next request or reconnect. Listeners must be quick; a slow one delays the listeners after it,
 * never a request.
 */
public final class EndAnnouncer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EndAnnouncer.class);

  /** How many ends may wait to be told before new ones are dropped (and counted). */
  public static final int DEFAULT_CAPACITY = 100_000;

  /** At most one warning about dropped ends in this time; the others are counted into it. */
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
  private final ThreadPoolExecutor executor;
  private final Consumer<Session> dropped;
  private final SessionStore.Subscription subscription;
  private final AtomicLong droppedSinceWarning = new AtomicLong();
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

  /**
   * Subscribes to {@code store} at once.
   *
   * @param capacity how many ends may wait to be told, at least 1
   * @param dropped told (on the ending thread) of each end not queued because the queue was full
   */
  public EndAnnouncer(SessionStore store, int capacity, Consumer<Session> dropped) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.dropped = requireNonNull(dropped, "dropped");
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(capacity),
            r -> {
              Thread t = new Thread(r, "sessionlimits-end-notices");
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    this.subscription = store.subscribe(this::sessionEnded);
  }

  /**
   * Tells {@code listener} of every end from now on, after the ending request's thread moved on.
   */
  public SessionStore.Subscription subscribe(SessionListener listener) {
    requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Ends waiting to be told. */
  public int waiting() {
    return executor.getQueue().size();
  }

  private void sessionEnded(Session session) {
    try {
      executor.execute(() -> tell(session));
    } catch (RejectedExecutionException e) {
      if (executor.isShutdown()) {
        return;
      }
      dropped.accept(session);
      warnDropped(session);
    }
  }

  /** A warning for the first drop, then at most one every 10 s with the count (a purge wave). */
  private void warnDropped(Session session) {
    long count = droppedSinceWarning.incrementAndGet();
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
      long since = droppedSinceWarning.getAndSet(0);
      LOG.warn(
          "{} session ends are waiting to be told, so {} were not pushed (the last: session {},"
              + " token {}…, {}); each is stored with its reason, and its browser learns it at its"
              + " next request",
          executor.getQueue().size(),
          Math.max(since, count),
          session.id(),
          session.tokenHash().prefix(),
          session.end() == null ? "?" : session.end().reason().code());
    } else {
      LOG.debug("The end of session {} was not pushed: the queue is full", session.id());
    }
  }

  private void tell(Session session) {
    for (SessionListener listener : listeners) {
      try {
        listener.sessionEnded(session);
      } catch (RuntimeException e) {
        LOG.warn(
            "A session listener failed for session {} (token {}…); the others are still told",
            session.id(),
            session.tokenHash().prefix(),
            e);
      }
    }
  }

  /** Stops listening to the store; ends already queued are still told, for at most a second. */
  @Override
  public void close() {
    subscription.close();
    executor.shutdown();
    try {
      if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    listeners.clear();
  }
}
