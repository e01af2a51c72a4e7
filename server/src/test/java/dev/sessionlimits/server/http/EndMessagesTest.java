package dev.sessionlimits.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndCause;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.Scope;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.TokenHash;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EndMessagesTest {

  private static final Instant LOGIN = Instant.parse("2026-03-02T13:00:00Z");
  private static final Instant NOW = Instant.parse("2026-03-02T15:00:00Z");
  private static final String FIREFOX =
      "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

  private static Session ended(SessionEnd end) {
    Session s =
        new Session(
            "s1",
            TokenHash.of("t"),
            "alice",
            "198.51.100.4",
            "",
            null,
            "password",
            LOGIN,
            LOGIN,
            LOGIN.plusSeconds(1800),
            null,
            null);
    return s.withEnd(end);
  }

  private static Session evictor(String device) {
    return new Session(
        "s2",
        TokenHash.of("u"),
        "alice",
        "203.0.113.7",
        FIREFOX,
        device,
        "password",
        Instant.parse("2026-03-02T14:02:00Z"),
        Instant.parse("2026-03-02T14:02:00Z"),
        Instant.parse("2026-03-02T14:32:00Z"),
        null,
        null);
  }

  @Test
  void anEvictionByTheUsersOwnLoginNamesTheBrowserAddressTimeAndLimit() {
    Session s =
        ended(
            new SessionEnd(
                EndReason.SESSION_LIMIT_REACHED,
                Instant.parse("2026-03-02T14:02:00Z"),
                EndCause.limitReached(Scope.USER, 1, evictor(null))));
    assertThat(EndMessages.describe(s, NOW))
        .isEqualTo(
            "You were signed out because your account signed in on Firefox on Linux from"
                + " 203.0.113.7 at 14:02 UTC, and your limit is 1 session.");
  }

  @Test
  void aDeviceLabelIsShownAndPluralsAndOtherDaysAreSpelledOut() {
    Session s =
        ended(
            new SessionEnd(
                EndReason.SESSION_LIMIT_REACHED,
                Instant.parse("2026-03-02T14:02:00Z"),
                EndCause.limitReached(Scope.IP, 3, evictor("kiosk"))));
    assertThat(EndMessages.describe(s, NOW.plus(Duration.ofDays(1))))
        .isEqualTo(
            "You were signed out because someone signed in on \"kiosk\" (Firefox on Linux) from"
                + " your address 203.0.113.7 at 14:02 UTC on 2 March 2026, and the limit for one"
                + " address is 3 sessions.");
  }

  @Test
  void everyReasonHasASentence() {
    for (EndReason reason : EndReason.values()) {
      Session s =
          ended(
              new SessionEnd(
                  reason,
                  LOGIN.plusSeconds(1800),
                  reason == EndReason.SESSION_LIMIT_REACHED
                      ? EndCause.limitReached(Scope.USER, 2, evictor(null))
                      : EndCause.NONE));
      assertThat(EndMessages.describe(s, NOW))
          .as(reason.code())
          .endsWith(".")
          .doesNotContain("null");
    }
  }

  @Test
  void durationsReadNaturally() {
    assertThat(EndMessages.duration(Duration.ofSeconds(1800))).isEqualTo("30 minutes");
    assertThat(EndMessages.duration(Duration.ofSeconds(60))).isEqualTo("1 minute");
    assertThat(EndMessages.duration(Duration.ofHours(8))).isEqualTo("8 hours");
    assertThat(EndMessages.duration(Duration.ofDays(1))).isEqualTo("1 day");
    assertThat(EndMessages.duration(Duration.ofSeconds(90))).isEqualTo("1 minute 30 seconds");
    assertThat(EndMessages.duration(Duration.ofSeconds(3660 + 5))).isEqualTo("1 hour 1 minute");
    assertThat(EndMessages.duration(Duration.ofSeconds(1))).isEqualTo("1 second");
  }

  @Test
  void theAttemptOfASessionIsUsedForTheCause() {
    assertThat(LoginAttempt.password("alice", "203.0.113.7", FIREFOX).userAgent())
        .isEqualTo(FIREFOX);
  }
}
