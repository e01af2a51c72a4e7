package dev.sessionlimits.core;

import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The exhaustion actions that can be chosen by name: the four built-ins, plus custom ones found
 * with {@link ServiceLoader}. A custom action cannot replace a built-in, and one that fails to load
 * is logged and left out rather than stopping the server.
 */
public final class ExhaustionActions {

  private static final System.Logger LOG = System.getLogger(ExhaustionActions.class.getName());

  private final Map<String, ExhaustionAction> byName;

  private ExhaustionActions(Map<String, ExhaustionAction> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /** Only the four built-in actions. */
  public static ExhaustionActions builtIns() {
    Map<String, ExhaustionAction> map = new LinkedHashMap<>();
    for (BuiltInAction action : BuiltInAction.values()) {
      map.put(action.name(), action);
    }
    return new ExhaustionActions(map);
  }

  /** The built-ins plus every action installed for {@code loader}. */
  public static ExhaustionActions load(ClassLoader loader) {
    Map<String, ExhaustionAction> map = new LinkedHashMap<>(builtIns().byName);
    var iterator = ServiceLoader.load(ExhaustionAction.class, loader).iterator();
    while (true) {
      ExhaustionAction action;
      try {
        if (!iterator.hasNext()) {
          break;
        }
        action = iterator.next();
      } catch (ServiceConfigurationError e) {
        LOG.log(Level.ERROR, "A custom exhaustion action could not be loaded and is ignored", e);
        continue;
      }
      add(map, action);
    }
    return new ExhaustionActions(map);
  }

  /** The built-ins plus {@code custom}, as if they had been installed. */
  public static ExhaustionActions of(ExhaustionAction... custom) {
    Map<String, ExhaustionAction> map = new LinkedHashMap<>(builtIns().byName);
    for (ExhaustionAction action : custom) {
      add(map, action);
    }
    return new ExhaustionActions(map);
  }

  private static void add(Map<String, ExhaustionAction> map, ExhaustionAction action) {
    String name;
    try {
      name = action.name();
    } catch (RuntimeException e) {
      LOG.log(
          Level.ERROR,
          "Custom exhaustion action "
              + action.getClass().getName()
              + " failed to say its name and is ignored",
          e);
      return;
    }
    if (name == null || name.isBlank()) {
      LOG.log(
          Level.ERROR,
          "Custom exhaustion action {0} has no name and is ignored",
          action.getClass().getName());
    } else if (map.containsKey(name)) {
      LOG.log(
          Level.ERROR,
          "Custom exhaustion action {0} is named {1}, which is taken by {2}; it is ignored",
          action.getClass().getName(),
          name,
          (map.get(name) instanceof BuiltInAction)
              ? "a built-in action"
              : map.get(name).getClass().getName());
    } else {
      map.put(name, action);
    }
  }

  /** The action called {@code name}, if installed. */
  public Optional<ExhaustionAction> named(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The action called {@code name}; throws naming the installed ones if there is none. */
  public ExhaustionAction require(String name) {
    ExhaustionAction action = byName.get(name);
    if (action == null) {
      throw new IllegalArgumentException(
          "no exhaustion action named '" + name + "'; installed: " + byName.keySet());
    }
    return action;
  }

  /** The names of all installed actions, built-ins first. */
  public Set<String> names() {
    return byName.keySet();
  }
}
