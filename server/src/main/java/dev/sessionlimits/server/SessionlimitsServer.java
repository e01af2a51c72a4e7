package dev.sessionlimits.server;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.identity.oidc.OidcClient;
import dev.sessionlimits.identity.oidc.OidcConfig;
import dev.sessionlimits.server.apidocs.ApiDocsRoutes;
import dev.sessionlimits.server.apidocs.OpenApiDocument;
import dev.sessionlimits.server.auth.AccountRoutes;
import dev.sessionlimits.server.auth.AuthRoutes;
import dev.sessionlimits.server.auth.Authenticator;
import dev.sessionlimits.server.auth.ForwardAuth;
import dev.sessionlimits.server.auth.MfaRoutes;
import dev.sessionlimits.server.auth.OidcRoutes;
import dev.sessionlimits.server.auth.Reauthentication;
import dev.sessionlimits.server.auth.SessionStart;
import dev.sessionlimits.server.auth.SignInRedirect;
import dev.sessionlimits.server.http.ClientAddresses;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.ops.Metrics;
import dev.sessionlimits.server.ops.OpsRoutes;
import dev.sessionlimits.server.push.EventRoutes;
import dev.sessionlimits.server.push.PushHub;
import dev.sessionlimits.server.service.Auditor;
import dev.sessionlimits.server.service.CachingUserStore;
import dev.sessionlimits.server.service.DeviceCookies;
import dev.sessionlimits.server.service.DirectoryPasswords;
import dev.sessionlimits.server.service.ExternalUsers;
import dev.sessionlimits.server.service.FileSettings;
import dev.sessionlimits.server.service.FirstAdministrator;
import dev.sessionlimits.server.service.LoginThrottle;
import dev.sessionlimits.server.service.Logins;
import dev.sessionlimits.server.service.MfaTickets;
import dev.sessionlimits.server.service.Passwords;
import dev.sessionlimits.server.service.ProviderSignIns;
import dev.sessionlimits.server.service.ResolveTokens;
import dev.sessionlimits.server.service.SecondFactorService;
import dev.sessionlimits.server.service.SecondSteps;
import dev.sessionlimits.server.service.SettingsService;
import dev.sessionlimits.server.service.SignInChoices;
import dev.sessionlimits.server.service.SignIns;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
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
  private final Optional<DirectoryPasswords> directory;
  private final Metrics metrics;

  private SessionlimitsServer(Builder b) {
    this.stores = b.stores;
    SessionStore sessionStore = b.stores.sessions();
    InstantSource clock = b.clock;
    this.metrics = (b.registry == null) ? Metrics.prometheus() : new Metrics(b.registry);
    ExhaustionActions actions =
        (b.actions != null)
            ? b.actions
            : ExhaustionActions.load(SessionlimitsServer.class.getClassLoader());
    FileSettings files = FileSettings.load(b.config.configDir(), actions.names());
    SettingsService settings = new SettingsService(stores.settings(), files, actions, clock);
    Passwords passwords = new Passwords(b.passwordCost);
    Auditor auditor = new Auditor(stores.audit(), clock);
    FirstAdministrator.createIfNoUsers(
        stores.users(), passwords, auditor, b.config.adminPassword(), b.out, clock);
    SessionManager sessions = new SessionManager(sessionStore, clock);
    Requests requests =
        new Requests(
            new ClientAddresses(b.config.trustedProxies()),
            b.config.cookieSecure(),
            b.config.cookieDomain());
    SignInRedirect redirects = new SignInRedirect(requests.addresses());
    SecureRandom random = new SecureRandom();
    DeviceCookies devices =
        new DeviceCookies(
            stores.throttle().secret(DeviceCookies.KEY_NAME, () -> DeviceCookies.newKey(random)),
            clock,
            random,
            requests,
            b.config.cookieSecure());
    LoginThrottle throttle = new LoginThrottle(stores.throttle(), clock, b.throttle);
    CachingUserStore users = new CachingUserStore(stores.users(), clock);
    ExternalUsers externalUsers =
        new ExternalUsers(users.uncached(), stores.groups(), stores.identities(), clock);
    this.directory =
        b.config
            .ldap()
            .map(ldap -> DirectoryPasswords.open(ldap, externalUsers, stores.identities()));
    Logins logins = new Logins(stores.users(), passwords, throttle, devices, auditor, directory);
    SecondFactorService factors = new SecondFactorService(stores.secondFactors(), clock, random);
    SecondSteps steps = new SecondSteps(factors, stores.users(), throttle, devices, auditor);
    Authenticator auth =
        new Authenticator(sessions, users, settings, logins, steps, requests, clock);
    Reauthentication reauth = new Reauthentication(sessions, b.config.reauthWindow(), clock);
    SignIns signIns = new SignIns(sessions, settings, stores.groups(), auditor, metrics);
    ResolveTokens resolveTokens = ResolveTokens.keptIn(stores.throttle(), clock, random);
    SignInChoices choices =
        new SignInChoices(
            signIns, sessions, settings, users.uncached(), resolveTokens, auditor, clock);
    SessionStart start = new SessionStart(choices, requests, devices, clock);
    MfaTickets tickets =
        new MfaTickets(
            stores.throttle().secret(MfaTickets.KEY_NAME, () -> MfaTickets.newKey(random)), clock);
    MfaRoutes mfaRoutes =
        new MfaRoutes(steps, factors, tickets, start, auth, reauth, requests, auditor);
    Optional<ProviderSignIns> oidc =
        b.oidc.map(
            config ->
                new ProviderSignIns(
                    config,
                    new OidcClient(config, clock),
                    externalUsers,
                    signIns,
                    sessions,
                    stores.providerSessions(),
                    auditor));
    AuthRoutes authRoutes =
        new AuthRoutes(
            sessions,
            settings,
            logins,
            start,
            mfaRoutes,
            auth,
            reauth,
            requests,
            redirects,
            auditor,
            stores.healthy(),
            clock,
            sessionId -> oidc.flatMap(o -> o.providerLogout(sessionId)),
            metrics,
            resolveTokens);
    OidcRoutes oidcRoutes = new OidcRoutes(oidc, requests, clock);
    AdminAndServiceSetup admin =
        new AdminAndServiceSetup(
            stores, sessions, users, passwords, settings, auth, reauth, auditor, clock, random);
    AccountRoutes accountRoutes =
        new AccountRoutes(sessions, admin.users(), logins, auth, reauth, auditor);
    this.push =
        new PushHub(
            sessionStore,
            (session, locale) -> auth.sessionEnded(session).body(locale),
            b.heartbeat);
    EventRoutes eventRoutes = new EventRoutes(auth, users, requests, push);

    ForwardAuth forwardAuth = new ForwardAuth(auth, requests, redirects, metrics);
    OpsRoutes ops = OpsSetup.routes(metrics, b.config.metrics(), stores, users, push, clock);
    ApiDocsRoutes apiDocs = new ApiDocsRoutes(OpenApiDocument.load(Version.CURRENT));
    this.app =
        Javalin.create(
            config ->
                HttpSetup.configure(
                    config,
                    b.config,
                    b.requestReadTimeout,
                    requests,
                    forwardAuth,
                    Stream.of(
                            List.<Consumer<RoutesConfig>>of(
                                authRoutes::register,
                                oidcRoutes::register,
                                accountRoutes::register,
                                mfaRoutes::register),
                            admin.routes(),
                            List.<Consumer<RoutesConfig>>of(
                                eventRoutes::register, ops::register, apiDocs::register))
                        .flatMap(List::stream)
                        .toList()));
    this.purger = new Purger(sessionStore, throttle, clock);
    try {
      app.start();
    } catch (RuntimeException e) {
      purger.close();
      push.close();
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
        actions.names().size() - ExhaustionActions.builtIns().names().size(),
        files.entries().size());
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
