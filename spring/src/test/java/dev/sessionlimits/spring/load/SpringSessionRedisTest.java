package dev.sessionlimits.spring.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.spring.load.Browsers.Login;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
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

  private static Browsers browsers;

  @BeforeAll
  static void browsers() {
    browsers = new Browsers(LoadChecks.BROWSERS);
  }

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
        for (Login how : Login.values()) {
          assertThat(
                  LoadChecks.starterRounds(
                      browsers,
                      List.of(app),
                      how,
                      action,
                      () ->
                          assertThat(redis.keys(namespace + ":sessions:*"))
                              .as("the live session is kept in Redis")
                              .isNotEmpty()))
              .hasSize(LoadChecks.ROUNDS);
        }
      } finally {
        Set<String> keys = redis.keys(namespace + ":*");
        if (keys != null && !keys.isEmpty()) {
          redis.delete(keys);
        }
      }
    }
  }
}
