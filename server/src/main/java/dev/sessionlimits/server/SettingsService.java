package dev.sessionlimits.server;

import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.InvalidSettingsException;
import dev.sessionlimits.core.Setting;
import dev.sessionlimits.core.Settings;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings in force: built-in defaults, under the values stored through the API (shared by all
 * nodes), under the values of configuration files (read-only).
 *
 * <p>Design note. Every node must see a change made on another node within a second, so the stored
 * values are reloaded when the copy in hand is {@link #MAX_AGE} old; one request reloads while the
 * others go on with the copy they have. A change made here replaces the copy at once. A stored value
 * that is no longer valid (say, a custom action that was uninstalled) is skipped with a warning
 * rather than stopping every request; the default (or file value) applies in its place.
 */
final class SettingsService {

  private static final Logger LOG = LoggerFactory.getLogger(SettingsService.class);

  /** How old the stored values in hand may get before they are read again. */
  static final Duration MAX_AGE = Duration.ofSeconds(1);

  private static final int SAVE_ATTEMPTS = 5;

  /** Where a setting's value comes from. */
  enum Source {
    DEFAULT,
    API,
    FILE;

    String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The settings in force, where each value comes from, and the stored version they rest on. */
  record Snapshot(Settings settings, Map<Setting, Source> sources, long version, Instant loadedAt) {}

  /** A change: the settings before and after. */
  record Change(Snapshot before, Snapshot after) {}

  private final SettingsStore store;
  private final FileSettings files;
  private final ExhaustionActions actions;
  private final InstantSource clock;
  private final ReentrantLock reloading = new ReentrantLock();
  private volatile Snapshot snapshot;
  private volatile long warnedVersion = -1;

  SettingsService(SettingsStore store, FileSettings files, ExhaustionActions actions,
      InstantSource clock) {
    this.store = store;
    this.files = files;
    this.actions = actions;
    this.clock = clock;
    try {
      this.snapshot = load();
    } catch (StoreUnavailableException e) {
      LOG.warn("The settings store is unavailable; using defaults and files until it answers", e);
      this.snapshot = build(Map.of(), -1, Instant.EPOCH);
    }
  }

  /** The settings in force now, reloaded from the store if the copy in hand is too old. */
  Snapshot current() {
    Snapshot s = snapshot;
    if (clock.instant().isBefore(s.loadedAt().plus(MAX_AGE))) {
      return s;
    }
    if (!reloading.tryLock()) {
      return s;
    }
    try {
      if (snapshot != s) {
        return snapshot;
      }
      snapshot = load();
    } catch (StoreUnavailableException e) {
      LOG.warn("Cannot reload the settings; the previous ones stay in force: {}", e.getMessage());
    } finally {
      reloading.unlock();
    }
    return snapshot;
  }

  Settings settings() {
    return current().settings();
  }

  /** {@link #settings} if the copy in hand is fresh enough; null if they must be reloaded. */
  Settings settingsWithoutWaiting() {
    Snapshot s = snapshot;
    return clock.instant().isBefore(s.loadedAt().plus(MAX_AGE)) ? s.settings() : null;
  }

  FileSettings files() {
    return files;
  }

  ExhaustionActions actions() {
    return actions;
  }

  /**
   * Applies {@code changes} (setting name to a JSON-typed value) all together, or none of them.
   *
   * @throws InvalidSettingsException naming every refused setting: unknown, read-only, wrong type or
   *     out of range
   */
  Change update(Map<String, Object> changes) {
    for (int attempt = 1; ; attempt++) {
      Snapshot before = load();
      Map<String, String> errors = new LinkedHashMap<>();
      Map<String, Object> writable = new LinkedHashMap<>();
      changes.forEach((name, value) -> {
        Setting setting = Setting.named(name);
        if (setting != null && files.defines(setting)) {
          errors.put(name, name + " is set in the file " + files.get(setting).file()
              + " and is read-only here; change it in that file and restart the server");
        } else {
          writable.put(name, value);
        }
      });
      Settings next = null;
      try {
        next = before.settings().with(writable, actions.names());
      } catch (InvalidSettingsException e) {
        errors.putAll(e.fields());
      }
      if (!errors.isEmpty()) {
        throw new InvalidSettingsException(errors);
      }
      if (writable.isEmpty()) {
        return new Change(before, before);
      }
      Map<String, String> texts = new LinkedHashMap<>();
      for (String name : writable.keySet()) {
        texts.put(name, String.valueOf(next.get(Setting.named(name))));
      }
      try {
        SettingsStore.Stored stored = store.save(texts, before.version());
        Snapshot after = build(stored.values(), stored.version(), clock.instant());
        snapshot = after;
        return new Change(before, after);
      } catch (SettingsStore.ConcurrentSettingsChangeException e) {
        if (attempt >= SAVE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private Snapshot load() {
    SettingsStore.Stored stored = store.load();
    return build(stored.values(), stored.version(), clock.instant());
  }

  private Snapshot build(Map<String, String> stored, long version, Instant loadedAt) {
    Map<String, String> valid = new LinkedHashMap<>();
    Map<String, String> skipped = new LinkedHashMap<>();
    stored.forEach((name, text) -> {
      Setting setting = Setting.named(name);
      if (setting == null) {
        skipped.put(name, name + " is not a setting");
      } else if (!files.defines(setting)) {
        try {
          Settings.DEFAULTS.withText(Map.of(name, text), actions.names());
          valid.put(name, text);
        } catch (InvalidSettingsException e) {
          skipped.put(name, e.fields().get(name));
        }
      }
    });
    if (!skipped.isEmpty() && warnedVersion != version) {
      warnedVersion = version;
      LOG.warn("Stored settings ignored because they are no longer valid (defaults apply): {}",
          skipped.values());
    }
    Settings settings = Settings.DEFAULTS.withText(valid, actions.names())
        .withText(files.texts(), actions.names());
    EnumMap<Setting, Source> sources = new EnumMap<>(Setting.class);
    for (Setting setting : Setting.values()) {
      sources.put(setting, files.defines(setting) ? Source.FILE
          : valid.containsKey(setting.name()) ? Source.API : Source.DEFAULT);
    }
    return new Snapshot(settings, Collections.unmodifiableMap(sources), version, loadedAt);
  }
}
