package dev.sessionlimits.server;

import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.server.service.LoginThrottle;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background clean-up of a node: expired sessions and old tombstones in the store, and login
 * failure counts past their window. A failed round is logged and tried again at the next one.
 */
final class Purger implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Purger.class);

  private final SessionStore sessions;
  private final LoginThrottle throttle;
  private final InstantSource clock;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "sessionlimits-purge");
            t.setDaemon(true);
            return t;
          });

  Purger(SessionStore sessions, LoginThrottle throttle, InstantSource clock) {
    this.sessions = sessions;
    this.throttle = throttle;
    this.clock = clock;
  }

  /** Purges every {@code interval} from now on. */
  void start(Duration interval) {
    long every = interval.toMillis();
    executor.scheduleWithFixedDelay(this::purgeNow, every, every, TimeUnit.MILLISECONDS);
  }

  /** One round, on the caller's thread. */
  void purgeNow() {
    try {
      SessionStore.PurgeResult result = sessions.purge(clock.instant());
      if (result.expired() + result.forgotten() > 0) {
        LOG.debug(
            "Purge: {} sessions expired, {} tombstones forgotten",
            result.expired(),
            result.forgotten());
      }
    } catch (RuntimeException e) {
      LOG.warn("Purging expired sessions failed; will try again: {}", e.toString());
    }
    try {
      int forgotten = throttle.purge();
      if (forgotten > 0) {
        LOG.debug("Purge: {} login failure counts forgotten", forgotten);
      }
    } catch (RuntimeException e) {
      LOG.warn("Purging old login failure counts failed; will try again: {}", e.toString());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
