package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private static final QuotaPolicy EIGHT_HOURS =
      new QuotaPolicy(
          -1, -1, ExhaustionAction.DENY_ACCESS, Duration.ofMinutes(30), Duration.ofHours(8));

  private final Session session =
      Session.open(
          "s1",
          TokenHash.of("t"),
          LoginAttempt.password("alice", "192.0.2.1", "ua"),
          T0,
          EIGHT_HOURS);

  @Test
  void expiresAtTheEarlierOfIdleAndAbsoluteExpiry() {
    assertThat(session.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    assertThat(session.absoluteExpiresAt()).isEqualTo(T0.plus(Duration.ofHours(8)));
    Session late =
        session.touchedAt(T0.plus(Duration.ofHours(7).plusMinutes(50)), Duration.ofMinutes(30));
    assertThat(late.expiresAt()).isEqualTo(T0.plus(Duration.ofHours(8)));
  }

  @Test
  void saysWhichTimeoutEndedIt() {
    assertThat(session.endAt(T0.plusSeconds(60))).isNull();
    assertThat(session.endAt(T0.plus(Duration.ofMinutes(30))))
        .isEqualTo(SessionEnd.of(EndReason.IDLE_TIMEOUT, T0.plus(Duration.ofMinutes(30))));
    Session late =
        session.touchedAt(T0.plus(Duration.ofHours(7).plusMinutes(50)), Duration.ofMinutes(30));
    assertThat(late.endAt(T0.plus(Duration.ofHours(9))).reason()).isEqualTo(EndReason.MAX_LIFETIME);
  }

  @Test
  void aTouchWithinASecondOfTheLastChangesNothing() {
    Session touched = session.touchedAt(T0.plusSeconds(10), Duration.ofMinutes(30));

    assertThat(touched.touchedAt(T0.plusSeconds(10).plusMillis(999), Duration.ofMinutes(30)))
        .isSameAs(touched);
    assertThat(touched.touchedAt(T0.plusSeconds(11), Duration.ofMinutes(30)).lastSeenAt())
        .isEqualTo(T0.plusSeconds(11));
  }

  @Test
  void countsTheSecondsLeftForTheSessionTimeoutHeader() {
    assertThat(session.secondsLeft(T0.plusSeconds(100))).isEqualTo(1700);
    assertThat(session.secondsLeft(T0.plus(Duration.ofHours(1)))).isZero();
  }

  @Test
  void tokensAre256RandomBitsAndOnlyTheirHashIsShown() {
    SessionToken token = SessionToken.generate(new SecureRandom());

    assertThat(token.secret()).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(token.hash()).isEqualTo(TokenHash.of(token.secret()));
    assertThat(token.toString()).doesNotContain(token.secret()).contains(token.hash().prefix());
    assertThat(token.hash().toString()).doesNotContain(token.hash().hex());
    assertThat(TokenHash.of("abc").hex())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void refusesInconsistentValues() {
    assertThatThrownBy(() -> new TokenHash("ABC")).hasMessageContaining("64 lower-case hex digits");
    assertThatThrownBy(
            () ->
                new QuotaPolicy(
                    0, -1, ExhaustionAction.DENY_ACCESS, Duration.ofMinutes(1), Duration.ZERO))
        .hasMessageContaining("userLimit must be -1 (unlimited) or at least 1, got 0");
    assertThatThrownBy(() -> LoginAttempt.password(" ", "192.0.2.1", ""))
        .hasMessageContaining("user");
    assertThatThrownBy(() -> new User("no spaces", null, false, false, null, T0, T0))
        .hasMessageContaining("username");
    assertThatThrownBy(() -> new User("bob", null, false, false, 0, T0, T0))
        .hasMessageContaining(
            "sessions_limit must be null (use the global value), -1 (unlimited) or 1..100000, got"
                + " 0");
  }
}
