package dev.sessionlimits.server;

import dev.sessionlimits.server.ops.Metrics;
import dev.sessionlimits.server.ops.MetricsAccess;
import dev.sessionlimits.server.ops.OpsRoutes;
import dev.sessionlimits.server.push.EndAnnouncer;
import dev.sessionlimits.server.push.PushHub;
import dev.sessionlimits.server.service.CachingUserStore;
import dev.sessionlimits.store.jdbc.JdbcOps;
import dev.sessionlimits.store.jdbc.JdbcStore;
import java.time.InstantSource;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Connects {@link Metrics} to what it watches (the session ends, the store's failures and pool, the
 * user cache, the event streams) and makes the operators' routes, so the server's constructor needs
 * one line for them.
 */
final class OpsSetup {

  private OpsSetup() {}

  /**
   * The operators' routes, with {@code metrics} watching {@code stores}, {@code users}, {@code
   * push} and the ends {@code ends} announces. The live sessions are the JDBC store's node cache,
   * or the in-memory store's live sessions (read in memory); never a database query per scrape.
   */
  static OpsRoutes routes(
      Metrics metrics,
      MetricsAccess access,
      Stores stores,
      CachingUserStore users,
      EndAnnouncer ends,
      PushHub push,
      InstantSource clock) {
    ends.subscribe(metrics::sessionEnded);
    metrics.cache(users.caffeine(), "users");
    Supplier<List<String>> readiness;
    LongSupplier live;
    if (stores.resources() instanceof JdbcStore jdbc) {
      JdbcOps ops = jdbc.ops();
      ops.observeFailures(metrics::storeFailure);
      ops.trackPool(metrics.pool());
      readiness = ops::readinessProblems;
      live = ops::cachedSessions;
      ops.sessionCache().ifPresent(cache -> metrics.cache(cache, "sessions"));
    } else {
      readiness = () -> stores.healthy().getAsBoolean() ? List.of() : List.of("store");
      live = () -> stores.sessions().liveSessions(clock.instant()).size();
    }
    metrics.gauges(live, push::streams);
    return new OpsRoutes(metrics, access, readiness);
  }
}
