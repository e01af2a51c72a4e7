package dev.sessionlimits.spring;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps Spring Boot's Flyway auto-configuration off in an application that has no migrations of its
 * own.
 *
 * <h2>Why</h2>
 *
 * The JDBC store migrates its own tables with Flyway (its own history table, {@code
 * sessionlimits_schema_history}), so it puts Flyway on the application's classpath; Boot then
 * believes the application uses Flyway and runs it on the DataSource: at best an empty {@code
 * flyway_schema_history} table, at worst a failed start when the Flyway version is not the one Boot
 * was built for. So, unless {@code spring.flyway.enabled} is set, or the application has scripts
 * where Boot looks ({@code spring.flyway.locations}, default {@code classpath:db/migration}; any
 * location that is not a plain {@code classpath:} one counts as having scripts), this adds {@code
 * spring.flyway.enabled=false} as a default of the lowest precedence.
 */
public final class FlywayDefault implements EnvironmentPostProcessor {

  static final String SOURCE = "sessionlimits-flyway-default";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    if (environment.containsProperty("spring.flyway.enabled")
        || !environment.getProperty("sessionlimits.enabled", Boolean.class, true)) {
      return;
    }
    ClassLoader loader =
        (application.getClassLoader() != null)
            ? application.getClassLoader()
            : FlywayDefault.class.getClassLoader();
    if (loader.getResource("org/flywaydb/core/Flyway.class") == null) {
      return;
    }
    String[] locations =
        environment.getProperty(
            "spring.flyway.locations", String[].class, new String[] {"classpath:db/migration"});
    for (String location : locations) {
      String trimmed = location.trim();
      if (!trimmed.startsWith("classpath:") || trimmed.contains("{")) {
        return;
      }
      String path = trimmed.substring("classpath:".length()).replaceFirst("^/+", "");
      if (loader.getResource(path) != null) {
        return;
      }
    }
    environment
        .getPropertySources()
        .addLast(new MapPropertySource(SOURCE, Map.of("spring.flyway.enabled", "false")));
  }
}
