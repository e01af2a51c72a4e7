package dev.sessionlimits.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns refused {@code sessionlimits.*} properties into Spring Boot's start failure report. */
public final class SessionlimitsFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidSessionlimitsPropertiesException> {

  @Override
  protected FailureAnalysis analyze(Throwable root, InvalidSessionlimitsPropertiesException cause) {
    return new FailureAnalysis(
        "Invalid Sessionlimits configuration:\n  "
            + String.join("\n  ", cause.properties().values()),
        "Correct the sessionlimits.* properties named above (see docs/spring.md).",
        cause);
  }
}
