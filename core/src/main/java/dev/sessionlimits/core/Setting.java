package dev.sessionlimits.core;

import java.util.Locale;
import java.util.Set;

/**
 * The settings of SPEC section 2, with their type, default, valid range, label and help text. The
 * enum constant's name is the setting's name everywhere: API, configuration files, audit.
 */
public enum Setting {
  SESSIONS_PER_USER(
      Type.INTEGER,
      -1L,
      1,
      100_000,
      true,
      "Sessions per user",
      "Maximum simultaneous sessions of one user; -1 is unlimited. A user's own limit overrides"
          + " it."),
  SESSIONS_PER_IP(
      Type.INTEGER,
      -1L,
      1,
      1_000_000,
      true,
      "Sessions per IP address",
      "Maximum simultaneous sessions from one client IP address, whoever owns them; -1 is"
          + " unlimited."),
  QUOTA_CONSTRAINTS_ENABLED(
      Type.BOOLEAN,
      true,
      0,
      0,
      false,
      "Enforce session limits",
      "Master switch for both limits. When off, logins are never limited."),
  QUOTA_EXHAUSTION_ACTION(
      Type.ACTION,
      "DESTROY_NEXT_EXPIRING",
      0,
      0,
      false,
      "When a limit is reached",
      "What a login beyond a limit does: refuse it, or sign out the session that expires next, the"
          + " oldest one, or all of them."),
  SESSION_COOKIE_AGE(
      Type.INTEGER,
      1800L,
      60,
      31_536_000,
      false,
      "Idle timeout (seconds)",
      "A session with no authenticated request for this long ends. Each authenticated request"
          + " extends it."),
  SESSION_MAX_LIFETIME(
      Type.INTEGER,
      0L,
      60,
      31_536_000,
      false,
      "Maximum session lifetime (seconds)",
      "Absolute lifetime from login, whatever the activity; 0 is none."),
  AUTH_BASIC_ENABLED(
      Type.BOOLEAN,
      false,
      0,
      0,
      false,
      "Allow HTTP Basic authentication",
      "Accept HTTP Basic authentication on the API. Basic-authenticated requests create no session"
          + " and fall outside session limits."),
  QUOTA_EXEMPT_ADMINS(
      Type.BOOLEAN,
      false,
      0,
      0,
      false,
      "Exempt administrators",
      "Administrators' logins are not limited."),
  MFA_REQUIRED_FOR_ADMINS(
      Type.BOOLEAN,
      false,
      0,
      0,
      false,
      "Require a second factor for administrators",
      "Administrators with a local password sign in with a code of their authenticator app too;"
          + " one without an app sets it up while signing in."),
  DENY_ACCESS_LETS_USER_CHOOSE(
      Type.BOOLEAN,
      true,
      0,
      0,
      false,
      "Let a refused user choose a session to sign out",
      "When her own limit refuses a login (DENY_ACCESS), the user sees her sessions, once her"
          + " password (and second factor) is right, and may sign one of them out to sign in.");

  /** The kind of value a setting holds. */
  public enum Type {
    INTEGER,
    BOOLEAN,
    /** The name of an installed exhaustion action. */
    ACTION;

    /** The lower-case name used in the settings schema. */
    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Type type;
  private final Object defaultValue;
  private final long min;
  private final long max;
  private final boolean minusOneMeansUnlimited;
  private final String label;
  private final String help;

  Setting(
      Type type,
      Object defaultValue,
      long min,
      long max,
      boolean minusOneMeansUnlimited,
      String label,
      String help) {
    this.type = type;
    this.defaultValue = defaultValue;
    this.min = min;
    this.max = max;
    this.minusOneMeansUnlimited = minusOneMeansUnlimited;
    this.label = label;
    this.help = help;
  }

  public Type type() {
    return type;
  }

  /** The built-in default: a {@code Long}, a {@code Boolean} or a {@code String}. */
  public Object defaultValue() {
    return defaultValue;
  }

  /** The smallest ordinary value of an integer setting (besides its special value). */
  public long min() {
    return min;
  }

