package dev.sessionlimits.core;

import java.util.List;

/** The audit trail, shared by all nodes. Append-only. */
public interface AuditLog {

  /** A new log in this JVM's memory. */
  static AuditLog inMemory() {
    return new InMemoryAuditLog();
  }

  /** Appends {@code event} and returns it with its id. */
  AuditEvent record(AuditEvent event);

  /**
   * Up to {@code limit} events, newest first, older than the event {@code beforeId} (0: from the
   * newest).
   */
  List<AuditEvent> recent(int limit, long beforeId);
}
