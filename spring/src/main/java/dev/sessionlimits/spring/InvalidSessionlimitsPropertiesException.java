package dev.sessionlimits.spring;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code sessionlimits.*} properties that were refused at start: a sentence per property naming it,
 * its value and what is valid. {@link SessionlimitsFailureAnalyzer} shows them as Spring Boot's
 * start failure report.
 */
public final class InvalidSessionlimitsPropertiesException extends IllegalStateException {

  private final Map<String, String> properties;

  public InvalidSessionlimitsPropertiesException(Map<String, String> properties) {
    super("Invalid Sessionlimits configuration: " + String.join("; ", properties.values()));
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /** Property name to the sentence saying what is wrong with its value. */
  public Map<String, String> properties() {
    return properties;
  }
}
