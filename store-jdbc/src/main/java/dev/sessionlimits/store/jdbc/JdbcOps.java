package dev.sessionlimits.store.jdbc;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What an operator asks of a {@link JdbcStore} besides its data: is it ready to serve, how do its
 * calls fail, how busy is its pool, how many sessions does this node hold in its cache. Obtained
 * from {@link JdbcStore#ops()}.
 */
public final class JdbcOps {

  private final HealthCheck health;
  private final ClusterListener listener;
  private final Database db;
  private final HikariDataSource ownPool;
  private final SessionCache cache;

  JdbcOps(
      HealthCheck health,
      ClusterListener listener,
      Database db,
      HikariDataSource ownPool,
      SessionCache cache) {
    this.health = health;
    this.listener = listener;
    this.db = db;
    this.ownPool = ownPool;
    this.cache = cache;
  }

  /**
   * What keeps this node from serving, for the readiness probe; empty when it is ready. {@code
   * "database"}: a write (inserted and rolled back, within a second) failed; {@code
   * "cluster_listener"}: on PostgreSQL, the listener that hears of other nodes' session ends is not
   * connected, so this node reads every session from the database. Migrations need no check: a
   * store exists only once they have run.
   */
  public List<String> readinessProblems() {
    List<String> problems = new ArrayList<>(2);
    if (!health.canWrite()) {
      problems.add("database");
    }
    if (listener != null && !listener.alive()) {
      problems.add("cluster_listener");
    }
    return problems;
  }

  /**
   * Tells {@code observer} the kind of every failed database call ({@code conflict}, {@code
   * unavailable}, {@code busy}, {@code error}; retried conflicts included): for metrics.
   */
  public void observeFailures(Consumer<String> observer) {
    requireNonNull(observer, "observer");
    db.observeFailures(kind -> observer.accept(kind.name().toLowerCase(Locale.ROOT)));
  }

  /**
   * Reports the store's own HikariCP pool to {@code factory} (HikariCP's metrics); at most once. A
   * store on a given {@code DataSource} reports nothing.
   */
  public void trackPool(MetricsTrackerFactory factory) {
    if (ownPool != null) {
      ownPool.setMetricsTrackerFactory(requireNonNull(factory, "factory"));
    }
  }

  /**
   * How many sessions this node's cache holds (an estimate, without I/O): the live sessions this
   * node opened or read recently; 0 without a cache.
   */
  public long cachedSessions() {
    return (cache == null) ? 0 : cache.estimatedSize();
  }

  /**
   * This node's session cache, for its size, hit, miss and eviction metrics (Micrometer's {@code
   * CaffeineCacheMetrics}); empty without one. Never for reading sessions: that bypasses its rules.
   */
  public Optional<Cache<?, ?>> sessionCache() {
    return (cache == null) ? Optional.empty() : Optional.of(cache.caffeine());
  }
}
