package dev.sessionlimits.server.ops;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Scope;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.server.http.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.eclipse.jetty.server.Server;

/**
 * Everything the server counts, in one place: the services and routes call these methods, and
 * nothing else touches the {@link MeterRegistry}. Meter names are Micrometer's dotted ones; the
 * Prometheus registry writes {@code sessionlimits.logins} as {@code sessionlimits_logins_total}, a
 * timer as {@code _seconds} with its buckets. docs/operations.md lists every one.
 *
 * <p>The meters of a hot path are made once here; a call is then a counter's increment or one timer
 * record, no lookup. A registry that records nothing ({@link #off()}) makes every call a no-op, for
 * benchmarks comparing the cost.
 */
public final class Metrics implements AutoCloseable {

  /** How a sign-in ended, the {@code result} of {@code sessionlimits_logins_total}. */
  public enum LoginResult {
    /** A session was opened (whichever way she signed in). */
    ADMITTED,
    /** The user's limit refused it (action {@code deny}). */
    REFUSED_USER,
    /** The address's limit refused it. */
    REFUSED_IP,
    /** The name, the password, the second step's code or the Basic credentials were wrong. */
    BAD_CREDENTIALS,
    /** Too many wrong passwords or codes: refused before the credentials were checked. */
    THROTTLED,
    /** The store, the directory or the hashing capacity could not serve it (503). */
    UNAVAILABLE,
    /** The right password or code of a disabled account. */
    DISABLED,
    /**
     * An OpenID Connect sign-in not accepted: the provider's error, an answer that failed its
     * checks (state, token, nonce), a user name that is not valid here or belongs to another
     * account.
     */
    REJECTED;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<LoginResult, Counter> logins = new EnumMap<>(LoginResult.class);
  private final Map<EndReason, Counter> ended = new EnumMap<>(EndReason.class);

  /**
   * By action and scope: registered at the first such eviction, then found here, not in the
   * registry.
   */
  private final Map<String, Counter> evictions = new ConcurrentHashMap<>();

  private final Counter endsNotPushed;
  private final Timer verify;
  private final Counter verifyWaited;
  private final Timer login;

