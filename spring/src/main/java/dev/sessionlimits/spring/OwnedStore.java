package dev.sessionlimits.spring;

import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.spring.SessionlimitsProperties.Store;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.util.ClassUtils;

/**
 * The session store the starter made (never one the application declared): in memory or {@code
 * JdbcStore.using(the application's DataSource)}. It purges expired sessions and old tombstones
 * every minute and is closed with the application context; the DataSource stays the application's.
 */
final class OwnedStore implements AutoCloseable {

  private static final String JDBC_STORE = "dev.sessionlimits.store.jdbc.JdbcStore";

  private final SessionStore sessions;
  private final Runnable closer;
  private final ScheduledExecutorService purger;

  private OwnedStore(SessionStore sessions, Runnable closer, InstantSource clock) {
    this.sessions = sessions;
    this.closer = closer;
    this.purger =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "sessionlimits-purge");
              thread.setDaemon(true);
              return thread;
            });
    purger.scheduleWithFixedDelay(() -> purge(clock), 1, 1, TimeUnit.MINUTES);
  }

  /**
   * The store {@code mode} asks for: {@code auto} is JDBC when the JDBC store is on the classpath
   * and {@code dataSource} is not null (the one DataSource bean), else memory.
   *
   * @throws IllegalStateException for {@code jdbc} without the JDBC store or a DataSource
   */
  static OwnedStore create(Store mode, DataSource dataSource, InstantSource clock) {
    boolean jdbcPresent = ClassUtils.isPresent(JDBC_STORE, OwnedStore.class.getClassLoader());
    boolean jdbc =
        switch (mode) {
          case MEMORY -> false;
          case AUTO -> jdbcPresent && dataSource != null;
          case JDBC -> {
            if (!jdbcPresent) {
              throw new IllegalStateException(
                  "sessionlimits.store=jdbc needs dev.sessionlimits:sessionlimits-store-jdbc on the"
                      + " classpath; add it, or set sessionlimits.store=memory");
            }
            if (dataSource == null) {
              throw new IllegalStateException(
                  "sessionlimits.store=jdbc needs exactly one DataSource bean; there is none or"
                      + " more than one (declare a SessionStore bean to choose)");
            }
            yield true;
          }
        };
    if (jdbc) {
      var store = dev.sessionlimits.store.jdbc.JdbcStore.using(dataSource);
      return new OwnedStore(store.sessions(), store::close, clock);
    }
    SessionStore memory = SessionStore.inMemory();
    return new OwnedStore(memory, memory::close, clock);
  }

  SessionStore sessions() {
    return sessions;
  }

  private void purge(InstantSource clock) {
    try {
      sessions.purge(clock.instant());
    } catch (RuntimeException e) {
      // the store reports its own failures; the next run tries again
    }
  }

  @Override
  public void close() {
    purger.shutdownNow();
    closer.run();
  }
}
