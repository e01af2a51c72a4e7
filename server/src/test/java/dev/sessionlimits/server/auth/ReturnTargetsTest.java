package dev.sessionlimits.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which return targets ({@code next}) the sign-in redirect carries: paths on this origin only. */
class ReturnTargetsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/reports/q3.html",
        "/reports/q3.html?x=1&y=%C3%A9",
        "/a/b;c?d=/e",
        "/search?q=a%2Bb",
        "/%7Euser/",
        "/sessionlimits/account.html",
        "/files/Q3%20report.pdf",
        "/reports/q3.html?title=a%20b"
      })
  void aPathOnThisOriginIsSafe(String target) {
    assertThat(ReturnTargets.isSafe(target)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "//evil.example",
        "//evil.example/path",
        "https://evil.example",
        "http:evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/%5Cevil.example",
        "/%5cevil.example",
        "/%2F/evil",
        "/%2f%2fevil",
        "%2F%2Fevil",
        "/%252F/evil",
        "/%255Cevil.example",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,x",
        "reports/q3.html",
        "",
        " /reports",
        "/reports q3",
        "/reports\tq3",
        "/a\nLocation: x",
        "/a%0d%0aSet-Cookie:x",
        "/a%00",
        "/a%2509",
        "/100%",
        "/%zz",
        "/a%E9",
        "/a%",
        "/a%2",
        "/a\u00a0b",
        "/a\u202eb",
        "/a\u0085b"
      })
  void anythingThatCanLeaveTheOriginBreakAHeaderOrIsMalformedIsRefused(String target) {
    assertThat(ReturnTargets.isSafe(target)).as(target).isFalse();
  }

  @org.junit.jupiter.api.Test
  void aTargetLongerThan2048CharactersIsRefused() {
    String path = "/" + "a".repeat(ReturnTargets.MAX_LENGTH - 1);
    assertThat(ReturnTargets.isSafe(path)).isTrue();
    assertThat(ReturnTargets.isSafe(path + "a")).isFalse();
    assertThat(ReturnTargets.isSafe(null)).isFalse();
  }
}
