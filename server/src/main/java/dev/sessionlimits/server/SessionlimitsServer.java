package dev.sessionlimits.server;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.identity.oidc.OidcConfig;
import dev.sessionlimits.server.ops.Metrics;
import dev.sessionlimits.server.push.EndAnnouncer;
import dev.sessionlimits.server.push.PushHub;
import dev.sessionlimits.server.service.DirectoryPasswords;
import dev.sessionlimits.server.service.LoginThrottle;
import dev.sessionlimits.server.service.Passwords;
import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sessionlimits HTTP server: login with session limits, the settings and admin API, and
 * forward-auth, on the given {@link Stores}. It decides no quota itself; every login goes through
 * core's {@link SessionManager}.
 *
 * <pre>{@code
 * try (SessionlimitsServer server = SessionlimitsServer.builder()
 *     .config(ServerConfig.fromEnvironment(System.getenv()))
 *     .stores(Stores.inMemory())
 *     .start()) {
 *   System.out.println("listening on " + server.port());
 * }
 * }</pre>
 */
public final class SessionlimitsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SessionlimitsServer.class);

  /**
   * How long a client may take to send a request's header, and then its body (at most 64 KiB): a
   * client that trickles bytes is cut off ({@link RequestReadTimeouts}).
   */
  static final Duration DEFAULT_REQUEST_READ_TIMEOUT = Duration.ofSeconds(10);

  private final Javalin app;
  private final Stores stores;
  private final Purger purger;
  private final PushHub push;
  private final EndAnnouncer ends;
  private final Optional<DirectoryPasswords> directory;
  private final Metrics metrics;

  private SessionlimitsServer(Builder b) {
    this.stores = b.stores;
    this.metrics = (b.registry == null) ? Metrics.prometheus() : new Metrics(b.registry);
    Services services =
        new Services(
            b.config,
            stores,
            b.clock,
            metrics,
            b.actions,
            b.passwordCost,
            b.throttle,
            b.oidc,
            b.out);
    this.directory = services.directory;
    Routes routes = new Routes(services, stores, b.config.metrics(), b.heartbeat);
    this.push = routes.push;
    this.ends = routes.ends;
    this.app =
        Javalin.create(
            config ->
                HttpSetup.configure(
                    config,
                    b.config,
                    b.requestReadTimeout,
                    services.requests,
                    routes.forwardAuth,
                    routes.registrars));
    this.purger = new Purger(stores.sessions(), services.throttle, b.clock);
    try {
      app.start();
    } catch (RuntimeException e) {
      purger.close();
      push.close();
      ends.close();
      directory.ifPresent(DirectoryPasswords::close);
      throw Listener.startFailure(e, b.config);
    }
    metrics.jetty(app.jettyServer().server());
    purger.start(b.purgeInterval);
    LOG.info(
        "Sessionlimits listening on port {} ({}{}; {} custom exhaustion actions, {} file"
            + " settings)",
        app.port(),
        b.config.bind() == null ? "every interface" : b.config.bind(),
        b.config.tls() ? ", HTTPS" : "",
        services.actions.names().size() - ExhaustionActions.builtIns().names().size(),
        services.files.entries().size());
  }

  void purgeNow() {
    purger.purgeNow();
  }

  /**
   * Every route Javalin serves, as {@code "METHOD path"}, sorted: for the test that has a row for
   * each.
   */
  List<String> routes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(parsed -> parsed.endpoint)
        .filter(endpoint -> endpoint.method.isHttpMethod())
        .map(endpoint -> endpoint.method.name() + " " + endpoint.path)
        .sorted()
        .toList();
  }

  PushHub push() {
    return push;
  }

  EndAnnouncer ends() {
    return ends;
  }

  /** The port the server listens on. */
  public int port() {
    return app.port();
  }

  /** Stops serving, then closes the stores. */
  @Override
  public void close() {
    purger.close();
    try {
      push.close();
      ends.close();
      app.stop();
      directory.ifPresent(DirectoryPasswords::close);
      metrics.close();
    } finally {
      try {
        stores.sessions().close();
      } finally {
        if (stores.resources() != stores.sessions()) {
          try {
            stores.resources().close();
          } catch (Exception e) {
            LOG.warn("Closing the stores failed", e);
          }
        }
      }
    }
  }

  /**
   * A builder on the defaults: {@link ServerConfig#defaults()}, the system clock, OWASP hashing.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures and starts a {@link SessionlimitsServer}. */
  public static final class Builder {
    private ServerConfig config = ServerConfig.defaults();
    private Stores stores;
    private InstantSource clock = InstantSource.system();
    private ExhaustionActions actions;
    private Passwords.Cost passwordCost = Passwords.Cost.OWASP;
    private LoginThrottle.Policy throttle = LoginThrottle.Policy.DEFAULT;
    private Duration purgeInterval = Duration.ofMinutes(1);
    private Duration heartbeat = Duration.ofSeconds(15);
    private Duration requestReadTimeout = DEFAULT_REQUEST_READ_TIMEOUT;
    private PrintStream out = System.out;
    private Optional<OidcConfig> oidc = Optional.empty();
    private MeterRegistry registry;

    private Builder() {}

    /** Where metrics are recorded; by default a Prometheus registry, shown at /metrics. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Signing in with this OpenID Connect provider ({@link OidcConfig#fromEnvironment}); empty (the
     * default) for none.
     */
    public Builder oidc(Optional<OidcConfig> oidc) {
      this.oidc = requireNonNull(oidc, "oidc");
      return this;
    }

    /**
     * How to run: port, trusted proxies, settings files, cookies. Defaults to {@link
     * ServerConfig#defaults()}.
     */
    public Builder config(ServerConfig config) {
      this.config = requireNonNull(config, "config");
      return this;
    }

    /** The stores to run on; required. */
    public Builder stores(Stores stores) {
      this.stores = requireNonNull(stores, "stores");
      return this;
    }

    /** The clock for sessions, throttling and settings reloads. Defaults to the system clock. */
    public Builder clock(InstantSource clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** The exhaustion actions that can be chosen. Defaults to those installed (ServiceLoader). */
    public Builder exhaustionActions(ExhaustionActions actions) {
      this.actions = requireNonNull(actions, "actions");
      return this;
    }

    /**
     * Hashes new passwords at {@code cost} instead of {@link Passwords.Cost#OWASP}: for tests and
     * benchmarks ({@link Passwords.Cost#CHEAP}); never a user-facing setting.
     */
    public Builder passwordCost(Passwords.Cost cost) {
      this.passwordCost = requireNonNull(cost, "cost");
      return this;
    }

    Builder throttle(LoginThrottle.Policy policy) {
      this.throttle = requireNonNull(policy, "policy");
      return this;
    }

    Builder purgeInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("purge interval must be positive, got " + interval);
      }
      this.purgeInterval = interval;
      return this;
    }

    /** How often open event streams get a heartbeat comment (15 s); shorter in tests. */
    Builder heartbeat(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("heartbeat interval must be positive, got " + interval);
      }
      this.heartbeat = interval;
      return this;
    }

    /**
     * How long a client may take to send a request's header, and then its body (10 s); shorter in
     * tests.
     */
    Builder requestReadTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("request read timeout must be positive, got " + timeout);
      }
      this.requestReadTimeout = timeout;
      return this;
    }

    /** Where the generated administrator password is printed. */
    Builder out(PrintStream out) {
      this.out = requireNonNull(out, "out");
      return this;
    }

    /**
     * Starts the server.
     *
     * @throws IllegalStateException if the settings files are invalid (the message names the file,
     *     setting, value and valid range) or the port cannot be bound
     */
    public SessionlimitsServer start() {
      if (stores == null) {
        throw new IllegalStateException(
            "no stores: call stores(Stores.inMemory()) or give a durable store");
      }
      return new SessionlimitsServer(this);
    }
  }
}
