package dev.sessionlimits.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

final class InMemoryAuditLog implements AuditLog {

  private final AtomicLong ids = new AtomicLong();
  private final ConcurrentSkipListMap<Long, AuditEvent> events = new ConcurrentSkipListMap<>();

  @Override
  public AuditEvent record(AuditEvent event) {
    AuditEvent stored = event.withId(ids.incrementAndGet());
    events.put(stored.id(), stored);
    return stored;
  }

  @Override
  public List<AuditEvent> recent(int limit, long beforeId) {
    var view = (beforeId > 0 ? events.headMap(beforeId, false) : events).descendingMap();
    List<AuditEvent> out = new ArrayList<>(Math.min(limit, 256));
    for (Map.Entry<Long, AuditEvent> e : view.entrySet()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(e.getValue());
    }
    return out;
  }
}
