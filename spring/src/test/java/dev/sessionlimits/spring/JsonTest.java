package dev.sessionlimits.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The starter's small JSON writer escapes what RFC 8259 requires. */
class JsonTest {

  @Test
  void fieldsAreWrittenInOrderWithNumbersBare() {
    assertThat(Json.object().put("error", "x").put("limit", 3).put("active", -1).toString())
        .isEqualTo("{\"error\":\"x\",\"limit\":3,\"active\":-1}");
  }

  @Test
  void quotesBackslashesAndControlCharactersAreEscaped() {
    assertThat(Json.object().put("m", "a\"b\\c\nd\u0001e\u2028").toString())
        .isEqualTo("{\"m\":\"a\\\"b\\\\c\\nd\\u0001e\\u2028\"}");
  }
}
