package dev.sessionlimits.spring;

import static dev.sessionlimits.spring.sample.SampleApplication.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.spring.sample.Browser;
import dev.sessionlimits.spring.sample.SampleApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A browser signed in by a remember-me cookie opens a session that counts against the limit like
 * any other login, and a refusal is answered (403 JSON, or the login page with the reason), never a
 * bare login page: remember-me calls the session strategies but goes on without a login when one
 * refuses (docs/spring.md, "How it fits into Spring Security").
 */
@SpringBootTest(
    classes = SampleApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      SampleApplication.CONTAINER_SESSIONS,
      "sessionlimits.sessions-per-user=1",
      "sessionlimits.quota-exhaustion-action=DENY_ACCESS"
    })
@Import(RememberMeTest.WithRememberMe.class)
class RememberMeTest {

  @TestConfiguration
  static class WithRememberMe {
    /** A chain of its own under /rm/ with form login and remember-me (CSRF is not tested here). */
    @Bean
    @Order(1)
    SecurityFilterChain remembering(HttpSecurity http, UserDetailsService users) throws Exception {
      http.securityMatcher("/rm/**")
          .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
          .csrf(csrf -> csrf.disable())
          .formLogin(form -> form.loginPage("/rm/login").permitAll())
          .rememberMe(r -> r.key("remember-me-test-key").userDetailsService(users));
      return http.build();
    }

    @RestController
    static class Me {
      @GetMapping(value = "/rm/me", produces = "application/json")
      String me(Authentication authentication) {
        return "{\"user\":\"" + authentication.getName() + "\"}";
      }
    }
  }

  @LocalServerPort int port;
  @Autowired SessionManager manager;

  private final HttpClient plain =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @AfterEach
  void endEverySession() {
    manager.liveSessions().forEach(s -> manager.end(s.id(), EndReason.REVOKED_BY_ADMIN, null));
  }

  @Test
  void aRememberedBrowserOpensASessionThatCountsAndIsRefusedAtTheLimit() throws Exception {
    Browser laptop = new Browser(port);
    HttpResponse<String> login =
        laptop.post(
            "/rm/login",
            "username=alice&password=" + PASSWORD.replace(" ", "+") + "&remember-me=on");
    assertThat(login.statusCode()).as(login.toString()).isEqualTo(302);
    String rememberMe =
        cookie(login, "remember-me").orElseThrow(() -> new AssertionError(login.headers().map()));
    assertThat(laptop.api("/rm/me").statusCode()).isEqualTo(200);
    List<Session> before = manager.liveSessionsOfUser("alice");
    assertThat(before).hasSize(1);

    // Another browser holding only the remember-me cookie, while the laptop's session is live.
    HttpResponse<String> refused = api("remember-me=" + rememberMe);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(refused.body()).contains("\"error\":\"session_limit_reached\"");
    assertThat(manager.liveSessionsOfUser("alice")).isEqualTo(before);
    HttpResponse<String> page = get("remember-me=" + rememberMe, "text/html");
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.headers().firstValue("Location").orElseThrow())
        .as("a page goes to the login page with the reason, as a refused form login does")
        .endsWith("/login?error");
    assertThat(manager.liveSessionsOfUser("alice")).isEqualTo(before);

    manager.end(before.get(0).id(), EndReason.LOGGED_OUT, null);
    HttpResponse<String> admitted = api("remember-me=" + rememberMe);

    assertThat(admitted.statusCode()).as(admitted.body()).isEqualTo(200);
    List<Session> after = manager.liveSessionsOfUser("alice");
    assertThat(after).as("the remembered sign-in opened a session").hasSize(1);
    String session = cookie(admitted, "JSESSIONID").orElseThrow();
    HttpResponse<String> again = api("JSESSIONID=" + session);
    assertThat(again.statusCode()).as("with its session cookie").isEqualTo(200);
    assertThat(manager.liveSessionsOfUser("alice")).as("and no second session").isEqualTo(after);
  }

  private HttpResponse<String> api(String cookies) throws IOException, InterruptedException {
    return get(cookies, "application/json");
  }

  private HttpResponse<String> get(String cookies, String accept)
      throws IOException, InterruptedException {
    return plain.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/rm/me"))
            .header("Accept", accept)
            .header("Cookie", cookies)
            .timeout(Duration.ofSeconds(20))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Optional<String> cookie(HttpResponse<?> response, String name) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
        .filter(v -> !v.isEmpty())
        .findFirst();
  }
}
