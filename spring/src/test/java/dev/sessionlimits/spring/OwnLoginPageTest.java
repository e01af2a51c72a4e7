package dev.sessionlimits.spring;

import static dev.sessionlimits.spring.sample.SampleApplication.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.spring.sample.Browser;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.WebAttributes;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.SessionAttribute;

/**
 * An application with a login page of its own ({@code /signin}, sessionlimits.login-page): an ended
 * session's page request goes there, and the page reads session_ended and
 * SPRING_SECURITY_LAST_EXCEPTION itself.
 */
@SpringBootTest(
    classes = OwnLoginPageTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration,"
          + "org.springframework.boot.autoconfigure.session.SessionAutoConfiguration",
      "sessionlimits.sessions-per-user=1",
      "sessionlimits.quota-exhaustion-action=DESTROY_OLDEST_SESSION",
      "sessionlimits.login-page=/signin"
    })
class OwnLoginPageTest {

  /** Without component scanning, which would find the sample application beside it. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(App.Pages.class)
  static class App {
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(
              r -> r.requestMatchers("/signin").permitAll().anyRequest().authenticated())
          .csrf(c -> c.disable())
          .formLogin(f -> f.loginPage("/signin").loginProcessingUrl("/signin"));
      return http.build();
    }

    @Bean
    InMemoryUserDetailsManager users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("alice").password("{noop}" + PASSWORD).roles("USER").build());
    }

    @RestController
    static class Pages {
      @GetMapping(value = "/signin", produces = "text/html")
      String signin(
          @RequestParam(name = "session_ended", required = false) String ended,
          @SessionAttribute(name = WebAttributes.AUTHENTICATION_EXCEPTION, required = false)
              AuthenticationException last) {
        return "<p>ended=" + ended + "</p><p>" + (last == null ? "" : last.getMessage()) + "</p>";
      }

      @GetMapping(value = "/", produces = "text/html")
      String home() {
        return "home";
      }
    }
  }

  @LocalServerPort int port;
  @Autowired SessionManager manager;

  @AfterEach
  void endEverySession() {
    manager.liveSessions().forEach(s -> manager.end(s.id(), EndReason.REVOKED_BY_ADMIN, null));
  }

  private void signIn(Browser browser) {
    HttpResponse<String> answer = browser.post("/signin", "username=alice&password=correct+horse");
    assertThat(answer.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
  }

  @Test
  void anEvictedBrowserIsSentToTheApplicationsOwnPageWhichReadsWhy() {
    Browser evicted = new Browser(port);
    signIn(evicted);
    signIn(new Browser(port));

    HttpResponse<String> next = evicted.page("/");

    assertThat(next.headers().firstValue("Location"))
        .hasValueSatisfying(
            l -> assertThat(l).endsWith("/signin?error&session_ended=session_limit_reached"));
    assertThat(evicted.page("/signin?error&session_ended=session_limit_reached").body())
        .contains("ended=session_limit_reached")
        .contains("the session limit was reached");
  }
}
