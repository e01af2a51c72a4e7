package dev.sessionlimits.spring.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.spring.load.Browsers.Login;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The starter's promise with the container's (Tomcat's) sessions: {@value LoadChecks#BROWSERS}
 * simultaneous logins at a limit of one, {@value LoadChecks#ROUNDS} rounds, by form and by HTTP
 * Basic, under each built-in action: exactly one live session and no 5xx every time; on the
 * in-memory store and on the application's PostgreSQL DataSource.
 */
class StarterLoadTest {

  static final List<String> ACTIONS = LoadChecks.ACTIONS;

  @RegisterExtension static final LoadRun run = new LoadRun();

  @ParameterizedTest(name = "{0}")
  @FieldSource("ACTIONS")
  void exactlyOneSessionLivesOnTheInMemoryStore(String action) throws Exception {
    try (SampleApp app =
        SampleApp.start(
            LoadChecks.with(
                Backend.CONTAINER_MEMORY.properties(null, null), LoadChecks.starter(action)))) {
      for (Login how : Login.values()) {
        List<Round> rounds = LoadChecks.starterRounds(run.browsers, List.of(app), how, action);
        assertThat(rounds).hasSize(LoadChecks.ROUNDS);
        Figures.record(
            "2 " + ACTIONS.indexOf(action) + how.ordinal(),
            "starter, " + action + ", in-memory store, Tomcat sessions",
            how.name(),
            rounds);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("ACTIONS")
  void exactlyOneSessionLivesOnTheApplicationsPostgres(String action) throws Exception {
    try (TestPostgres database = TestPostgres.create();
        SampleApp app =
            SampleApp.start(
                LoadChecks.with(
                    Backend.CONTAINER_POSTGRES.properties(database.url(), null),
                    LoadChecks.starter(action)))) {
      for (Login how : Login.values()) {
        List<Round> rounds = LoadChecks.starterRounds(run.browsers, List.of(app), how, action);
        assertThat(rounds).hasSize(LoadChecks.ROUNDS);
        Figures.record(
            "3 " + ACTIONS.indexOf(action) + how.ordinal(),
            "starter, " + action + ", PostgreSQL store, Tomcat sessions",
            how.name(),
            rounds);
      }
    }
  }
}
