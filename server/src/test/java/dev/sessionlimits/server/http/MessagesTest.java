package dev.sessionlimits.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.server.service.PasswordPolicy;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class MessagesTest {

  @Test
  void theFirstSupportedLanguageOfTheHeaderIsChosenByItsQuality() {
    assertThat(Messages.locale("de")).isEqualTo(Locale.GERMAN);
    assertThat(Messages.locale("de-CH,de;q=0.9")).isEqualTo(Locale.GERMAN);
    assertThat(Messages.locale("fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7")).isEqualTo(Locale.GERMAN);
    assertThat(Messages.locale("en;q=0.5, de;q=0.9")).isEqualTo(Locale.GERMAN);
    assertThat(Messages.locale("en-GB")).isEqualTo(Locale.ENGLISH);
  }

  @Test
  void aHeaderThatNamesNoSupportedLanguageOrCannotBeReadMeansEnglish() {
    for (String header :
        new String[] {null, "", "fr", "*", "-", "de;q=2", ";;;", "x".repeat(2000)}) {
      assertThat(Messages.locale(header)).as(String.valueOf(header)).isEqualTo(Locale.ENGLISH);
    }
  }

  @Test
  void pluralsAndNumbersFollowTheLanguage() {
    assertThat(EndMessages.sessions(1).in(Locale.GERMAN)).isEqualTo("1 Sitzung");
    assertThat(EndMessages.sessions(3).in(Locale.GERMAN)).isEqualTo("3 Sitzungen");
    assertThat(EndMessages.sessions(0).english()).isEqualTo("0 sessions");
    assertThat(EndMessages.sessions(100_000).english()).isEqualTo("100,000 sessions");
    assertThat(EndMessages.span(java.time.Duration.ofSeconds(90)).in(Locale.GERMAN))
        .isEqualTo("1 Minute 30 Sekunden");
    assertThat(ApiError.OVERLOADED.exception(1).body(Locale.ENGLISH).get("message"))
        .isEqualTo("The server is checking too many passwords at once. Try again in 1 second.");
  }

  @Test
  void aPasswordsWeaknessIsWordedInTheReadersLanguage() {
    assertThat(PasswordPolicy.weakness("abc", List.of(), Locale.GERMAN))
        .contains("Es hat 3 Zeichen; verwenden Sie mindestens 8.");
    assertThat(PasswordPolicy.weakness("abc", List.of()))
        .contains("It has 3 characters; use at least 8.");
    assertThat(PasswordPolicy.weakness("password", List.of(), Locale.GERMAN).orElseThrow())
        .isNotEqualTo(PasswordPolicy.weakness("password", List.of()).orElseThrow());
  }

  @Test
  void theTypeOfAWrongJsonValueIsNamedInTheReadersLanguage() {
    Sentence wrong =
        Sentence.of(
            "field.not_a_string",
            "username",
            Json.describe(com.fasterxml.jackson.databind.node.IntNode.valueOf(5)));
    assertThat(wrong.in(Locale.GERMAN))
        .isEqualTo("username muss eine Zeichenkette sein, erhalten: eine Zahl (5).");
    assertThat(wrong.english()).isEqualTo("username must be a string, got a number (5).");
  }

  @Test
  void anApostropheOfAnEnglishSentenceSurvivesTheMessageFormat() {
    assertThat(Sentence.of("mfa.code_not_current").english())
        .isEqualTo("The code is not your app's current one.");
    assertThat(Sentence.of("json.not_an_object", "a number").english())
        .isEqualTo("The request body must be a JSON object ({...}), got a number.");
  }
}
