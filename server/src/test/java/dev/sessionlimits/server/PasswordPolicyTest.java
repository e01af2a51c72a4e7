package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.service.PasswordPolicy;
import dev.sessionlimits.server.service.Passwords;
import java.security.SecureRandom;
import java.util.List;
import java.util.Random;
import me.gosimple.nbvcxz.resources.ConfigurationBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordPolicyTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "12345678",
        "password",
        "        ",
        "P@ssw0rd!",
        "qwertyuiop",
        "alice-password",
        "iloveyou2026",
        "xxxxxxxxxxxx"
      })
  void commonAndPatternedPasswordsAreRefusedWithAReason(String password) {
    assertThat(PasswordPolicy.weakness(password, List.of("alice")))
        .hasValueSatisfying(reason -> assertThat(reason).isNotBlank().endsWith("."));
  }

  @Test
  void aLeakedPasswordIsRefusedEvenWhereTheEstimateRatesItStrong() {
    assertThat(PasswordPolicy.weakness("bismillah", List.of()))
        .hasValueSatisfying(
            reason -> assertThat(reason).startsWith("It is on a list of passwords that leaked"));
    assertThat(PasswordPolicy.weakness("BisMillah", List.of())).isPresent();
  }

  @Test
  void theReasonIsTheEstimatorsFeedbackInPlainWords() {
    assertThat(PasswordPolicy.weakness("password", List.of()))
        .hasValue(
            "This is a top-10 common password. Add another word or two. Uncommon words are"
                + " better.");
    assertThat(PasswordPolicy.weakness("        ", List.of()).orElseThrow())
        .startsWith("Repeats like \"aaa\" are easy to guess.");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"alicewonder", "Alice1234", "alice.alice", "ecila-2026", "Sessionlimits2026!"})
  void passwordsBuiltFromTheUserNameOrTheServiceAreRefused(String password) {
    assertThat(PasswordPolicy.weakness(password, List.of("alice"))).isPresent();
    assertThat(PasswordPolicy.weakness("Alice1234", List.of("alice")))
        .hasValue(
            "It is built from the user name or the name of this service. Use words that have"
                + " nothing to do with the account.");
  }

  @Test
  void theUserNameIsComparedWithoutRegardToCase() {
    assertThat(PasswordPolicy.weakness("zkqwvbnmrt", List.of())).isEmpty();
    assertThat(PasswordPolicy.weakness("zkqwvbnmrt", List.of("ZKQWVBNMRT"))).isPresent();
  }

  @Test
  void oneUsersWordsDoNotStayForTheNextCheck() {
    int dictionaries = ConfigurationBuilder.getDefaultDictionaries().size();
    assertThat(PasswordPolicy.weakness("qzvkwmxbtr", List.of("qzvkwmxbtr"))).isPresent();
    assertThat(PasswordPolicy.weakness("qzvkwmxbtr", List.of("bob"))).isEmpty();
    assertThat(ConfigurationBuilder.getDefaultDictionaries()).hasSize(dictionaries);
  }

  @Test
  void shortPasswordsAreRefusedWhateverTheirStrength() {
    assertThat(PasswordPolicy.weakness("k#9Q!z", List.of()))
        .hasValue("It has 6 characters; use at least 8.");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "correct-horse-battery",
        "purple otter sings loudly",
        "glacier-tulip-87",
        "alice-plum-harbor-lantern"
      })
  void uncommonPassphrasesAreAcceptedWithoutCompositionRules(String password) {
    assertThat(PasswordPolicy.weakness(password, List.of("alice"))).isEmpty();
  }

  @Test
  void mostRandomPasswordsOfEightLettersAndDigitsAreAccepted() {
    Random random = new Random(12);
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    int accepted = 0;
    for (int i = 0; i < 50; i++) {
      StringBuilder password = new StringBuilder();
      for (int c = 0; c < 8; c++) {
        password.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      accepted += PasswordPolicy.weakness(password.toString(), List.of()).isEmpty() ? 1 : 0;
    }
    assertThat(accepted).isGreaterThanOrEqualTo(40);
  }

  @Test
  void generatedAdministratorPasswordsAreAlwaysAccepted() {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 50; i++) {
      assertThat(PasswordPolicy.weakness(Passwords.generate(random), List.of("admin"))).isEmpty();
    }
  }

  @Test
  void longPasswordsAreAcceptedAndEstimatedQuickly() {
    long start = System.nanoTime();
    assertThat(PasswordPolicy.weakness("a".repeat(Passwords.MAX_LENGTH), List.of())).isPresent();
    assertThat(PasswordPolicy.weakness("glacier-tulip-87 ".repeat(60), List.of())).isEmpty();
    assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
  }

  @Test
  void requireAnswers400WeakPasswordNamingTheField() {
    assertThatThrownBy(() -> PasswordPolicy.require("12345678", List.of("bob"), "new_password"))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.body()).containsEntry("error", "weak_password");
              assertThat((String) e.body().get("message"))
                  .startsWith("The password is too easy to guess. ")
                  .contains("top-10 common password");
              assertThat(e.body().get("fields").toString()).startsWith("{new_password=");
            });
  }
}
