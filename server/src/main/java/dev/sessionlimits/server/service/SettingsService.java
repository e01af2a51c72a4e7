package dev.sessionlimits.server.service;

import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.Immediate;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings in force: built-in defaults, under the values stored through the API (shared by all
 * nodes), under the values of configuration files (read-only).
 *
 * <p>Design note: freshness. Every node must apply a change made on another node within {@link
 * #MAX_AGE}, and a login must never be decided on settings older than that (a node still holding
 * "no limit" would open sessions past a limit set a moment ago). So the copy in hand is used only
 * while it was read less than {@code MAX_AGE} ago <em>and</em> the store has heard of no change
 * since ({@link SettingsStore#changeStamp}, which a cluster store moves when another node announces
 * a change, so a change applies everywhere at once and the age is only the fallback). {@code
 * loadedAt} and the stamp are taken <em>before</em> the read, so a copy never claims to be newer
 * than it is. Once the copy is too old, one thread reloads and every other thread that needs the
 * settings waits for that reload (at most {@link #RELOAD_WAIT}); none takes the old copy. If the
 * reload fails or does not answer in time they all get {@link StoreUnavailableException} (503). So
 * that the verify path, which must not wait, rarely finds the copy too old, {@link
 * #settingsWithoutWaiting} starts one reload in the background once the copy is {@link
 * #REFRESH_AGE} old and answers with the copy meanwhile (still fresh by the rule above). A change
 * made here replaces the copy at once. A stored value that is no longer valid (say, a custom action
 * that was uninstalled) is skipped with a warning rather than stopping every request; the default
 * (or file value) applies in its place.
 */
public final class SettingsService {

  private static final Logger LOG = LoggerFactory.getLogger(SettingsService.class);

  /** How old the stored values in hand may get before they are read again. */
  public static final Duration MAX_AGE = Duration.ofSeconds(1);

  /** How old the copy may get before a verify starts reading it again in the background. */
  static final Duration REFRESH_AGE = Duration.ofMillis(800);

  /**
   * The longest a request waits for another thread's reload before it is answered 503: above the
   * JDBC store's own limits for an unreachable database (3 s for a connection), well under a
   * client's patience.
   */
  static final Duration RELOAD_WAIT = Duration.ofSeconds(5);

  private static final int SAVE_ATTEMPTS = 5;

  /** Where a setting's value comes from. */
  public enum Source {
    /** The built-in default. */
    DEFAULT,
    /** Set through the API, kept in the store. */
    API,
    /** Set in a file (read-only through the API). */
    FILE;

    /** The source as the API names it: {@code default}, {@code api} or {@code file}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The settings in force, where each value comes from, and the stored version they rest on; {@code
   * loadedAt} and {@code stamp} (the store's {@link SettingsStore#changeStamp}) as they were before
   * the values were read.
   */
  public record Snapshot(
      Settings settings,
      Map<Setting, Source> sources,
      long version,
      Instant loadedAt,
      long stamp) {}

  /** A change: the settings before and after. */
  public record Change(Snapshot before, Snapshot after) {}

  private final SettingsStore store;
  private final FileSettings files;
  private final ExhaustionActions actions;
  private final InstantSource clock;
  private final Duration reloadWait;
  private final AtomicReference<CompletableFuture<Snapshot>> reloading = new AtomicReference<>();
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile Snapshot snapshot;
  private volatile long warnedVersion = -1;

  /** The settings of {@code store} and {@code files}, with {@code actions} to name. */
  public SettingsService(
      SettingsStore store, FileSettings files, ExhaustionActions actions, InstantSource clock) {
    this(store, files, actions, clock, RELOAD_WAIT);
  }

  /** With a shorter {@code reloadWait}, for tests. */
  SettingsService(
      SettingsStore store,
      FileSettings files,
      ExhaustionActions actions,
      InstantSource clock,
      Duration reloadWait) {
    this.reloadWait = reloadWait;
    this.store = store;
    this.files = files;
    this.actions = actions;
    this.clock = clock;
    try {
      this.snapshot = load();
    } catch (StoreUnavailableException e) {
      LOG.warn("The settings store is unavailable; using defaults and files until it answers", e);
      this.snapshot = build(Map.of(), -1, Instant.EPOCH, store.changeStamp());
    }
  }

  /**
   * The settings in force now: the copy in hand while it is fresh, otherwise the result of a reload
   * (this thread's or one already running).
   *
   * @throws StoreUnavailableException if the copy is too old and the store cannot be read within
   *     {@link #RELOAD_WAIT}; a failure of the store other than unavailability is thrown as it is
   *     (to the thread that reloaded) or as {@link IllegalStateException} (to those that waited)
   */
  public Snapshot current() {
    Snapshot s = snapshot;
    if (fresh(s)) {
      return s;
    }
    Instant asked = clock.instant();
    long deadline = System.nanoTime() + reloadWait.toNanos();
    while (true) {
      s = reload(deadline);
      // A reload that began after this call did is as fresh as can be, even if it was slow.
      if (fresh(s) || (s.stamp() == store.changeStamp() && !s.loadedAt().isBefore(asked))) {
        return s;
      }
      // A change was announced while the reload ran, or it took longer than MAX_AGE: read again.
      if (System.nanoTime() - deadline >= 0) {
        throw new StoreUnavailableException(
            "The settings could not be read fresh within " + reloadWait.toMillis() + " ms", null);
      }
    }
  }

  private boolean fresh(Snapshot s) {
    return s.stamp() == store.changeStamp() && clock.instant().isBefore(s.loadedAt().plus(MAX_AGE));
  }

  /** Runs a reload, or waits for the one running; its result (or failure). */
  private Snapshot reload(long deadline) {
    CompletableFuture<Snapshot> mine = new CompletableFuture<>();
    CompletableFuture<Snapshot> running = reloading.compareAndExchange(null, mine);
    if (running == null) {
      // The slot is cleared before the waiters wake, so one that must read again starts anew.
      Snapshot loaded;
      try {
        loaded = install(load());
      } catch (RuntimeException | Error e) {
        reloading.set(null);
        mine.completeExceptionally(e);
        throw e;
      }
      reloading.set(null);
      mine.complete(loaded);
      return loaded;
    }
    try {
      return running.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new StoreUnavailableException(
          "The settings store did not answer within " + reloadWait.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StoreUnavailableException unavailable) {
        throw new StoreUnavailableException(unavailable.getMessage(), unavailable);
      }
      throw new IllegalStateException("Reloading the settings failed", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("Interrupted while the settings were reloaded", e);
    }
  }

  /** The settings in force, reloaded first if the copy in hand is too old. */
  public Settings settings() {
    return current().settings();
  }

  /**
   * {@link #settings} if the copy in hand is fresh; {@code MustWait} if they must be reloaded. A
   * fresh copy older than {@link #REFRESH_AGE} is answered and reloaded in the background.
   */
  public Immediate<Settings> settingsWithoutWaiting() {
    Snapshot s = snapshot;
    if (!fresh(s)) {
      return Immediate.mustWait();
    }
    if (!clock.instant().isBefore(s.loadedAt().plus(REFRESH_AGE))) {
      refreshAhead();
    }
    return Immediate.known(s.settings());
  }

  /** Starts one reload on the common pool, unless one is already on its way. */
  private void refreshAhead() {
    if (reloading.get() != null || !refreshing.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture.runAsync(
        () -> {
          try {
            reload(System.nanoTime() + reloadWait.toNanos());
          } catch (RuntimeException e) {
            // The copy ages out as it would have; the next request that needs it reloads and
            // reports what fails then.
            LOG.debug("Reading the settings ahead of their age failed", e);
          } finally {
            refreshing.set(false);
          }
        });
  }

  /** The settings the files define. */
  public FileSettings files() {
    return files;
  }

  /** The exhaustion actions a setting may name. */
  public ExhaustionActions actions() {
    return actions;
  }

  /**
   * Applies {@code changes} (setting name to a JSON-typed value) all together, or none of them. A
   * null value puts the setting back to its default: nothing is stored for it any more, so it
   * follows the built-in default, even when a later release changes that.
   *
   * @throws InvalidSettingsException naming every refused setting: unknown, read-only, wrong type
   *     or out of range
   */
  Change update(Map<String, Object> changes) {
    return update(changes, (before, after) -> {});
  }

  /**
   * {@link #update}, calling {@code check} with the settings before and after before saving them
   * (each time, if a concurrent change makes it try again); what {@code check} throws stops the
   * update, and nothing is saved.
   */
  public Change update(Map<String, Object> changes, BiConsumer<Settings, Settings> check) {
    for (int attempt = 1; ; attempt++) {
      Snapshot before = load();
      Map<String, String> errors = new LinkedHashMap<>();
      Map<String, Object> writable = new LinkedHashMap<>();
      changes.forEach(
          (name, value) -> {
            Setting setting = Setting.named(name);
            if (setting != null && files.defines(setting)) {
              errors.put(
                  name,
                  name
                      + " is set in the file "
                      + files.get(setting).file()
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
      check.accept(before.settings(), next);
      Map<String, String> texts = new LinkedHashMap<>();
      for (String name : writable.keySet()) {
        texts.put(
            name,
            writable.get(name) == null ? null : String.valueOf(next.get(Setting.named(name))));
      }
      try {
        long stamp = store.changeStamp();
        Instant savedAt = clock.instant();
        SettingsStore.Stored stored = store.save(texts, before.version());
        Snapshot after = build(stored.values(), stored.version(), savedAt, stamp);
        install(after);
        return new Change(before, after);
      } catch (SettingsStore.ConcurrentSettingsChangeException e) {
        if (attempt >= SAVE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * Puts {@code loaded} in force, unless the copy in hand is of a later version and still fresh (a
   * change saved here while {@code loaded} was being read); returns the copy in force.
   */
  private synchronized Snapshot install(Snapshot loaded) {
    Snapshot held = snapshot;
    if (held.version() > loaded.version()
        && loaded.loadedAt().isBefore(held.loadedAt().plus(MAX_AGE))) {
      return held;
    }
    snapshot = loaded;
    return loaded;
  }

  private Snapshot load() {
    long stamp = store.changeStamp();
    Instant loadedAt = clock.instant();
    SettingsStore.Stored stored = store.load();
    return build(stored.values(), stored.version(), loadedAt, stamp);
  }

  private Snapshot build(Map<String, String> stored, long version, Instant loadedAt, long stamp) {
    Map<String, String> valid = new LinkedHashMap<>();
    Map<String, String> skipped = new LinkedHashMap<>();
    stored.forEach(
        (name, text) -> {
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
      LOG.warn(
          "Stored settings ignored because they are no longer valid (defaults apply): {}",
          skipped.values());
    }
    Settings settings =
        Settings.DEFAULTS.withText(valid, actions.names()).withText(files.texts(), actions.names());
    EnumMap<Setting, Source> sources = new EnumMap<>(Setting.class);
    for (Setting setting : Setting.values()) {
      sources.put(
          setting,
          files.defines(setting)
              ? Source.FILE
              : valid.containsKey(setting.name()) ? Source.API : Source.DEFAULT);
    }
    return new Snapshot(settings, Collections.unmodifiableMap(sources), version, loadedAt, stamp);
  }
}
