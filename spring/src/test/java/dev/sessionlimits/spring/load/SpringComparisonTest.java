package dev.sessionlimits.spring.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.spring.load.Browsers.Login;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringBootVersion;
import org.springframework.security.core.SpringSecurityCoreVersion;
import org.springframework.session.SessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;

/**
 * The measurement, both sides in one run, on Spring Session JDBC over PostgreSQL: stock
 * Spring Security ({@code maximumSessions(1)} over {@code SpringSessionBackedSessionRegistry}, deny
 * and expire) and the starter under each built-in action. Only the starter is held to its promise;
 * stock's figures vary and are only recorded. Both sides' figures go to {@value #REPORT}.
 */
class SpringComparisonTest {

  static final String REPORT = "target/spring-comparison.md";

  static final List<String> ACTIONS = LoadChecks.ACTIONS;

  /** Rows of the report by a sort key (stock first), written after the last test. */
  private static final Map<String, String> ROWS = new TreeMap<>();

  private static Browsers browsers;

  @BeforeAll
  static void browsers() {
    browsers = new Browsers(LoadChecks.BROWSERS);
  }

  @AfterAll
  static void writeReport() throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(
        "# "
            + LoadChecks.BROWSERS
            + " simultaneous logins of one user at a limit of 1, "
            + LoadChecks.ROUNDS
            + " rounds each");
    lines.add("");
    lines.add(
        "Spring Boot "
            + SpringBootVersion.getVersion()
            + ", Spring Security "
            + SpringSecurityCoreVersion.getVersion()
            + ", Spring Session JDBC "
            + org.springframework.session.Session.class.getPackage().getImplementationVersion()
            + " on PostgreSQL; Tomcat; "
            + Runtime.getRuntime().availableProcessors()
            + " cores; "
            + Instant.now()
            + ". Written by SpringComparisonTest.");
    lines.add("");
    lines.add(
        "| configuration | login | live sessions after a round (min-max) | 5xx per round (min-max)"
            + " | 5xx in all | ended browsers told why (401 + reason) | ended browsers given 200"
            + " text |");
    lines.add("|---|---|---|---|---|---|---|");
    lines.addAll(ROWS.values());
    Files.write(Path.of(REPORT), lines, StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "stock maximumSessions(1), {0}")
  @ValueSource(strings = {"deny", "expire"})
  void stockSpringSecurityIsMeasuredOnTheSameSetup(String mode) throws Exception {
    try (TestPostgres database = TestPostgres.create();
        SampleApp app =
            SampleApp.start(
                LoadChecks.with(
                    Backend.SPRING_SESSION_JDBC.properties(database.url(), null),
                    Map.of(
                        "sessionlimits.enabled",
                        "false",
                        SampleApplication.STOCK_MAXIMUM_SESSIONS,
                        mode,
                        // the starter, switched off, does not keep Boot 3.5's Flyway (which fails
                        // on store-jdbc's Flyway 13) away either
                        "spring.flyway.enabled",
                        "false",
                        // stock's expire mode fails logins with 500s on purpose; their traces are
                        // counted, not printed
                        "logging.level.org.apache.catalina.core",
                        "OFF")),
                StockSessionRegistry.class)) {
      assertThat(app.has(SessionManager.class)).as("the starter is off in the stock app").isFalse();
      DataSource dataSource = app.bean(DataSource.class);
      List<Round> rounds =
          LoadChecks.stockRounds(browsers, app, () -> deleteSpringSessions(dataSource));
      assertThat(rounds).hasSize(LoadChecks.ROUNDS);
      String label =
          "stock `maximumSessions(1).maxSessionsPreventsLogin("
              + "deny".equals(mode)
              + ")` ("
              + mode
              + ")";
      ROWS.put("0 " + mode, row(label, Login.FORM, rounds));
    }
  }

  @ParameterizedTest(name = "the starter, {0}")
  @FieldSource("ACTIONS")
  void theStarterHoldsExactlyOneSessionOnSpringSessionJdbc(String action) throws Exception {
    try (TestPostgres database = TestPostgres.create();
        SampleApp app =
            SampleApp.start(
                LoadChecks.with(
                    Backend.SPRING_SESSION_JDBC.properties(database.url(), null),
                    LoadChecks.starter(action)))) {
      assertThat(app.bean(SessionRepository.class))
          .isInstanceOf(JdbcIndexedSessionRepository.class);
      for (Login how : Login.values()) {
        List<Round> rounds = LoadChecks.starterRounds(browsers, List.of(app), how, action);
        ROWS.put("1 " + ACTIONS.indexOf(action) + how, row("starter, " + action, how, rounds));
      }
    }
  }

  private static void deleteSpringSessions(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DELETE FROM spring_session");
    } catch (SQLException e) {
      throw new IllegalStateException("Could not end the stock sessions between rounds", e);
    }
  }

  private static String row(String label, Login how, List<Round> rounds) {
    IntSummaryStatistics live = stats(rounds, Round::live);
    IntSummaryStatistics errors = stats(rounds, Round::serverErrors);
    IntSummaryStatistics told = stats(rounds, Round::told);
    IntSummaryStatistics text = stats(rounds, Round::text200);
    return "| "
        + label
        + " | "
        + how.name().toLowerCase(java.util.Locale.ROOT)
        + " | "
        + range(live)
        + " | "
        + range(errors)
        + " | "
        + errors.getSum()
        + " of "
        + (long) LoadChecks.BROWSERS * rounds.size()
        + " | "
        + told.getSum()
        + " | "
        + text.getSum()
        + " |";
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
