package dev.sessionlimits.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionStore;
import jakarta.servlet.http.HttpSessionEvent;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpSession;

/** An HttpSession the container destroys ends its store session, with the right reason. */
class HttpSessionListenerTest {

  private final MutableClock clock = new MutableClock(Instant.now());
  private final SessionManager manager = new SessionManager(SessionStore.inMemory(), clock);
  private final SessionlimitsHttpSessionListener listener =
      new SessionlimitsHttpSessionListener(manager);

  private MockHttpSession sessionWithStoreSession() {
    var admitted =
        (SessionManager.LoginResult.Admitted)
            manager.login(
                LoginAttempt.password("alice", "10.0.0.1", "test"),
                new QuotaPolicy(
                    -1,
                    -1,
                    ExhaustionActions.builtIns().require("DENY_ACCESS"),
                    Duration.ofHours(1),
                    Duration.ZERO));
    MockHttpSession session = new MockHttpSession();
    session.setAttribute(SessionlimitsAuthenticationStrategy.SESSION_ID, admitted.session().id());
    return session;
  }

  @Test
  void aTimedOutHttpSessionEndsItsStoreSessionWithIdleTimeout() {
    MockHttpSession session = sessionWithStoreSession();
    String id = (String) session.getAttribute(SessionlimitsAuthenticationStrategy.SESSION_ID);
    session.setMaxInactiveInterval(60);
    clock.advance(Duration.ofSeconds(61));

    listener.sessionDestroyed(new HttpSessionEvent(session));

    assertThat(manager.get(id).orElseThrow().end().reason()).isEqualTo(EndReason.IDLE_TIMEOUT);
  }

  @Test
  void anInvalidatedHttpSessionEndsItsStoreSessionAsSignedOut() {
    MockHttpSession session = sessionWithStoreSession();
    String id = (String) session.getAttribute(SessionlimitsAuthenticationStrategy.SESSION_ID);

    listener.sessionDestroyed(new HttpSessionEvent(session));

    assertThat(manager.get(id).orElseThrow().end().reason()).isEqualTo(EndReason.LOGGED_OUT);
  }
}
