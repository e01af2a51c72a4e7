package dev.sessionlimits.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The resolve token: what it binds, how long it lasts, and the session id it derives. */
class ResolveTokensTest {

  private static final String IP = "203.0.113.7";
  private static final String UA = "Firefox on Linux";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T14:00:00Z"));
  private final SecureRandom random = new SecureRandom();
  private final byte[] key = ResolveTokens.newKey(random);
  private final ResolveTokens tokens = new ResolveTokens(key, clock, random);

  @Test
  void aTokenSaysWhoWhatAndWhichDeviceAndDerivesTheSameSessionIdOnEveryNode() {
    ResolveTokens.Issued issued = tokens.issue("alice", "password+totp", "Work\nlaptop", IP, UA);
    ResolveTokens otherNode = new ResolveTokens(key, clock, new SecureRandom());

    ResolveTokens.Ticket here = tokens.verify(issued.token(), IP, UA).orElseThrow();
    ResolveTokens.Ticket there = otherNode.verify(issued.token(), IP, UA).orElseThrow();

    assertThat(here).isEqualTo(there);
    assertThat(here.username()).isEqualTo("alice");
    assertThat(here.authMethod()).isEqualTo("password+totp");
    assertThat(here.device()).isEqualTo("Work\nlaptop");
    assertThat(here.sessionId()).hasSize(22);
    assertThat(issued.expiresAt()).isEqualTo(clock.instant().plus(ResolveTokens.LIFETIME));
  }

  @Test
  void twoTokensOfOneLoginDeriveDifferentSessionIds() {
    String a = tokens.issue("alice", "password", "", IP, UA).token();
    String b = tokens.issue("alice", "password", "", IP, UA).token();

    assertThat(tokens.verify(a, IP, UA).orElseThrow().sessionId())
        .isNotEqualTo(tokens.verify(b, IP, UA).orElseThrow().sessionId());
  }

  @Test
  void aTokenIsWorthNothingElsewhereLaterTamperedOrUnderAnotherKey() {
    String token = tokens.issue("alice", "password", null, IP, UA).token();
    ResolveTokens otherKey = new ResolveTokens(ResolveTokens.newKey(random), clock, random);

    assertThat(tokens.verify(token, "198.51.100.4", UA)).isEmpty();
    assertThat(tokens.verify(token, IP, "Chrome on Windows")).isEmpty();
    assertThat(otherKey.verify(token, IP, UA)).isEmpty();
    assertThat(tokens.verify(token.substring(1), IP, UA)).isEmpty();
    assertThat(tokens.verify("no-dot", IP, UA)).isEmpty();
    assertThat(tokens.verify(null, IP, UA)).isEmpty();
    clock.advance(Duration.ofSeconds(119));
    assertThat(tokens.verify(token, IP, UA)).isPresent();
    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.verify(token, IP, UA)).isEmpty();
  }
}
