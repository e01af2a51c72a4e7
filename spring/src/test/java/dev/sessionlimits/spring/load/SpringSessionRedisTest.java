package dev.sessionlimits.spring.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.spring.load.Browsers.Login;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;

/**
 * The starter with Spring Session Redis (the real Redis at 127.0.0.1:6379, a namespace of the
 * test's own, removed afterwards): exactly one live session and no 5xx in every round.
 */
class SpringSessionRedisTest {

  static final List<String> ACTIONS = LoadChecks.ACTIONS;

  @RegisterExtension static final LoadRun run = new LoadRun();

  @ParameterizedTest(name = "{0}")
  @FieldSource("ACTIONS")
  void exactlyOneSessionLivesWithSpringSessionRedis(String action) throws Exception {
    String namespace = TestRedis.namespace();
    try (SampleApp app =
        SampleApp.start(
            LoadChecks.with(
                Backend.SPRING_SESSION_REDIS.properties(null, namespace),
                LoadChecks.starter(action)))) {
      StringRedisTemplate redis = app.bean(StringRedisTemplate.class);
      try {
        assertThat(app.bean(SessionRepository.class)).isInstanceOf(RedisSessionRepository.class);
        // ten rounds, form and Basic in turn (both are measured in full on the other stores)
        List<Round> rounds =
            LoadChecks.starterRounds(
                run.browsers,
                List.of(app),
                List.of(Login.FORM, Login.BASIC),
                action,
                () ->
                    assertThat(redis.keys(namespace + ":sessions:*"))
                        .as("the live session is kept in Redis")
                        .isNotEmpty());
        assertThat(rounds).hasSize(LoadChecks.ROUNDS);
        Figures.record(
            "5 " + ACTIONS.indexOf(action),
            "starter, " + action + ", Spring Session Redis",
            "form and basic in turn",
            rounds);
      } finally {
        Set<String> keys = redis.keys(namespace + ":*");
        if (keys != null && !keys.isEmpty()) {
          redis.delete(keys);
        }
      }
    }
  }
}
