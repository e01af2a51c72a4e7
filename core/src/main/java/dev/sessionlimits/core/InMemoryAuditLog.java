package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

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
  public List<AuditEvent> recordAll(List<AuditEvent> batch) {
    for (int i = 0; i < batch.size(); i++) {
      requireNonNull(batch.get(i), "event " + i);
    }
    long first = ids.getAndAdd(batch.size()) + 1;
    List<AuditEvent> stored = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      AuditEvent event = batch.get(i).withId(first + i);
      events.put(event.id(), event);
      stored.add(event);
    }
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

  @Override
  public List<AuditEvent> search(AuditQuery query) {
    var view = (query.beforeId() > 0 ? events.headMap(query.beforeId(), false) : events);
    return query.select(view.descendingMap().values());
  }
}
