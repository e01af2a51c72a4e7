package dev.sessionlimits.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A complete, valid set of the settings of SPEC section 2. Built from the defaults plus changes,
 * all checked at once: either every change is valid and a new value results, or an {@link
 * InvalidSettingsException} names each bad one and nothing is applied.
 */
public final class Settings {

  /** The built-in defaults. */
  public static final Settings DEFAULTS = defaults();

  private final EnumMap<Setting, Object> values;

  private Settings(EnumMap<Setting, Object> values) {
    this.values = values;
  }

  private static Settings defaults() {
    EnumMap<Setting, Object> values = new EnumMap<>(Setting.class);
    for (Setting setting : Setting.values()) {
      values.put(setting, setting.defaultValue());
    }
    return new Settings(values);
  }

  /**
   * These settings with {@code changes} applied. Keys are setting names; values are typed as JSON
   * gives them; a null value puts the setting back to its built-in default. Unknown names and wrong
   * types are refused like invalid values.
   */
  public Settings with(Map<String, ?> changes, Set<String> actionNames) {
    return apply(changes, actionNames, false);
  }

  /** Like {@link #with}, but the values are text, as in a {@code .properties} file. */
  public Settings withText(Map<String, String> changes, Set<String> actionNames) {
    return apply(changes, actionNames, true);
  }

  private Settings apply(Map<String, ?> changes, Set<String> actionNames, boolean text) {
    EnumMap<Setting, Object> next = new EnumMap<>(values);
    Map<String, String> errors = new LinkedHashMap<>();
    changes.forEach(
        (name, value) -> {
          Setting setting = Setting.named(name);
          if (setting == null) {
            errors.put(name, name + " is not a setting");
            return;
          }
          try {
            if (value == null && !text) {
              next.put(setting, setting.defaultValue());
              return;
            }
            if (value == null) {
              throw new IllegalArgumentException(name + " must have a value, got null");
            }
            next.put(
                setting,
                text
                    ? setting.parse(value.toString(), actionNames)
                    : setting.check(value, actionNames));
          } catch (IllegalArgumentException e) {
            errors.put(name, e.getMessage());
          }
        });
    if (!errors.isEmpty()) {
      throw new InvalidSettingsException(errors);
    }
    return new Settings(next);
  }

  /** The value of {@code setting}: a {@code Long}, {@code Boolean} or {@code String}. */
  public Object get(Setting setting) {
    return values.get(setting);
  }

  /** All values by setting name, in the order of {@link Setting}. */
  public Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    values.forEach((setting, value) -> map.put(setting.name(), value));
    return Collections.unmodifiableMap(map);
  }

  public int sessionsPerUser() {
    return ((Long) values.get(Setting.SESSIONS_PER_USER)).intValue();
  }

  public int sessionsPerIp() {
    return ((Long) values.get(Setting.SESSIONS_PER_IP)).intValue();
  }

  public boolean quotaConstraintsEnabled() {
    return (Boolean) values.get(Setting.QUOTA_CONSTRAINTS_ENABLED);
  }

  public String quotaExhaustionAction() {
    return (String) values.get(Setting.QUOTA_EXHAUSTION_ACTION);
  }

  /** Idle timeout in seconds. */
  public long sessionCookieAge() {
    return (Long) values.get(Setting.SESSION_COOKIE_AGE);
  }

  /** Absolute lifetime in seconds; 0 is none. */
  public long sessionMaxLifetime() {
    return (Long) values.get(Setting.SESSION_MAX_LIFETIME);
  }

  public boolean authBasicEnabled() {
    return (Boolean) values.get(Setting.AUTH_BASIC_ENABLED);
  }

  public boolean quotaExemptAdmins() {
    return (Boolean) values.get(Setting.QUOTA_EXEMPT_ADMINS);
  }

  /** Whether administrators with a local password must pass a second factor to sign in. */
  public boolean mfaRequiredForAdmins() {
    return (Boolean) values.get(Setting.MFA_REQUIRED_FOR_ADMINS);
  }

  /**
   * Whether a user refused by her own limit is shown her sessions and may end one of them to sign
   * in ({@link Setting#DENY_ACCESS_LETS_USER_CHOOSE}).
   */
  public boolean denyAccessLetsUserChoose() {
    return (Boolean) values.get(Setting.DENY_ACCESS_LETS_USER_CHOOSE);
  }

  @Override
  public boolean equals(Object o) {
    return (o instanceof Settings other) && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "Settings" + asMap();
  }
}
