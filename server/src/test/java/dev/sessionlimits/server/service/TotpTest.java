package dev.sessionlimits.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {

  /** RFC 6238's SHA-1 seed, "12345678901234567890", in base32. */
  private static final String RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

  @ParameterizedTest(name = "at {0} s the code is {1}")
  @CsvSource({
    "59, 287082",
    "1111111109, 081804",
    "1111111111, 050471",
    "1234567890, 005924",
    "2000000000, 279037",
    "20000000000, 353130"
  })
  void codesAreTheLastSixDigitsOfRfc6238sTestVectors(long epochSecond, String code) {
    long step = Totp.stepOf(Instant.ofEpochSecond(epochSecond));

    assertThat(Totp.code(RFC_SECRET, step)).isEqualTo(code);
  }

  @Test
  void aCodeOfTheStepBeforeOrAfterMatchesButNotTwoStepsAway() {
    Instant now = Instant.ofEpochSecond(1111111111);
    long step = Totp.stepOf(now);

    assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step - 1), now))
        .hasValue(step - 1);
    assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step + 1), now))
        .hasValue(step + 1);
    assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step - 2), now)).isEmpty();
    assertThat(Totp.matchingStep(RFC_SECRET, "12345", now)).isEmpty();
    assertThat(Totp.matchingStep(RFC_SECRET, "abcdef", now)).isEmpty();
    assertThat(Totp.matchingStep(RFC_SECRET, null, now)).isEmpty();
  }

  @Test
  void aNewSecretIs160RandomBitsInBase32() {
    SecureRandom random = new SecureRandom();
    String one = Totp.newSecret(random);

    assertThat(one).hasSize(32).matches("[A-Z2-7]+");
    assertThat(Totp.newSecret(random)).isNotEqualTo(one);
    assertThat(Totp.code(one, 1)).matches("[0-9]{6}");
  }
}