  /** Records into {@code registry}, with the JVM's and the process's own meters. */
  public Metrics(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
    for (LoginResult result : LoginResult.values()) {
      logins.put(
          result,
          Counter.builder("sessionlimits.logins")
              .description("Sign-ins by how they ended")
              .tag("result", result.tag())
              .register(registry));
    }
    for (EndReason reason : EndReason.values()) {
      ended.put(
          reason,
          Counter.builder("sessionlimits.sessions.ended")
              .description("Sessions this node heard end, by reason")
              .tag("reason", reason.code())
              .register(registry));
    }
    this.endsNotPushed =
        Counter.builder("sessionlimits.push.dropped")
            .description(
                "Session ends not told to this node's listeners (nor pushed) because too many"
                    + " were waiting")
            .register(registry);
    this.verify =
        Timer.builder("sessionlimits.verify")
            .description("GET /auth/verify, from its session lookup to its verdict")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(5))
            .register(registry);
    this.verifyWaited =
        Counter.builder("sessionlimits.verify.waited")
            .description(
                "Verifies this node's caches could not answer at once, handed to a thread that"
                    + " may wait for the store")
            .register(registry);
    this.login =
        Timer.builder("sessionlimits.login")
            .description("POST /api/v1/login, password check and session open included")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** A fresh Prometheus registry: what the server uses unless given another. */
  public static Metrics prometheus() {
    return new Metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Records nothing (a composite registry without members): for tests and benchmarks. */
  public static Metrics off() {
    return new Metrics(new CompositeMeterRegistry());
  }

  /** Counts a sign-in that ended as {@code result}. */
  public void login(LoginResult result) {
    logins.get(result).increment();
  }

  /** Counts a sign-in that a limit refused in {@code scope}. */
  public void refused(Scope scope) {
    login(scope == Scope.USER ? LoginResult.REFUSED_USER : LoginResult.REFUSED_IP);
  }

  /**
   * Counts a sign-in's check of credentials that failed with {@code failure} (a password, a second
   * step's code, or HTTP Basic credentials), by what it says: wrong credentials, the throttle, a
   * disabled account, or something that could not serve it.
   */
  public void credentialsFailed(RuntimeException failure) {
    if (failure instanceof StoreUnavailableException) {
      login(LoginResult.UNAVAILABLE);
    } else if (failure instanceof ApiException e) {
      switch (e.error()) {
        case INVALID_CREDENTIALS, INVALID_CODE -> login(LoginResult.BAD_CREDENTIALS);
        case TOO_MANY_ATTEMPTS -> login(LoginResult.THROTTLED);
        case USER_DISABLED -> login(LoginResult.DISABLED);
        case OVERLOADED, DIRECTORY_UNAVAILABLE, STORE_UNAVAILABLE, UNAVAILABLE ->
            login(LoginResult.UNAVAILABLE);
        default -> {
          // A refused request (bad JSON) is no sign-in.
        }
      }
    }
  }

  /** Counts a session a login ended to make room, under {@code action} in {@code scope}. */
  public void evicted(String action, Scope scope) {
    String scopeTag = (scope == null) ? "none" : scope.code();
    evictions
        .computeIfAbsent(
            action + " " + scopeTag,
            key -> registry.counter("sessionlimits.evictions", "action", action, "scope", scopeTag))
        .increment();
  }

  /** Counts a session this node heard end: a {@code SessionListener}. */
  public void sessionEnded(Session session) {
    if (session.end() != null) {
      ended.get(session.end().reason()).increment();
    }
  }

  /** Counts an end that was not told to the listeners: the notice queue was full. */
  public void endNotPushed(Session session) {
    endsNotPushed.increment();
  }

  /** Counts a failed store call of {@code kind} ({@code unavailable}, {@code busy}, ...). */
  public void storeFailure(String kind) {
    registry.counter("sessionlimits.store.errors", "kind", kind).increment();
  }

  /** Records a verify that started at {@code startNanos} ({@link System#nanoTime()}). */
  public void verified(long startNanos) {
    verify.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  /** Counts a verify handed off the selector thread to wait for the store. */
  public void verifyWaited() {
    verifyWaited.increment();
  }

  /** Records a login that started at {@code startNanos} ({@link System#nanoTime()}). */
  public void loggedIn(long startNanos) {
    login.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Shows {@code sessions} as {@code sessionlimits_live_sessions} and {@code streams} as {@code
   * sessionlimits_push_connections}; both are read at each scrape and must be cheap.
   */
  public void gauges(LongSupplier sessions, LongSupplier streams) {
    Gauge.builder("sessionlimits.live.sessions", sessions::getAsLong)
        .description("Live sessions in this node's view (its session cache)")
        .register(registry);
    Gauge.builder("sessionlimits.push.connections", streams::getAsLong)
        .description("Open event streams (GET /api/v1/me/events) on this node")
        .register(registry);
  }

  /** Shows Jetty's thread pool and connections. */
  public void jetty(Server server) {
    new JettyServerThreadPoolMetrics(server.getThreadPool(), List.of()).bindTo(registry);
    JettyConnectionMetrics.addToAllConnectors(server, registry);
  }

  /** Shows {@code cache}'s hits, misses and size as {@code cache_*{cache=name}}. */
  public void cache(Cache<?, ?> cache, String name) {
    CaffeineCacheMetrics.monitor(registry, cache, name);
  }

  /** HikariCP's pool metrics, into this registry. */
  public MetricsTrackerFactory pool() {
    return new MicrometerMetricsTrackerFactory(registry);
  }

  /** Everything, in the Prometheus text format; empty if the registry is not Prometheus's. */
  public Optional<String> scrape() {
    return (registry instanceof PrometheusMeterRegistry prometheus)
        ? Optional.of(prometheus.scrape())
        : Optional.empty();
  }

  /** Stops listening to the garbage collector. */
  @Override
  public void close() {
    gc.close();
  }
}
