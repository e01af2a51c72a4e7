package dev.sessionlimits.server.cli;

import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.server.Environment;
import dev.sessionlimits.server.ServerConfig;
import dev.sessionlimits.server.StoreFactory;
import dev.sessionlimits.server.service.ApiKeys;
import dev.sessionlimits.server.service.Auditor;
import dev.sessionlimits.server.service.FileSettings;
import dev.sessionlimits.server.service.Passwords;
import dev.sessionlimits.server.service.SettingsService;
import dev.sessionlimits.server.service.UserService;
import dev.sessionlimits.store.jdbc.EmbeddedBackups;
import dev.sessionlimits.store.jdbc.JdbcStore;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Map;

/**
 * The store the server uses, opened by the command line, and the services the server changes it
 * through: a command never writes a rule of its own. Every change is audited with the actor {@value
 * #ACTOR}.
 */
final class Admin implements AutoCloseable {

  /** The audit trail's actor of every change made on the command line. */
  static final String ACTOR = "cli";

  final ServerConfig config;
  final JdbcStore store;
  final InstantSource clock = InstantSource.system();
  final SessionManager sessions;
  final UserService users;
  final Auditor auditor;

  private SettingsService settings;
  private ApiKeys apiKeys;

  private Admin(ServerConfig config, JdbcStore store) {
    this.config = config;
    this.store = store;
    this.sessions = new SessionManager(store.sessions(), clock);
    this.users =
        new UserService(
            sessions,
            store.users(),
            new Passwords(Passwords.Cost.OWASP),
            store.groups(),
            store.identities(),
            StoreFactory.secondFactors(config, store),
            clock);
    this.auditor = new Auditor(store.audit(), clock);
  }

  /** The configuration of {@code env}; exit 2 if it is not valid. */
  static ServerConfig config(Map<String, String> env) {
    try {
      return ServerConfig.fromEnvironment(Environment.resolve(env));
    } catch (IllegalArgumentException e) {
      throw new CliFailure(Cli.USAGE, "The environment is not valid:\n" + e.getMessage());
    }
  }

  /**
   * The store of {@code env} and its services; exit 3 if a running server has it, 1 if it fails.
   */
  static Admin open(Map<String, String> env) {
    ServerConfig config = config(env);
    try {
      JdbcStore store = StoreFactory.openStore(config);
      try {
        return new Admin(config, store);
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
    } catch (RuntimeException e) {
      if (EmbeddedBackups.inUse(e)) {
        throw inUse(config);
      }
      throw new CliFailure(Cli.FAILED, "Could not open the store: " + e.getMessage());
    }
  }

  static CliFailure inUse(ServerConfig config) {
    return new CliFailure(
        Cli.IN_USE,
        "The embedded database in "
            + config.dataDir().toAbsolutePath().normalize()
            + " is in use, most likely by a running server. Stop the server first"
            + " (only `sessionlimits backup` works while it runs), or use PostgreSQL"
            + " (SESSIONLIMITS_DB_URL), where every command works while servers run.");
  }

  /** The layered settings as the server sees them: defaults, the API's, the files'. */
  SettingsService settings() {
    if (settings == null) {
      ExhaustionActions actions = ExhaustionActions.load(Admin.class.getClassLoader());
      FileSettings files = FileSettings.load(config.configDir(), actions.names());
      settings = new SettingsService(store.settings(), files, actions, clock);
    }
    return settings;
  }

  /** Services' API keys, audited as the API audits them. */
  ApiKeys apiKeys() {
    if (apiKeys == null) {
      apiKeys = new ApiKeys(store.apiKeys(), auditor, clock, new SecureRandom());
    }
    return apiKeys;
  }

  @Override
  public void close() {
    store.close();
  }
}
