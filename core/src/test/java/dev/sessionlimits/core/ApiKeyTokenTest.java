package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyTokenTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void aNewKeyIsSlkThenSixteenHexDigitsThenA256BitSecretAndParsesBackToItsIdAndHash() {
    ApiKeyToken token = ApiKeyToken.generate(RANDOM);

    assertThat(token.value()).matches("slk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
    assertThat(token.value()).startsWith("slk_" + token.id() + "_");
    ApiKeyToken parsed = ApiKeyToken.parse(token.value()).orElseThrow();
    assertThat(parsed.id()).isEqualTo(token.id());
    assertThat(parsed.hash()).isEqualTo(token.hash()).isEqualTo(TokenHash.of(token.value()));
  }

  @Test
  void keysAreDrawnAtRandom() {
    Set<String> ids = new HashSet<>();
    Set<String> values = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ApiKeyToken token = ApiKeyToken.generate(RANDOM);
      ids.add(token.id());
      values.add(token.value());
    }
    assertThat(ids).hasSize(1000);
    assertThat(values).hasSize(1000);
  }

  @Test
  void anythingWithoutTheFormOfAKeyIsNotOne() {
    String good = ApiKeyToken.generate(RANDOM).value();
    assertThat(ApiKeyToken.parse(null)).isEmpty();
    assertThat(ApiKeyToken.parse("")).isEmpty();
    assertThat(ApiKeyToken.parse(good.substring(0, good.length() - 1))).isEmpty();
    assertThat(ApiKeyToken.parse(good + "A")).isEmpty();
    assertThat(ApiKeyToken.parse(good.replace("slk_", "SLK_"))).isEmpty();
    assertThat(ApiKeyToken.parse(good.toUpperCase())).isEmpty();
    assertThat(ApiKeyToken.parse(" " + good)).isEmpty();
    assertThat(ApiKeyToken.parse("slk_0123456789abcdef_" + "+".repeat(43))).isEmpty();
  }

  @Test
  void theSecretIsNeverInTheTextOfAToken() {
    // A URL-safe secret may itself hold '_' (a one-letter tail once made this test fail): the
    // secret is what follows the id, not what follows the last underscore. Many keys, so some
    // secrets hold '_' and '-'.
    for (int i = 0; i < 200; i++) {
      ApiKeyToken token = ApiKeyToken.generate(RANDOM);
      String secret = token.value().substring(("slk_" + token.id() + "_").length());

      assertThat(secret).hasSize(43);
      assertThat(token.toString()).contains(token.id()).doesNotContain(secret);
      assertThat(token.toString()).doesNotContain(secret.substring(0, 8));
    }
  }
}
