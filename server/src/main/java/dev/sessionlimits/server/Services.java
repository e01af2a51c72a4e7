package dev.sessionlimits.server;

import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.identity.oidc.OidcClient;
import dev.sessionlimits.identity.oidc.OidcConfig;
import dev.sessionlimits.server.auth.Authenticator;
import dev.sessionlimits.server.auth.Reauthentication;
import dev.sessionlimits.server.auth.ServiceKeys;
import dev.sessionlimits.server.auth.SessionStart;
import dev.sessionlimits.server.auth.SignInRedirect;
import dev.sessionlimits.server.http.ClientAddresses;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.ops.Metrics;
import dev.sessionlimits.server.service.ApiKeys;
import dev.sessionlimits.server.service.Auditor;
import dev.sessionlimits.server.service.CachingUserStore;
import dev.sessionlimits.server.service.DeviceCookies;
import dev.sessionlimits.server.service.DirectoryPasswords;
import dev.sessionlimits.server.service.Enforcement;
import dev.sessionlimits.server.service.ExternalUsers;
import dev.sessionlimits.server.service.FileSettings;
import dev.sessionlimits.server.service.FirstAdministrator;
import dev.sessionlimits.server.service.Groups;
import dev.sessionlimits.server.service.LoginThrottle;
import dev.sessionlimits.server.service.Logins;
import dev.sessionlimits.server.service.MfaTickets;
import dev.sessionlimits.server.service.Passwords;
import dev.sessionlimits.server.service.ProviderSignIns;
import dev.sessionlimits.server.service.ResolveTokens;
import dev.sessionlimits.server.service.SecondFactorService;
import dev.sessionlimits.server.service.SecondSteps;
import dev.sessionlimits.server.service.ServiceSessions;
import dev.sessionlimits.server.service.SettingsService;
import dev.sessionlimits.server.service.SignInChoices;
import dev.sessionlimits.server.service.SignIns;
import dev.sessionlimits.server.service.UserService;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The server's building blocks below its routes, each made once, in dependency order, on one set of
 * {@link Stores}: settings, the audit, sessions, sign-ins and their checks, users and groups, API
 * keys. {@link Routes} hands them to the routes; {@link SessionlimitsServer} starts and stops what
 * runs.
 */
final class Services {

  final InstantSource clock;
  final Metrics metrics;
  final ExhaustionActions actions;
  final FileSettings files;
  final SettingsService settings;
  final Auditor auditor;
  final SessionManager sessions;
  final Requests requests;
  final SignInRedirect redirects;
  final DeviceCookies devices;
  final LoginThrottle throttle;
  final CachingUserStore users;
  final ExternalUsers externalUsers;
  final Optional<DirectoryPasswords> directory;
  final Logins logins;
  final SecondFactorService factors;
  final SecondSteps steps;
  final Authenticator auth;
  final Reauthentication reauth;
  final SignIns signIns;
  final ResolveTokens resolveTokens;
  final SignInChoices choices;
  final SessionStart start;
  final MfaTickets tickets;
  final Optional<ProviderSignIns> oidc;
  final UserService userService;
  final Groups groups;
  final Enforcement enforcement;
  final ApiKeys apiKeys;
  final ServiceKeys serviceKeys;
  final ServiceSessions serviceSessions;

  /**
   * Builds every service on {@code stores}; creates the first administrator if there is no user.
   *
   * @param actions the exhaustion actions to choose from, or null for those installed
   */
  Services(
      ServerConfig config,
      Stores stores,
      InstantSource clock,
      Metrics metrics,
      ExhaustionActions actions,
      Passwords.Cost passwordCost,
      LoginThrottle.Policy throttlePolicy,
      Optional<OidcConfig> oidcConfig,
      PrintStream out) {
    this.clock = clock;
    this.metrics = metrics;
    this.actions =
        (actions != null)
            ? actions
            : ExhaustionActions.load(SessionlimitsServer.class.getClassLoader());
    this.files = FileSettings.load(config.configDir(), this.actions.names());
    this.settings = new SettingsService(stores.settings(), files, this.actions, clock);
    Passwords passwords = new Passwords(passwordCost);
    this.auditor = new Auditor(stores.audit(), clock);
    FirstAdministrator.createIfNoUsers(
        stores.users(), passwords, auditor, config.adminPassword(), out, clock);
    this.sessions = new SessionManager(stores.sessions(), clock);
    this.requests =
        new Requests(
            new ClientAddresses(config.trustedProxies()),
            config.cookieSecure(),
            config.cookieDomain());
    this.redirects = new SignInRedirect(requests.addresses());
    SecureRandom random = new SecureRandom();
    this.devices =
        new DeviceCookies(
            stores.throttle().secret(DeviceCookies.KEY_NAME, () -> DeviceCookies.newKey(random)),
            clock,
            random,
            requests,
            config.cookieSecure());
    this.throttle = new LoginThrottle(stores.throttle(), clock, throttlePolicy);
    this.users = new CachingUserStore(stores.users(), clock);
    this.externalUsers =
        new ExternalUsers(users.uncached(), stores.groups(), stores.identities(), clock);
    this.directory =
        config
            .ldap()
            .map(ldap -> DirectoryPasswords.open(ldap, externalUsers, stores.identities()));
    this.logins = new Logins(stores.users(), passwords, throttle, devices, auditor, directory);
    this.factors = new SecondFactorService(stores.secondFactors(), clock, random);
    this.steps = new SecondSteps(factors, stores.users(), throttle, devices, auditor);
    this.auth =
        new Authenticator(sessions, users, settings, logins, steps, requests, metrics, clock);
    this.reauth = new Reauthentication(sessions, config.reauthWindow(), clock);
    this.signIns = new SignIns(sessions, settings, stores.groups(), auditor, metrics);
    this.resolveTokens = ResolveTokens.keptIn(stores.throttle(), clock, random);
    this.choices =
        new SignInChoices(
            signIns, sessions, settings, users.uncached(), resolveTokens, auditor, clock);
    this.start = new SessionStart(choices, requests, devices, clock);
    this.tickets =
        new MfaTickets(
            stores.throttle().secret(MfaTickets.KEY_NAME, () -> MfaTickets.newKey(random)), clock);
    this.oidc =
        oidcConfig.map(
            oidcSettings ->
                new ProviderSignIns(
                    oidcSettings,
                    new OidcClient(oidcSettings, clock),
                    externalUsers,
                    signIns,
                    sessions,
                    stores.providerSessions(),
                    auditor,
                    metrics));
    this.userService =
        new UserService(
            sessions,
            users.uncached(),
            passwords,
            stores.groups(),
            stores.identities(),
            stores.secondFactors(),
            clock);
    this.groups = new Groups(stores.groups(), users.uncached(), settings, clock);
    this.enforcement = new Enforcement(sessions, users.uncached(), groups, settings, clock);
    this.apiKeys = new ApiKeys(stores.apiKeys(), auditor, clock, random);
    this.serviceKeys = new ServiceKeys(stores.apiKeys(), clock);
    this.serviceSessions =
        new ServiceSessions(signIns, externalUsers, userService, sessions, settings, auditor);
  }
}
