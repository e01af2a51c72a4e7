package dev.sessionlimits.spring;

import static dev.sessionlimits.spring.sample.SampleApplication.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.config.Customizer.withDefaults;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.spring.sample.Browser;
import dev.sessionlimits.spring.sample.SampleApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Which filter chains the starter joins: not a stateless one; an explicitly applied configurer
 * (beside the default one) counts once.
 */
@SpringBootTest(
    classes = SampleApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      SampleApplication.CONTAINER_SESSIONS,
      "sessionlimits.sessions-per-user=1",
      "sessionlimits.quota-exhaustion-action=DENY_ACCESS"
    })
@Import(FilterChainsTest.Chains.class)
class FilterChainsTest {

  @TestConfiguration
  static class Chains {

    /** A stateless API for scripts: HTTP Basic on every request, no HttpSession. */
    @Bean
    @Order(1)
    SecurityFilterChain statelessChain(HttpSecurity http) throws Exception {
      http.securityMatcher("/stateless/**")
          .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
          .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
          .httpBasic(withDefaults());
      return http.build();
    }

    /** A chain that applies the configurer itself, besides Spring's default application. */
    @Bean
    @Order(2)
    SecurityFilterChain explicitChain(HttpSecurity http) throws Exception {
      http.securityMatcher("/explicit/**")
          .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
          .httpBasic(withDefaults())
          .with(new SessionlimitsConfigurer(), c -> {});
      return http.build();
    }

    @RestController
    static class More {
      @GetMapping(
          value = {"/stateless/me", "/explicit/me"},
          produces = "application/json")
      String me(Authentication authentication) {
        return "{\"user\":\"" + authentication.getName() + "\"}";
      }
    }
  }

  @LocalServerPort int port;
  @Autowired SessionManager manager;

  @AfterEach
  void endEverySession() {
    manager.liveSessions().forEach(s -> manager.end(s.id(), EndReason.REVOKED_BY_ADMIN, null));
  }

  @Test
  void aStatelessChainIsLeftAloneSoBasicRequestsThereOpenNoSessions() {
    for (int i = 0; i < 3; i++) {
      assertThat(new Browser(port).basic("/stateless/me", "alice", PASSWORD).statusCode())
          .isEqualTo(200);
    }
    assertThat(manager.liveSessionsOfUser("alice")).isEmpty();
  }

  @Test
  void anExplicitlyAppliedConfigurerOpensOneSessionAndHoldsTheLimit() {
    Browser first = new Browser(port);
    assertThat(first.basic("/explicit/me", "alice", PASSWORD).statusCode()).isEqualTo(200);
    assertThat(manager.liveSessionsOfUser("alice")).hasSize(1);
    assertThat(first.api("/explicit/me").statusCode()).as("the cookie carries it").isEqualTo(200);

    assertThat(new Browser(port).basic("/explicit/me", "alice", PASSWORD).statusCode())
        .isEqualTo(403);
    assertThat(manager.liveSessionsOfUser("alice")).hasSize(1);
  }
}
