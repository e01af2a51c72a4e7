package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IpKeyTest {

  /** The pattern IpKey used before it parsed dotted quads by hand: the reference. */
  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  @Test
  void aDottedQuadIsKeyedAsItsFourBytesInHex() {
    assertThat(IpKey.of("203.0.113.7")).contains("4cb007107");
    assertThat(IpKey.of("0.0.0.0")).contains("400000000");
    assertThat(IpKey.of("255.255.255.255")).contains("4ffffffff");
  }

  @Test
  void anythingElseThatLooksLikeAQuadHasNoKey() {
    for (String text :
        new String[] {
          "",
          "1.2.3",
          "1.2.3.4.",
          ".1.2.3.4",
          "01.2.3.4",
          "1.2.3.256",
          "1.2.3.1000",
          "1..3.4",
          "+1.2.3.4",
          "1.2.3.4 ",
          "a.b.c.d",
          "1.2.3.04",
          "1.2.3.-4",
          "1234.1.1.1"
        }) {
      assertThat(IpKey.of(text)).as(text).isEmpty();
    }
  }

  @Test
  void theHandWrittenParserAgreesWithTheDottedQuadPatternOnNearMisses() {
    qt().withExamples(20_000)
        .forAll(strings().betweenCodePoints('.', '9').ofLengthBetween(0, 17))
        .checkAssert(
            text -> {
              String quad = text.replace('/', '.');
              assertThat(IpKey.dottedQuad(quad) != null)
                  .as("'%s'", quad)
                  .isEqualTo(DOTTED_QUAD.matcher(quad).matches());
            });
    qt().withExamples(20_000)
        .forAll(integers().between(0, 300), integers().between(0, 300), integers().between(0, 300))
        .checkAssert(
            (a, b, c) -> {
              String quad = a + "." + b + "." + c + "." + (a + b) % 300;
              assertThat(IpKey.dottedQuad(quad) != null)
                  .as(quad)
                  .isEqualTo(DOTTED_QUAD.matcher(quad).matches());
            });
  }

  @Test
  void anIpv6LiteralIsStillKeyedAsSixteenBytes() {
    assertThat(IpKey.of("2001:db8::1")).contains("620010db8000000000000000000000001");
    assertThat(IpKey.of("::ffff:1.2.3.4")).hasValueSatisfying(k -> assertThat(k).startsWith("4"));
  }
}
