package dev.sessionlimits.core;

import java.util.ArrayList;
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
   * Appends {@code events}, such as a login and the evictions it caused, as one write, and returns
   * them with their ids, which grow in the order of the list. The stores in this project keep all
   * of them or, if the write fails, none; this default appends them one by one with {@link
   * #record}, so a log that overrides only {@code record} may keep the first ones of a failed call.
   */
  default List<AuditEvent> recordAll(List<AuditEvent> events) {
    List<AuditEvent> recorded = new ArrayList<>(events.size());
    for (AuditEvent event : events) {
      recorded.add(record(event));
    }
    return recorded;
  }

  /**
   * Up to {@code limit} events, newest first, older than the event {@code beforeId} (0: from the
   * newest).
   */
  List<AuditEvent> recent(int limit, long beforeId);

  /**
   * Up to {@code query.limit()} events that {@code query} selects, newest first. The default reads
   * {@link #recent} page by page and filters in memory; the stores of this project override it.
   */
  default List<AuditEvent> search(AuditQuery query) {
    if (!query.filters()) {
      return recent(query.limit(), query.beforeId());
    }
    List<AuditEvent> out = new ArrayList<>();
    long before = query.beforeId();
    while (out.size() < query.limit()) {
      List<AuditEvent> batch = recent(1000, before);
      out.addAll(query.page(query.limit() - out.size(), 0).select(batch));
      if (batch.size() < 1000) {
        break;
      }
      before = batch.get(batch.size() - 1).id();
    }
    return out;
  }
}
