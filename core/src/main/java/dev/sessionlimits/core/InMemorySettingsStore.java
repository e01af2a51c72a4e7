package dev.sessionlimits.core;

import java.util.HashMap;
import java.util.Map;

final class InMemorySettingsStore implements SettingsStore {

  private Stored stored = new Stored(Map.of(), 0);

  @Override
  public synchronized Stored load() {
    return stored;
  }

  @Override
  public synchronized Stored save(Map<String, String> changes, long expectedVersion) {
    if (stored.version() != expectedVersion) {
      throw new ConcurrentSettingsChangeException(expectedVersion, stored.version());
    }
    Map<String, String> next = new HashMap<>(stored.values());
    changes.forEach(
        (name, value) -> {
          if (value == null) {
            next.remove(name);
          } else {
            next.put(name, value);
          }
        });
    stored = new Stored(next, stored.version() + 1);
    return stored;
  }
}
