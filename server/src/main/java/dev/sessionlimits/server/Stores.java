package dev.sessionlimits.server;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.ApiKeyStore;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.ExternalIdentities;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.ProviderSessions;
import dev.sessionlimits.core.SecondFactors;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.ThrottleStore;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.store.jdbc.JdbcStore;
import java.util.function.BooleanSupplier;

/**
 * The stores a server runs on, a health check ({@code /healthz}) and what to close when it stops.
 *
 * @param sessions where sessions live
 * @param users where accounts live
 * @param settings where settings changed through the API live
 * @param audit the audit trail
 * @param throttle the login throttle's counts and the device cookies' key; for a cluster, shared by
 *     every node, else each node throttles on its own and signs device cookies its own way
 * @param groups groups, their session limits and who belongs to them
 * @param identities which local user an LDAP entry or an OpenID provider's subject is
 * @param secondFactors local accounts' TOTP secrets and recovery codes
 * @param providerSessions the sessions an OpenID Connect sign-in opened, by the provider session
 *     behind each (back-channel logout, RP-initiated logout)
 * @param apiKeys the API keys of services (stored hashed)
 * @param healthy true while the stores can be reached
 * @param resources closed with the server after {@code sessions}; may be the same object
 */
public record Stores(
    SessionStore sessions,
    UserStore users,
    SettingsStore settings,
    AuditLog audit,
    ThrottleStore throttle,
    GroupStore groups,
    ExternalIdentities identities,
    SecondFactors secondFactors,
    ProviderSessions providerSessions,
    ApiKeyStore apiKeys,
    BooleanSupplier healthy,
    AutoCloseable resources) {

  /** Checks that every store is given. */
  public Stores {
    requireNonNull(sessions, "sessions");
    requireNonNull(users, "users");
    requireNonNull(settings, "settings");
    requireNonNull(audit, "audit");
    requireNonNull(throttle, "throttle");
    requireNonNull(groups, "groups");
    requireNonNull(identities, "identities");
    requireNonNull(secondFactors, "secondFactors");
    requireNonNull(providerSessions, "providerSessions");
    requireNonNull(apiKeys, "apiKeys");
    requireNonNull(healthy, "healthy");
    resources = (resources == null) ? () -> {} : resources;
  }

  /**
   * Stores with second factors, provider sessions and API keys in this JVM's memory: for a single
   * node.
   */
  public Stores(
      SessionStore sessions,
      UserStore users,
      SettingsStore settings,
      AuditLog audit,
      ThrottleStore throttle,
      GroupStore groups,
      ExternalIdentities identities,
      BooleanSupplier healthy,
      AutoCloseable resources) {
    this(
        sessions,
        users,
        settings,
        audit,
        throttle,
        groups,
        identities,
        SecondFactors.inMemory(),
        ProviderSessions.inMemory(),
        ApiKeyStore.inMemory(),
        healthy,
        resources);
  }

  /**
   * Stores with groups, external identities, second factors and provider sessions in this JVM's
   * memory: for a single node, or for tests that use none of them.
   */
  public Stores(
      SessionStore sessions,
      UserStore users,
      SettingsStore settings,
      AuditLog audit,
      ThrottleStore throttle,
      BooleanSupplier healthy,
      AutoCloseable resources) {
    this(
        sessions,
        users,
        settings,
        audit,
        throttle,
        GroupStore.inMemory(),
        ExternalIdentities.inMemory(),
        healthy,
        resources);
  }

  /** Stores with the login throttle's counts in this JVM's memory: for a single node. */
  public Stores(
      SessionStore sessions,
      UserStore users,
      SettingsStore settings,
      AuditLog audit,
      BooleanSupplier healthy,
      AutoCloseable resources) {
    this(sessions, users, settings, audit, ThrottleStore.inMemory(), healthy, resources);
  }

  /** Fresh stores in this JVM's memory: nothing survives a restart. */
  public static Stores inMemory() {
    return new Stores(
        SessionStore.inMemory(),
        UserStore.inMemory(),
        SettingsStore.inMemory(),
        AuditLog.inMemory(),
        () -> true,
        null);
  }

  /** The stores of one JDBC database, closed with the server. */
  public static Stores of(JdbcStore store, BooleanSupplier healthy) {
    return of(store, store.secondFactors(), healthy);
  }

  /**
   * The stores of one JDBC database, closed with the server, with these second factors (of {@code
   * store}, such as {@link JdbcStore#secondFactors(dev.sessionlimits.store.jdbc.SecretsKey)}).
   */
  public static Stores of(JdbcStore store, SecondFactors secondFactors, BooleanSupplier healthy) {
    return new Stores(
        store.sessions(),
        store.users(),
        store.settings(),
        store.audit(),
        store.throttle(),
        store.groups(),
        store.identities(),
        secondFactors,
        store.providerSessions(),
        store.apiKeys(),
        healthy,
        store);
  }
}
