package dev.sessionlimits.server;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.ThrottleStore;
import dev.sessionlimits.core.UserStore;
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
 * @param healthy true while the stores can be reached
 * @param resources closed with the server after {@code sessions}; may be the same object
 */
public record Stores(SessionStore sessions, UserStore users, SettingsStore settings, AuditLog audit,
    ThrottleStore throttle, BooleanSupplier healthy, AutoCloseable resources) {

  public Stores {
    requireNonNull(sessions, "sessions");
    requireNonNull(users, "users");
    requireNonNull(settings, "settings");
    requireNonNull(audit, "audit");
    requireNonNull(throttle, "throttle");
    requireNonNull(healthy, "healthy");
    resources = (resources == null) ? () -> {} : resources;
  }

  /** Stores with the login throttle's counts in this JVM's memory: for a single node. */
  public Stores(SessionStore sessions, UserStore users, SettingsStore settings, AuditLog audit,
      BooleanSupplier healthy, AutoCloseable resources) {
    this(sessions, users, settings, audit, ThrottleStore.inMemory(), healthy, resources);
  }

  /** Fresh stores in this JVM's memory: nothing survives a restart. */
  public static Stores inMemory() {
    return new Stores(SessionStore.inMemory(), UserStore.inMemory(), SettingsStore.inMemory(),
        AuditLog.inMemory(), () -> true, null);
  }

  /** One object that is all five stores, such as a JDBC store, closed with the server. */
  public static <T extends SessionStore & UserStore & SettingsStore & AuditLog & ThrottleStore>
      Stores of(T store, BooleanSupplier healthy) {
    return new Stores(store, store, store, store, store, healthy, store);
  }
}
