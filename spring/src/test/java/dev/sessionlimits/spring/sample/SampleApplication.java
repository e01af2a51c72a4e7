package dev.sessionlimits.spring.sample;

import static org.springframework.security.config.Customizer.withDefaults;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sample application of the starter's tests: stock Spring Security (form login with the default
 * login page, HTTP Basic), a page {@code /} and a JSON endpoint {@code /api/me}, and no line about
 * Sessionlimits: the starter comes in through its dependency and {@code sessionlimits.*}
 * properties.
 */
@SpringBootApplication
public class SampleApplication {

  /**
   * Container sessions and the in-memory store: no DataSource (H2 and spring-jdbc are on the test
   * classpath), so no Spring Session JDBC either.
   */
  public static final String CONTAINER_SESSIONS =
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration,"
          + "org.springframework.boot.autoconfigure.session.SessionAutoConfiguration";

  /** Every user's password. */
  public static final String PASSWORD = "correct horse";

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
        .formLogin(withDefaults())
        .httpBasic(withDefaults());
    return http.build();
  }

  /** alice and carol: plain users; bob: his own limit of 2 by authority; root: an administrator. */
  @Bean
  UserDetailsService users() {
    return new InMemoryUserDetailsManager(
        User.withUsername("alice").password("{noop}" + PASSWORD).roles("USER").build(),
        User.withUsername("carol").password("{noop}" + PASSWORD).roles("USER").build(),
        User.withUsername("bob")
            .password("{noop}" + PASSWORD)
            .authorities("ROLE_USER", "SESSIONS_LIMIT_2")
            .build(),
        User.withUsername("root").password("{noop}" + PASSWORD).roles("ADMIN").build());
  }

  /** The page and the API. */
  @RestController
  static class Endpoints {

    @GetMapping(value = "/", produces = "text/html")
    String home(Authentication authentication) {
      return "<!doctype html><title>Home</title><p>Hello " + authentication.getName() + "</p>";
    }

    @GetMapping(value = "/api/me", produces = "application/json")
    String me(Authentication authentication) {
      return "{\"user\":\"" + authentication.getName() + "\"}";
    }
  }
}
