package dev.sessionlimits.spring.load;

import jakarta.servlet.DispatcherType;
import java.security.Principal;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The sample application of the load tests: form login and HTTP Basic (whose login is kept in the
 * session, as a browser's would be), one user, and a protected JSON endpoint {@code GET /api/me}.
 *
 * <p>It is deliberately not a {@code @Configuration}: no other test's component scan finds it; it
 * is only ever a source handed to {@link SampleApp}. With {@value #STOCK_MAXIMUM_SESSIONS} = {@code
 * deny} or {@code expire} it is the stock configuration the issue measured ({@code
 * maximumSessions(1)}, {@code maxSessionsPreventsLogin(true/false)}) over the registry {@link
 * StockSessionRegistry} provides; otherwise it has no session control of its own and the starter
 * (if enabled) adds it.
 */
@EnableAutoConfiguration
public class SampleApplication {

  /** The one user; every simulated browser signs in as her. */
  static final String USER = "alice";

  static final String PASSWORD = "correct horse battery";

  /** {@code off} (the default), {@code deny} or {@code expire}: Spring Security's own control. */
  static final String STOCK_MAXIMUM_SESSIONS = "sample.stock-maximum-sessions";

  /**
   * The user, with a password stored as it is: the tests measure sessions, not hashing. Only the
   * lookup is exposed: an {@code InMemoryUserDetailsManager} bean is also a password-upgrading
   * service, and Spring Security would re-hash {@code {noop}} with BCrypt on the first login, so
   * every later login would spend ~100 ms of CPU on BCrypt.
   */
  @Bean
  UserDetailsService users() {
    InMemoryUserDetailsManager users =
        new InMemoryUserDetailsManager(
            User.withUsername(USER).password("{noop}" + PASSWORD).roles("USER").build());
    return users::loadUserByUsername;
  }

  /** Everything needs a login; form login and HTTP Basic; stock session control if asked. */
  @Bean
  SecurityFilterChain security(
      HttpSecurity http, Environment environment, ObjectProvider<SessionRegistry> registries)
      throws Exception {
    // Error dispatches are let through, so a 500 reaches the client as a 500.
    http.authorizeHttpRequests(
            requests ->
                requests
                    .dispatcherTypeMatchers(DispatcherType.ERROR)
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .formLogin(Customizer.withDefaults())
        .httpBasic(
            basic -> basic.securityContextRepository(new HttpSessionSecurityContextRepository()));
    String stock = environment.getProperty(STOCK_MAXIMUM_SESSIONS, "off");
    if (!"off".equals(stock)) {
      SessionRegistry registry = registries.getObject();
      http.sessionManagement(
          sessions ->
              sessions
                  .maximumSessions(1)
                  .maxSessionsPreventsLogin("deny".equals(stock))
                  .sessionRegistry(registry));
    }
    return http.build();
  }

  /** {@code GET /api/me}: the signed-in user's name as JSON. */
  @Bean
  RouterFunction<ServerResponse> me() {
    return RouterFunctions.route()
        .GET(
            "/api/me",
            request ->
                ServerResponse.ok()
                    .body(
                        Map.of(
                            "user", request.principal().map(Principal::getName).orElse("nobody"))))
        .build();
  }
}
