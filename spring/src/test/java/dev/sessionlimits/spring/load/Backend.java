package dev.sessionlimits.spring.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a sample application keeps its HTTP sessions and its Sessionlimits sessions: the properties
 * that select it (Boot 3.5's auto-configuration names).
 */
enum Backend {
  /** Tomcat's sessions, the starter's in-memory store. */
  CONTAINER_MEMORY,
  /** Tomcat's sessions, the starter's store on the application's PostgreSQL DataSource. */
  CONTAINER_POSTGRES,
  /** Spring Session JDBC on PostgreSQL; the starter's store on the same DataSource. */
  SPRING_SESSION_JDBC,
  /** Spring Session Redis; the starter's in-memory store. */
  SPRING_SESSION_REDIS;

  private static final String SESSION = "org.springframework.boot.autoconfigure.session";
  private static final String DATA_SOURCE = "org.springframework.boot.autoconfigure.jdbc";

  private static final String REDIS = "org.springframework.boot.autoconfigure.data.redis";

  /**
   * The properties of this backend; {@code postgresUrl} is the test's own database (null where none
   * is used) and {@code redisNamespace} its own Redis key prefix.
   */
  Map<String, String> properties(String postgresUrl, String redisNamespace) {
    Map<String, String> properties = new LinkedHashMap<>();
    List<String> excluded =
        switch (this) {
          case CONTAINER_MEMORY ->
              List.of(
                  SESSION + ".SessionAutoConfiguration",
                  DATA_SOURCE + ".DataSourceAutoConfiguration",
                  REDIS + ".RedisAutoConfiguration",
                  REDIS + ".RedisRepositoriesAutoConfiguration");
          case CONTAINER_POSTGRES ->
              List.of(
                  SESSION + ".SessionAutoConfiguration",
                  REDIS + ".RedisAutoConfiguration",
                  REDIS + ".RedisRepositoriesAutoConfiguration");
          case SPRING_SESSION_JDBC ->
              List.of(
                  REDIS + ".RedisAutoConfiguration", REDIS + ".RedisRepositoriesAutoConfiguration");
          case SPRING_SESSION_REDIS -> List.of(DATA_SOURCE + ".DataSourceAutoConfiguration");
        };
    properties.put("spring.autoconfigure.exclude", String.join(",", excluded));
    switch (this) {
      case CONTAINER_MEMORY, SPRING_SESSION_REDIS ->
          properties.put("sessionlimits.store", "memory");
      case CONTAINER_POSTGRES, SPRING_SESSION_JDBC -> {
        properties.put("spring.datasource.url", postgresUrl);
        // Three instances and the other tests share one PostgreSQL server: a small pool each.
        properties.put("spring.datasource.hikari.maximum-pool-size", "8");
        properties.put("sessionlimits.store", "jdbc");
      }
    }
    if (this == SPRING_SESSION_JDBC) {
      properties.put("spring.session.jdbc.initialize-schema", "always");
    }
    if (this == SPRING_SESSION_REDIS) {
      properties.put("spring.data.redis.host", "127.0.0.1");
      properties.put("spring.data.redis.port", "6379");
      properties.put("spring.session.redis.namespace", redisNamespace);
    }
    return properties;
  }
}
