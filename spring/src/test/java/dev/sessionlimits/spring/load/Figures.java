package dev.sessionlimits.spring.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import org.springframework.boot.SpringBootVersion;
import org.springframework.security.core.SpringSecurityCoreVersion;

/**
 * The figures of every load test of this run, one row per configuration and way of signing in,
 * written to {@value #REPORT} after each test class (so the file holds all that ran). The stock
 * rows come from {@link SpringComparisonTest}; docs/spring.md quotes a run's file.
 */
final class Figures {

  static final String REPORT = "target/spring-comparison.md";

  /** Rows by a sort key: stock first, then the starter's configurations in a fixed order. */
  private static final Map<String, String> ROWS = new TreeMap<>();

  private Figures() {}

  /** Records the rounds of one configuration under {@code key} (the row's place in the table). */
  static synchronized void record(
      String key, String configuration, String login, List<Round> rounds) {
    IntSummaryStatistics live = stats(rounds, Round::live);
    IntSummaryStatistics errors = stats(rounds, Round::serverErrors);
    ROWS.put(
        key,
        "| "
            + configuration
            + " | "
            + login.toLowerCase(Locale.ROOT)
            + " | "
            + rounds.size()
            + " | "
            + range(live)
            + " | "
            + range(errors)
            + " | "
            + errors.getSum()
            + " of "
            + (long) LoadChecks.BROWSERS * rounds.size()
            + " | "
            + stats(rounds, Round::told).getSum()
            + " | "
            + stats(rounds, Round::text200).getSum()
            + " |");
  }

  /** Writes every row recorded so far. */
  static synchronized void write() throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("# " + LoadChecks.BROWSERS + " simultaneous logins of one user at a limit of 1");
    lines.add("");
    lines.add(
        "Spring Boot "
            + SpringBootVersion.getVersion()
            + ", Spring Security "
            + SpringSecurityCoreVersion.getVersion()
            + ", Spring Session "
            + org.springframework.session.Session.class.getPackage().getImplementationVersion()
            + "; Tomcat; PostgreSQL; "
            + Runtime.getRuntime().availableProcessors()
            + " cores; "
            + Instant.now()
            + ". Written by the spring module's load tests (dev.sessionlimits.spring.load).");
    lines.add("");
    lines.add(
        "| configuration | login | rounds | live sessions after a round (min-max) | 5xx per round"
            + " (min-max) | 5xx in all | ended browsers told why (401 + reason) | ended browsers"
            + " given 200 text |");
    lines.add("|---|---|---|---|---|---|---|---|");
    lines.addAll(ROWS.values());
    Files.write(Path.of(REPORT), lines, StandardCharsets.UTF_8);
  }

  private static IntSummaryStatistics stats(List<Round> rounds, ToIntFunction<Round> figure) {
    return rounds.stream().mapToInt(figure).summaryStatistics();
  }

  private static String range(IntSummaryStatistics figures) {
    return figures.getMin() == figures.getMax()
        ? String.valueOf(figures.getMin())
        : figures.getMin() + "-" + figures.getMax();
  }
}
