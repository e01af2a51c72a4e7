package dev.sessionlimits.core;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Settings that were refused, with a sentence per offending setting. Nothing was applied. */
public final class InvalidSettingsException extends IllegalArgumentException {

  private final Map<String, String> fields;

  public InvalidSettingsException(Map<String, String> fields) {
    super("invalid settings: " + new TreeMap<>(fields));
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("an InvalidSettingsException needs at least one field");
    }
    this.fields = Collections.unmodifiableMap(new TreeMap<>(fields));
  }

  /** Setting name to a sentence saying what is wrong with the value given for it. */
  public Map<String, String> fields() {
    return fields;
  }
}
