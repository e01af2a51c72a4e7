package dev.sessionlimits.spring.load;

import org.springframework.context.annotation.Bean;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.security.SpringSessionBackedSessionRegistry;

/**
 * The stock comparison's registry, as the issue measured it: Spring Session's {@code
 * SpringSessionBackedSessionRegistry} over the JDBC repository Boot configures. A source for {@link
 * SampleApp}, not a {@code @Configuration}, so no component scan picks it up.
 */
public class StockSessionRegistry {

  /** The registry {@code maximumSessions(1)} counts a user's sessions in. */
  @Bean
  <S extends Session> SpringSessionBackedSessionRegistry<S> sessionRegistry(
      FindByIndexNameSessionRepository<S> sessions) {
    return new SpringSessionBackedSessionRegistry<>(sessions);
  }
}