  /** The largest value of an integer setting. */
  public long max() {
    return max;
  }

  /** The value outside {@code min..max} that is also valid (-1 or 0), or null if there is none. */
  public Long specialValue() {
    if (type != Type.INTEGER) {
      return null;
    }
    if (minusOneMeansUnlimited) {
      return -1L;
    }
    return (this == SESSION_MAX_LIFETIME) ? Long.valueOf(0) : null;
  }

  public String label() {
    return label;
  }

  public String help() {
    return help;
  }

  /** The valid values in words, as error messages and the schema show them. */
  public String validRange(Set<String> actionNames) {
    return switch (type) {
      case BOOLEAN -> "true or false";
      case ACTION -> "one of " + String.join(", ", actionNames);
      case INTEGER -> {
        Long special = specialValue();
        String range = min + ".." + max;
        yield (special == null) ? range : special + ", or " + range;
      }
    };
  }

  /** The setting called {@code name}, or null if there is none. */
  public static Setting named(String name) {
    for (Setting setting : values()) {
      if (setting.name().equals(name)) {
        return setting;
      }
    }
    return null;
  }

  /**
   * Checks a typed value (as JSON gives it: a number, a boolean or a string) and returns it in its
   * canonical form ({@code Long}, {@code Boolean}, {@code String}).
   *
   * @throws IllegalArgumentException with a sentence naming the setting, the value and the valid
   *     range
   */
  public Object check(Object value, Set<String> actionNames) {
    switch (type) {
      case BOOLEAN -> {
        if (value instanceof Boolean) {
          return value;
        }
        throw invalid(value, "must be true or false", actionNames);
      }
      case ACTION -> {
        if (value instanceof String s && actionNames.contains(s)) {
          return s;
        }
        throw invalid(value, "must be " + validRange(actionNames), actionNames);
      }
      case INTEGER -> {
        if (!(value instanceof Number n) || !isWhole(n)) {
          throw invalid(value, "must be a whole number: " + validRange(actionNames), actionNames);
        }
        long v = n.longValue();
        Long special = specialValue();
        if ((special != null && v == special) || (v >= min && v <= max)) {
          return v;
        }
        throw invalid(value, "must be " + validRange(actionNames), actionNames);
      }
      default -> throw new AssertionError(type);
    }
  }

  /** Parses a value written as text (a configuration file) and checks it like {@link #check}. */
  public Object parse(String text, Set<String> actionNames) {
    String t = text.trim();
    return switch (type) {
      case BOOLEAN -> {
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
          yield Boolean.parseBoolean(t);
        }
        throw invalid(t, "must be true or false", actionNames);
      }
      case ACTION -> check(t, actionNames);
      case INTEGER -> {
        try {
          yield check(Long.parseLong(t), actionNames);
        } catch (NumberFormatException e) {
          throw invalid(t, "must be a whole number: " + validRange(actionNames), actionNames);
        }
      }
    };
  }

  private IllegalArgumentException invalid(Object value, String rule, Set<String> actionNames) {
    String shown = (value instanceof String) ? "\"" + value + "\"" : String.valueOf(value);
    if (this == SESSION_COOKIE_AGE
        && value instanceof Number n
        && isWhole(n)
        && n.longValue() < min
        && n.longValue() >= 0) {
      rule += "; shorter idle timeouts sign users out while they work";
    }
    if (this.specialValue() != null
        && this.specialValue() == -1L
        && value instanceof Number n
        && isWhole(n)
        && n.longValue() == 0) {
      rule += "; 0 would sign out every login at once (use -1 for unlimited)";
    }
    return new IllegalArgumentException(name() + " " + rule + ", got " + shown);
  }

  private static boolean isWhole(Number n) {
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15;
    }
    if (n instanceof java.math.BigDecimal bd) {
      return bd.stripTrailingZeros().scale() <= 0
          && bd.abs().compareTo(java.math.BigDecimal.valueOf(1e15)) < 0;
    }
    if (n instanceof java.math.BigInteger bi) {
      return bi.bitLength() < 63;
    }
    return true;
  }
}
