package dev.sessionlimits.core;

import java.util.Map;

/**
 * Where the settings changed through the API are kept, as text by setting name, shared by all
 * nodes. Files and defaults are layered on top by the caller ({@link Settings#withText}).
 */
public interface SettingsStore {

  /** A new store in this JVM's memory. */
  static SettingsStore inMemory() {
    return new InMemorySettingsStore();
  }

  /** The stored values and their version. */
  Stored load();

  /**
   * Stores {@code changes} (name to text value) atomically, on top of what is stored, and returns
   * the new state. {@code expectedVersion} guards against lost updates: if the stored version
   * differs, nothing is written and {@link ConcurrentSettingsChangeException} is thrown. A null
   * value removes what is stored under that name, so the setting is back at its default.
   */
  Stored save(Map<String, String> changes, long expectedVersion);

  /**
   * A number that moves whenever this store hears that the stored values may have changed other
   * than through its own {@link #save} (another node saved, or it may have missed such news): a
   * local read, no I/O, cheap enough for every request. A caller may trust a copy it loaded only
   * while this number is what it was before the load (and, since news can be late or lost, only for
   * a bounded time). The default, for stores that hear nothing, never moves: callers then rely on
   * the time bound alone.
   */
  default long changeStamp() {
    return 0;
  }

  /** Stored values and a version that grows with every save. */
  record Stored(Map<String, String> values, long version) {
    public Stored {
      values = Map.copyOf(values);
    }
  }

  /** Another change was saved first; reload and try again. */
  final class ConcurrentSettingsChangeException extends RuntimeException {
    public ConcurrentSettingsChangeException(long expected, long actual) {
      super("settings changed concurrently: expected version " + expected + ", found " + actual);
    }
  }
}
