package dev.sessionlimits.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;

/** The default per-user limit: an authority of the prefix and a number. */
class SessionLimitResolverTest {

  private final SessionLimitResolver resolver =
      SessionLimitResolver.byAuthorityPrefix("SESSIONS_LIMIT_");

  private OptionalInt limitOf(String... authorities) {
    return resolver.limitOf(new TestingAuthenticationToken("alice", "pw", authorities));
  }

  @Test
  void withoutTheAuthorityTheUserHasNoOwnLimit() {
    assertThat(limitOf("ROLE_USER")).isEmpty();
  }

  @Test
  void theNumberAfterThePrefixIsTheLimitAndOfSeveralTheHighestCounts() {
    assertThat(limitOf("SESSIONS_LIMIT_3")).hasValue(3);
    assertThat(limitOf("SESSIONS_LIMIT_2", "SESSIONS_LIMIT_5", "SESSIONS_LIMIT_4")).hasValue(5);
  }

  @Test
  void minusOneIsUnlimitedAndHigherThanAnyNumber() {
    assertThat(limitOf("SESSIONS_LIMIT_7", "SESSIONS_LIMIT_-1")).hasValue(-1);
    assertThat(limitOf("SESSIONS_LIMIT_-1", "SESSIONS_LIMIT_7")).hasValue(-1);
  }

  @Test
  void anAuthorityWhoseRestIsNotANumberIsIgnored() {
    assertThat(limitOf("SESSIONS_LIMIT_MANY", "SESSIONS_LIMIT_2")).hasValue(2);
  }
}
