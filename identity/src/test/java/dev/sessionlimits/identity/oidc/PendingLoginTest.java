package dev.sessionlimits.identity.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PendingLoginTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00.750Z");

  @Test
  void anEncodedPendingLoginDecodesToTheSameValues() {
    PendingLogin pending = PendingLogin.start("/dashboard?tab=ä&x=1#top", NOW);

    String encoded = pending.encode();

    assertThat(PendingLogin.decode(encoded)).contains(pending);
    assertThat(pending.createdAt()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(encoded).matches("[A-Za-z0-9._-]+").hasSizeLessThan(220);
  }

  @Test
  void eachStartHasFreshRandomStateNonceAndVerifier() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      PendingLogin pending = PendingLogin.start("/", NOW);
      assertThat(pending.state()).hasSize(43);
      assertThat(seen.add(pending.state())).isTrue();
      assertThat(seen.add(pending.nonce())).isTrue();
      assertThat(seen.add(pending.codeVerifier())).isTrue();
    }
  }

  @Test
  void itExpiresTenMinutesAfterItStarted() {
    PendingLogin pending = PendingLogin.start("/", NOW);

    assertThat(pending.expiredAt(pending.createdAt().plusSeconds(599))).isFalse();
    assertThat(pending.expiredAt(pending.createdAt().plusSeconds(600))).isTrue();
  }

  @Test
  void aTamperedEncodingDecodesToNothingOrToOtherValues() {
    PendingLogin pending = PendingLogin.start("/home", NOW);
    String encoded = pending.encode();
    String[] parts = encoded.split("\\.");

    assertThat(PendingLogin.decode("o2" + encoded.substring(2))).isEmpty();
    assertThat(PendingLogin.decode(encoded + ".x")).isEmpty();
    assertThat(PendingLogin.decode(encoded.replace(parts[4], "12x4"))).isEmpty();
    assertThat(PendingLogin.decode(encoded.replace(parts[1], parts[1].substring(5)))).isEmpty();
    assertThat(PendingLogin.decode(encoded.replace(parts[2], parts[2] + "!"))).isEmpty();
    assertThat(PendingLogin.decode(encoded.substring(0, encoded.lastIndexOf('.') + 1) + "L3"))
        .isEmpty(); // not the canonical base64url of any text
    String otherFirst = parts[1].startsWith("A") ? "B" : "A"; // a random state may start with A
    String otherState = encoded.replace(parts[1], otherFirst + parts[1].substring(1));
    assertThat(PendingLogin.decode(otherState))
        .hasValueSatisfying(other -> assertThat(other.state()).isNotEqualTo(pending.state()));
  }

  @Test
  void garbageDecodesToNothing() {
    for (String garbage :
        new String[] {
          "", ".", ".....", "o1.....", "null", "o1.a.b.c.1.Lw", "%%%%", "x".repeat(5000), "\u0000"
        }) {
      assertThat(PendingLogin.decode(garbage)).as(garbage).isEmpty();
    }
    assertThat(PendingLogin.decode(null)).isEmpty();
  }

  @Test
  void theRecordRefusesValuesThatCouldNotHaveComeFromStart() {
    PendingLogin pending = PendingLogin.start("/", NOW);

    assertThatThrownBy(
            () ->
                new PendingLogin(
                    "short", pending.nonce(), pending.codeVerifier(), "/", pending.createdAt()))
        .hasMessageContaining("state must be 43 to 128 characters");
    assertThatThrownBy(
            () ->
                new PendingLogin(
                    pending.state(),
                    pending.nonce(),
                    pending.codeVerifier(),
                    "/".repeat(PendingLogin.MAX_RETURN_TO_LENGTH + 1),
                    pending.createdAt()))
        .hasMessageContaining("returnTo must be at most");
    assertThatThrownBy(
            () ->
                new PendingLogin(
                    pending.state(), pending.nonce(), pending.codeVerifier(), "/", NOW))
        .hasMessageContaining("whole seconds");
  }

  @Test
  void theCodeVerifierIsNotShownInItsText() {
    PendingLogin pending = PendingLogin.start("/", NOW);

    assertThat(pending.toString()).doesNotContain(pending.codeVerifier());
  }
}
