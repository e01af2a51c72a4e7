package dev.sessionlimits.server;

import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.server.admin.AdminRoutes;
import dev.sessionlimits.server.admin.ApiKeyRoutes;
import dev.sessionlimits.server.auth.Authenticator;
import dev.sessionlimits.server.auth.Reauthentication;
import dev.sessionlimits.server.auth.ServiceKeys;
import dev.sessionlimits.server.service.ApiKeys;
import dev.sessionlimits.server.service.Auditor;
import dev.sessionlimits.server.service.CachingUserStore;
import dev.sessionlimits.server.service.Enforcement;
import dev.sessionlimits.server.service.Groups;
import dev.sessionlimits.server.service.Passwords;
import dev.sessionlimits.server.service.SettingsService;
import dev.sessionlimits.server.service.UserService;
import io.javalin.config.RoutesConfig;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Consumer;

/**
 * The administrators' routes and the services' routes (API keys), wired together from the stores
 * and the shared pieces the server's constructor made, so that constructor needs a few lines for
 * them.
 */
final class AdminAndServiceSetup {

  private final UserService users;
  private final ServiceKeys serviceKeys;
  private final AdminRoutes adminRoutes;
  private final ApiKeyRoutes apiKeyRoutes;

  AdminAndServiceSetup(
      Stores stores,
      SessionManager sessions,
      CachingUserStore users,
      Passwords passwords,
      SettingsService settings,
      Authenticator auth,
      Reauthentication reauth,
      Auditor auditor,
      InstantSource clock,
      SecureRandom random) {
    this.users =
        new UserService(
            sessions,
            users.uncached(),
            passwords,
            stores.groups(),
            stores.identities(),
            stores.secondFactors(),
            clock);
    Groups groups = new Groups(stores.groups(), users.uncached(), settings, clock);
    Enforcement enforcement = new Enforcement(sessions, users.uncached(), groups, settings, clock);
    this.adminRoutes =
        new AdminRoutes(
            sessions,
            this.users,
            groups,
            enforcement,
            stores.audit(),
            settings,
            auth,
            reauth,
            auditor,
            clock);
    this.apiKeyRoutes =
        new ApiKeyRoutes(new ApiKeys(stores.apiKeys(), clock, random), auth, reauth, auditor);
    this.serviceKeys = new ServiceKeys(stores.apiKeys(), clock);
  }

  /** The users' service, which the account routes share. */
  UserService users() {
    return users;
  }

  /** Who is calling a service route, by API key. */
  ServiceKeys serviceKeys() {
    return serviceKeys;
  }

  /** The routes to register. */
  List<Consumer<RoutesConfig>> routes() {
    return List.of(adminRoutes::register, apiKeyRoutes::register);
  }
}
