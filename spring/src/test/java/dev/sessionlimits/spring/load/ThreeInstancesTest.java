package dev.sessionlimits.spring.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.spring.load.Browsers.Login;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Three instances of the application on one PostgreSQL database, the logins spread round-robin over
 * them: the limit holds across instances, exactly one live session and no 5xx in every round.
 */
class ThreeInstancesTest {

  static final List<String> ACTIONS = LoadChecks.ACTIONS;
  static final int INSTANCES = 3;

  @RegisterExtension static final LoadRun run = new LoadRun();

  @ParameterizedTest(name = "{0}")
  @FieldSource("ACTIONS")
  void threeInstancesOnOneDatabaseKeepExactlyOneSession(String action) throws Exception {
    try (TestPostgres database = TestPostgres.create()) {
      Map<String, String> properties =
          LoadChecks.with(
              Backend.CONTAINER_POSTGRES.properties(database.url(), null),
              LoadChecks.starter(action));
      List<SampleApp> instances = new ArrayList<>();
      try {
        for (int i = 0; i < INSTANCES; i++) {
          instances.add(SampleApp.start(properties));
        }
        // ten rounds, form and Basic in turn
        List<Round> rounds =
            LoadChecks.starterRounds(
                run.browsers, instances, List.of(Login.FORM, Login.BASIC), action, () -> {});
        assertThat(rounds).hasSize(LoadChecks.ROUNDS);
        Figures.record(
            "4 " + ACTIONS.indexOf(action),
            "starter, " + action + ", three instances on one PostgreSQL",
            "form and basic in turn",
            rounds);
      } finally {
        instances.forEach(SampleApp::close);
      }
    }
  }
}
