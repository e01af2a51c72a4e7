package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** A {@link ThrottleStore} in this JVM's memory: for a single node that keeps nothing on disk. */
final class InMemoryThrottleStore implements ThrottleStore {

  private final ConcurrentHashMap<Key, Failures> counts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, byte[]> secrets = new ConcurrentHashMap<>();

  @Override
  public Map<Key, Failures> failures(Collection<Key> keys, Instant since) {
    Map<Key, Failures> found = new HashMap<>();
    for (Key key : keys) {
      Failures failures = counts.get(key);
      if (failures != null && !failures.lastFailure().isBefore(since)) {
        found.put(key, failures);
      }
    }
    return found;
  }

  @Override
  public Failures countFailure(Key key, Instant now, Instant since) {
    requireNonNull(now, "now");
    requireNonNull(since, "since");
    return counts.merge(
        key,
        new Failures(1, now),
        (old, one) ->
            old.lastFailure().isBefore(since)
                ? one
                : new Failures(
                    old.count() + 1, old.lastFailure().isAfter(now) ? old.lastFailure() : now));
  }

  @Override
  public void clearFailures(Key key) {
    counts.remove(key);
  }

  @Override
  public int purgeFailures(Instant before) {
    int removed = 0;
    for (Map.Entry<Key, Failures> entry : counts.entrySet()) {
      if (entry.getValue().lastFailure().isBefore(before)
          && counts.remove(entry.getKey(), entry.getValue())) {
        removed++;
      }
    }
    return removed;
  }

  @Override
  public byte[] secret(String name, Supplier<byte[]> fresh) {
    requireNonNull(name, "name");
    return secrets.computeIfAbsent(name, n -> requireNonNull(fresh.get(), "fresh secret")).clone();
  }
}
