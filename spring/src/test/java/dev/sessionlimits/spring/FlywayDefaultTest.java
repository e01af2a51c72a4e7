package dev.sessionlimits.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

/** Boot's Flyway auto-configuration is kept off only in an application without migrations. */
class FlywayDefaultTest {

  private static String flywayEnabledAfter(MockEnvironment environment) {
    new FlywayDefault().postProcessEnvironment(environment, new SpringApplication());
    return environment.getProperty("spring.flyway.enabled");
  }

  @Test
  void anApplicationWithoutMigrationsGetsBootsFlywayTurnedOff() {
    assertThat(flywayEnabledAfter(new MockEnvironment())).isEqualTo("false");
  }

  @Test
  void anApplicationThatSaysWhetherItUsesFlywayIsLeftAlone() {
    assertThat(
            flywayEnabledAfter(new MockEnvironment().withProperty("spring.flyway.enabled", "true")))
        .isEqualTo("true");
  }

  @Test
  void anApplicationWithScriptsWhereBootLooksIsLeftAlone() {
    MockEnvironment scripts =
        new MockEnvironment()
            .withProperty("spring.flyway.locations", "classpath:dev/sessionlimits");
    assertThat(flywayEnabledAfter(scripts)).isNull();
    MockEnvironment files =
        new MockEnvironment().withProperty("spring.flyway.locations", "filesystem:/srv/migrations");
    assertThat(flywayEnabledAfter(files)).isNull();
  }

  @Test
  void aDisabledStarterChangesNothing() {
    assertThat(
            flywayEnabledAfter(
                new MockEnvironment().withProperty("sessionlimits.enabled", "false")))
        .isNull();
  }
}
