package dev.sessionlimits.core;

import java.util.Map;

/**
 * Where the settings changed through the API are kept, as text by setting name, shared by all nodes.
 * Files and defaults are layered on top by the caller ({@link Settings#withText}).
 */
public interface SettingsStore {

  /** A new store in this JVM's memory. */
  static SettingsStore inMemory() {
    return new InMemorySettingsStore();
  }

  /** The stored values and their version. */
  Stored load();

  /**
   * Stores {@code changes} (name to text value) atomically, on top of what is stored, and returns the
   * new state. {@code expectedVersion} guards against lost updates: if the stored version differs,
   * nothing is written and {@link ConcurrentSettingsChangeException} is thrown.
   */
  Stored save(Map<String, String> changes, long expectedVersion);

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
