package dev.sessionlimits.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.TokenHash;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LookupFloorTest {

  private static final Instant OPENED = Instant.parse("2026-12-07T12:00:00Z");
  private static final QuotaPolicy DAY = BenchStores.policy(-1, "DENY_ACCESS", Duration.ofDays(1));

  private static List<Session> sessions(int count) {
    List<Session> sessions = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      LoginAttempt attempt = LoginAttempt.password("u" + i, "10.0.0.1", BenchStores.FIREFOX);
      sessions.add(Session.open("s" + i, TokenHash.of("t" + i), attempt, OPENED, DAY));
    }
    return sessions;
  }

  @Test
  void everySessionFilledIsFoundByItsTokenAndAnotherTokenIsUnknown() {
    List<Session> sessions = sessions(5_000);
    LookupFloor floor = new LookupFloor(sessions);

    for (int i = 1; i <= 5_000; i++) {
      assertThat(floor.find("t" + i, OPENED)).isEqualTo(new Lookup.Live(sessions.get(i - 1)));
    }
    assertThat(floor.find("t0", OPENED)).isEqualTo(Lookup.UNKNOWN);
    assertThat(floor.find("t5001", OPENED)).isEqualTo(Lookup.UNKNOWN);
  }

  @Test
  void aSessionPastItsExpiryIsNotLive() {
    LookupFloor floor = new LookupFloor(sessions(3));

    assertThat(floor.find("t2", OPENED.plus(Duration.ofDays(1)).minusSeconds(1)))
        .isInstanceOf(Lookup.Live.class);
    assertThat(floor.find("t2", OPENED.plus(Duration.ofDays(1)))).isEqualTo(Lookup.UNKNOWN);
  }
}
