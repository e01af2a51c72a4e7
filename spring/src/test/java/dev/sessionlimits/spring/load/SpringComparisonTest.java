package dev.sessionlimits.spring.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.spring.load.Browsers.Login;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.session.SessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;

/**
 * The measurement, both sides in one run, on Spring Session JDBC over PostgreSQL: stock
 * Spring Security ({@code maximumSessions(1)} over {@code SpringSessionBackedSessionRegistry}, deny
 * and expire) and the starter under each built-in action. Only the starter is held to its promise;
 * stock's figures vary and are only recorded. Both sides' figures go to {@value Figures#REPORT}.
 */
class SpringComparisonTest {

  static final List<String> ACTIONS = LoadChecks.ACTIONS;

  @RegisterExtension static final LoadRun run = new LoadRun();

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
          LoadChecks.stockRounds(run.browsers, app, () -> deleteSpringSessions(dataSource));
      assertThat(rounds).hasSize(LoadChecks.ROUNDS);
      String label =
          "stock `maximumSessions(1).maxSessionsPreventsLogin("
              + "deny".equals(mode)
              + ")` ("
              + mode
              + ")";
      Figures.record("0 " + mode, label + ", Spring Session JDBC", "form", rounds);
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
        List<Round> rounds = LoadChecks.starterRounds(run.browsers, List.of(app), how, action);
        Figures.record(
            "1 " + ACTIONS.indexOf(action) + how.ordinal(),
            "starter, " + action + ", Spring Session JDBC",
            how.name(),
            rounds);
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
}
