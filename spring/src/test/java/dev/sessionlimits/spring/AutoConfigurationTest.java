package dev.sessionlimits.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.ActionDecision;
import dev.sessionlimits.core.Exhaustion;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.Settings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.core.session.SessionRegistry;

/** The beans the starter contributes, the store it chooses, and the start it refuses. */
class AutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(SessionlimitsAutoConfiguration.class));

  @Test
  void withoutADataSourceTheStoreIsInMemory() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed().hasSingleBean(SessionStore.class);
          assertThat(context.getBean(SessionStore.class).getClass().getSimpleName())
              .isEqualTo("InMemorySessionStore");
        });
  }

  @Test
  void withOneDataSourceTheStoreIsTheJdbcStoreOnIt() {
    DataSource h2 = h2();
    runner
        .withBean(DataSource.class, () -> h2)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(SessionStore.class).getClass().getPackageName())
                  .isEqualTo("dev.sessionlimits.store.jdbc");
              assertThat(tableExists(h2, "SL_SESSIONS")).isTrue();
            });
  }

  @Test
  void storeMemoryKeepsTheSessionsInMemoryBesideADataSource() {
    runner
        .withBean(DataSource.class, AutoConfigurationTest::h2)
        .withPropertyValues("sessionlimits.store=memory")
        .run(
            context ->
                assertThat(context.getBean(SessionStore.class).getClass().getSimpleName())
                    .isEqualTo("InMemorySessionStore"));
  }

  @Test
  void storeJdbcWithoutADataSourceFailsTheStartSayingWhatIsMissing() {
    runner
        .withPropertyValues("sessionlimits.store=jdbc")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("sessionlimits.store=jdbc needs exactly one DataSource"));
  }

  @Test
  void anApplicationsOwnStoreIsUsedAndNotClosedByTheStarter() {
    SessionStore own = SessionStore.inMemory();
    runner
        .withBean(SessionStore.class, () -> own)
        .run(
            context -> {
              assertThat(context.getBean(SessionManager.class).liveSessions()).isEmpty();
              assertThat(context).doesNotHaveBean(OwnedStore.class);
              assertThat(context.getBean(SessionStore.class)).isSameAs(own);
            });
  }

  @Test
  void aBadPropertyValueFailsTheStartNamingThePropertyItsValueAndWhatIsValid() {
    runner
        .withPropertyValues(
            "sessionlimits.sessions-per-user=0",
            "sessionlimits.quota-exhaustion-action=DESTROY_EVERYTHING")
        .run(
            context -> {
              Throwable failure = context.getStartupFailure();
              assertThat(failure).isNotNull();
              InvalidSessionlimitsPropertiesException invalid = invalidIn(failure);
              assertThat(invalid.properties())
                  .containsOnlyKeys(
                      "sessionlimits.sessions-per-user", "sessionlimits.quota-exhaustion-action");
              assertThat(invalid.getMessage())
                  .contains("sessionlimits.sessions-per-user=0 is not valid")
                  .contains("-1, or 1..100000")
                  .contains("sessionlimits.quota-exhaustion-action=DESTROY_EVERYTHING is not valid")
                  .contains("DENY_ACCESS");
              FailureAnalysis analysis = new SessionlimitsFailureAnalyzer().analyze(failure);
              assertThat(analysis.getDescription())
                  .startsWith("Invalid Sessionlimits configuration:")
                  .contains("sessionlimits.sessions-per-user=0");
            });
  }

  @Test
  void aCookieAgeBelowAMinuteIsRefused() {
    runner
        .withPropertyValues("sessionlimits.session-cookie-age=30s")
        .run(
            context ->
                assertThat(invalidIn(context.getStartupFailure()).getMessage())
                    .contains("sessionlimits.session-cookie-age=PT30S is not valid"));
  }

  @Test
  void disabledTheStarterContributesNothing() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SessionlimitsAutoConfiguration.class))
        .withPropertyValues("sessionlimits.enabled=false")
        .run(
            context ->
                assertThat(context)
                    .doesNotHaveBean(SessionStore.class)
                    .doesNotHaveBean(SessionlimitsComponents.class)
                    .doesNotHaveBean(SessionRegistry.class));
  }

  @Test
  void inAServletApplicationTheSecurityPiecesAreBeans() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SessionlimitsAutoConfiguration.class))
        .run(
            context ->
                assertThat(context)
                    .hasSingleBean(SessionlimitsComponents.class)
                    .hasSingleBean(SessionlimitsHttpSessionListener.class)
                    .getBean(SessionRegistry.class)
                    .isInstanceOf(StoreSessionRegistry.class));
  }

  @Test
  void aCustomExhaustionActionBeanCanBeChosenByName() {
    ExhaustionAction custom =
        new ExhaustionAction() {
          @Override
          public String name() {
            return "REFUSE_POLITELY";
          }

          @Override
          public ActionDecision onExhausted(Exhaustion exhaustion) {
            return ExhaustionAction.DENY_ACCESS.onExhausted(exhaustion);
          }
        };
    runner
        .withBean(ExhaustionAction.class, () -> custom)
        .withPropertyValues("sessionlimits.quota-exhaustion-action=REFUSE_POLITELY")
        .run(
            context ->
                assertThat(context.getBean(Settings.class).quotaExhaustionAction())
                    .isEqualTo("REFUSE_POLITELY"));
  }

  @Test
  void theMetadataNamesEveryPropertyAndHintsTheActionsAndStores() throws Exception {
    String metadata;
    try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      metadata = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    for (String property :
        List.of(
            "enabled",
            "sessions-per-user",
            "sessions-per-ip",
            "quota-constraints-enabled",
            "quota-exhaustion-action",
            "session-cookie-age",
            "session-max-lifetime",
            "quota-exempt-admins",
            "admin-authority",
            "limit-authority-prefix",
            "store",
            "login-page")) {
      assertThat(metadata).contains("\"name\": \"sessionlimits." + property + "\"");
    }
    assertThat(metadata).contains("\"hints\"").contains("DESTROY_OLDEST_SESSION").contains("jdbc");
  }

  private static InvalidSessionlimitsPropertiesException invalidIn(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidSessionlimitsPropertiesException invalid) {
        return invalid;
      }
    }
    throw new AssertionError("no InvalidSessionlimitsPropertiesException in " + failure, failure);
  }

  private static DataSource h2() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    h2.setUser("sa");
    return h2;
  }

  private static boolean tableExists(DataSource dataSource, String table) throws Exception {
    try (Connection connection = dataSource.getConnection();
        ResultSet tables = connection.getMetaData().getTables(null, null, table, null)) {
      return tables.next();
    }
  }
}
