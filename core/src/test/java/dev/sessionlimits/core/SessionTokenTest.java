package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Session tokens are unguessable reference tokens (OWASP ASVS 5.0, 7.2.2 and 7.2.3). */
class SessionTokenTest {

  private static final int LOGINS = 2_000;

  @Test
  void everyLoginGetsItsOwnTokenOf256RandomBitsAndOnlyItsHashIsKept() {
    SessionManager sessions =
        new SessionManager(
            SessionStore.inMemory(), MutableClock.startingAt("2026-01-05T09:00:00Z"));
    Set<String> secrets = new HashSet<>();
    for (int i = 0; i < LOGINS; i++) {
      var admitted =
          (SessionManager.LoginResult.Admitted)
              sessions.login(
                  LoginAttempt.password("alice", "192.0.2.1", "Firefox"), Fixtures.unlimited());
      String secret = admitted.token().secret();
      assertThat(Base64.getUrlDecoder().decode(secret)).hasSize(32);
      assertThat(admitted.session().tokenHash()).isEqualTo(TokenHash.of(secret));
      assertThat(admitted.session().tokenHash().hex()).doesNotContain(secret);
      secrets.add(secret);
    }
    assertThat(secrets).hasSize(LOGINS);
  }
}
