package dev.sessionlimits.spring.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.spring.load.Browsers.Login;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringBootVersion;
import org.springframework.security.core.SpringSecurityCoreVersion;

/**
 * The starter, built against Boot 3.5, in a Spring Boot 4 / Spring Security 7 application: the
 * spring module's sample application and rounds ({@link LoadChecks}), run on Boot 4's class path
 * with the container's sessions, on the in-memory store and on the application's PostgreSQL.
 */
class Boot4StarterTest {

  private static Browsers browsers;

  @BeforeAll
  static void browsers() {
    browsers = new Browsers(LoadChecks.BROWSERS);
  }

  @Test
  void theClassPathIsSpringBoot4AndSpringSecurity7() {
    assertThat(SpringBootVersion.getVersion()).startsWith("4.");
    assertThat(SpringSecurityCoreVersion.getVersion()).startsWith("7.");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"DENY_ACCESS", "DESTROY_OLDEST_SESSION"})
  void fiftySimultaneousLoginsLeaveExactlyOneSessionOnBoot4(String action) throws Exception {
    try (SampleApp app = SampleApp.start(properties(action))) {
      for (Login how : Login.values()) {
        assertThat(LoadChecks.starterRounds(browsers, List.of(app), how, action))
            .hasSize(LoadChecks.ROUNDS);
      }
    }
  }

  @Test
  void theStoreOnTheApplicationsPostgresHoldsExactlyOneSessionOnBoot4() throws Exception {
    try (TestPostgres database = TestPostgres.create();
        SampleApp app =
            SampleApp.start(
                LoadChecks.with(
                    LoadChecks.starter("DESTROY_NEXT_EXPIRING"),
                    Map.of(
                        "spring.datasource.url", database.url(),
                        "spring.datasource.hikari.maximum-pool-size", "8",
                        "sessionlimits.store", "jdbc")))) {
      assertThat(
              LoadChecks.starterRounds(
                  browsers,
                  List.of(app),
                  List.of(Login.FORM, Login.BASIC),
                  "DESTROY_NEXT_EXPIRING",
                  () -> {}))
          .hasSize(LoadChecks.ROUNDS);
    }
  }

  @Test
  void anEvictedApiClientGets401WithTheReasonOnBoot4() throws Exception {
    try (SampleApp app = SampleApp.start(properties("DESTROY_OLDEST_SESSION"))) {
      HttpClient first = client();
      HttpClient second = client();
      assertThat(me(first, app.base(), true).statusCode()).isEqualTo(200);
      assertThat(me(second, app.base(), true).statusCode()).isEqualTo(200);

      HttpResponse<String> evicted = me(first, app.base(), false);

      assertThat(evicted.statusCode()).as(evicted.body()).isEqualTo(401);
      assertThat(evicted.headers().firstValue("X-Session-End-Reason"))
          .contains("session_limit_reached");
      assertThat(evicted.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
      assertThat(evicted.body()).contains("\"session_ended\"").contains("session_limit_reached");
      assertThat(me(second, app.base(), false).statusCode()).isEqualTo(200);
    }
  }

  private static Map<String, String> properties(String action) {
    return LoadChecks.with(LoadChecks.starter(action), Map.of("sessionlimits.store", "memory"));
  }

  private static HttpClient client() {
    return HttpClient.newBuilder()
        .cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  private static HttpResponse<String> me(HttpClient client, URI base, boolean withPassword)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve("api/me")).header("Accept", "application/json");
    if (withPassword) {
      String credentials = SampleApplication.USER + ":" + SampleApplication.PASSWORD;
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    return client.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
