package dev.sessionlimits.server;

import java.util.Map;

/**
 * How the server writes its log lines to standard output ({@code SESSIONLIMITS_LOG_FORMAT}): {@code
 * text}, readable lines (the default), or {@code json}, one JSON object per line. Logback reads the
 * variable itself ({@code logback.xml} includes {@code logback-<format>.xml}); this is the check at
 * start that the value is one it knows.
 */
public enum LogFormat {
  /** One readable line per event. */
  TEXT,
  /** One JSON object per line, with the request's fields and the audit event's fields. */
  JSON;

  /** The variable Logback and this check read. */
  public static final String VARIABLE = "SESSIONLIMITS_LOG_FORMAT";

  /**
   * The format {@code env} asks for; {@link #TEXT} when the variable is not set.
   *
   * @throws IllegalArgumentException naming the variable, its value and what is valid
   */
  public static LogFormat fromEnvironment(Map<String, String> env) {
    String value = env.get(VARIABLE);
    if (value == null) {
      return TEXT;
    }
    return switch (value) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default ->
          throw new IllegalArgumentException(
              VARIABLE + "=\"" + value + "\" is not a log format; valid: text, json");
    };
  }
}
