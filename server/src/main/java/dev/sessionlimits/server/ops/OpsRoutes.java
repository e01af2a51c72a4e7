package dev.sessionlimits.server.ops;

import static dev.sessionlimits.server.http.Json.map;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ClientAddresses;
import dev.sessionlimits.server.http.Sentence;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of operators' tools: {@code GET /metrics} for Prometheus (to the peers of {@link
 * MetricsAccess} only), {@code GET /healthz/live} (the process answers) and {@code GET
 * /healthz/ready} (it can serve: its store answers and takes writes). {@code /healthz} stays in
 * {@code AuthRoutes}, as it was.
 */
public final class OpsRoutes {

  /** The content type of the Prometheus text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(OpsRoutes.class);

  private final Metrics metrics;
  private final ClientAddresses scrapers;
  private final Supplier<List<String>> readinessProblems;

  /**
   * @param readinessProblems the names of the checks that fail now, empty when the node is ready
   */
  public OpsRoutes(
      Metrics metrics, MetricsAccess access, Supplier<List<String>> readinessProblems) {
    this.metrics = requireNonNull(metrics, "metrics");
    this.scrapers = new ClientAddresses(access.allowed());
    this.readinessProblems = requireNonNull(readinessProblems, "readinessProblems");
  }

  /** Adds {@code /metrics}, {@code /healthz/live} and {@code /healthz/ready} to {@code routes}. */
  public void register(RoutesConfig routes) {
    routes.get("/metrics", this::metrics);
    routes.get("/healthz/live", ctx -> ctx.json(map("status", "up")));
    routes.get("/healthz/ready", this::ready);
  }

  private void metrics(Context ctx) {
    // The socket's peer: a forwarded address is the client's word, and the scraper talks to us.
    String peer = ctx.req().getRemoteAddr();
    if (!scrapers.isTrustedPeer(peer)) {
      throw ApiError.METRICS_NOT_ALLOWED.exception(MetricsAccess.VARIABLE);
    }
    String text =
        metrics
            .scrape()
            .orElseThrow(() -> ApiError.NOT_FOUND.exception(Sentence.of("ops.no_metrics")));
    ctx.contentType(PROMETHEUS_TEXT).result(text);
  }

  private void ready(Context ctx) {
    List<String> failed;
    try {
      failed = readinessProblems.get();
    } catch (RuntimeException e) {
      LOG.warn("The readiness check failed", e);
      failed = List.of("store");
    }
    if (failed.isEmpty()) {
      ctx.json(map("status", "up"));
    } else {
      ctx.status(503).json(map("status", "down", "failed", failed));
    }
  }
}
