package dev.sessionlimits.server.service;

import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.Localized;
import dev.sessionlimits.server.http.Messages;
import dev.sessionlimits.server.http.Sentence;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import me.gosimple.nbvcxz.Nbvcxz;
import me.gosimple.nbvcxz.resources.ConfigurationBuilder;
import me.gosimple.nbvcxz.resources.Dictionary;
import me.gosimple.nbvcxz.resources.DictionaryBuilder;
import me.gosimple.nbvcxz.resources.Feedback;
import me.gosimple.nbvcxz.scoring.Result;

/**
 * Which new passwords are accepted: every place a password is set asks here (an administrator
 * creating a user or setting a password, {@code SESSIONLIMITS_ADMIN_PASSWORD}, a user changing
 * their own).
 *
 * <p>Design note (OWASP ASVS 5.0, 6.2): a password needs at least {@link #MIN_LENGTH} characters
 * and may have up to {@link Passwords#MAX_LENGTH}; there are no composition rules (no "a digit and
 * a symbol"). Instead the password's strength is estimated by nbvcxz, which looks for its own
 * dictionaries (common and breached passwords, English words, first names and surnames), keyboard
 * patterns, repeats, sequences, dates and leet spellings, and for the user name and the product's
 * name as words of a user-input dictionary. A password is accepted when an attacker who tries
 * guesses in that order needs at least 10^10 of them ({@link #MIN_ENTROPY_BITS}, zxcvbn's top
 * score), and it is not on nbvcxz's list of leaked passwords (case aside) at all: with Argon2id at
 * OWASP's cost that is years of offline guessing per stolen hash, and online guessing is throttled.
 * A random password of 8 letters and digits passes; {@code password}, {@code 12345678}, eight
 * spaces and the user name with digits do not.
 *
 * <p>Only the first {@link #ESTIMATED_LENGTH} characters are estimated: the estimate's work grows
 * fast with length (seconds for 1000 characters), and a password whose first 64 characters are
 * strong is strong.
 */
public final class PasswordPolicy {

  /** The shortest password accepted (ASVS 6.2.1). */
  public static final int MIN_LENGTH = 8;

  /** log2(10^10): the estimated guesses a password must need. */
  static final double MIN_ENTROPY_BITS = 10 * Math.log(10) / Math.log(2);

  /** How many leading characters are estimated. */
  static final int ESTIMATED_LENGTH = 64;

  /** Words of this service that no password should be built from. */
  private static final List<String> CONTEXT_WORDS = List.of("sessionlimits", "sessionlimit");

  private static final String NOT_ALLOWED_WARNING =
      "feedback.dictionary.warning.passwords.notAllowed";
  private static final String NOT_ALLOWED_SUGGESTION =
      "feedback.dictionary.suggestions.passwords.notAllowed";

  /**
   * nbvcxz's ranked list of leaked passwords (100,000). A password found in it is refused whatever
   * the estimate, which rates some listed words as random letters (bismillah: about 42 bits).
   */
  private static final Map<String, Integer> LEAKED =
      ConfigurationBuilder.getDefaultDictionaries().stream()
          .filter(d -> d.getDictionaryName().equals("passwords"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("nbvcxz ships no \"passwords\" dictionary"))
          .getDictonary();

  private PasswordPolicy() {}

  /**
   * Why {@code password} is refused, as plain sentences ("This is a top-10 common password. Add
   * another word or two."), or empty when it is accepted.
   *
   * @param userInputs words of this account (its user name, say) that the password must not be
   *     built from; compared without regard to case
   */
  public static Optional<String> weakness(String password, Collection<String> userInputs) {
    return weakness(password, userInputs, Messages.DEFAULT);
  }

  /** {@link #weakness(String, Collection)} worded in {@code locale}. */
  public static Optional<String> weakness(
      String password, Collection<String> userInputs, Locale locale) {
    if (password.length() < MIN_LENGTH) {
      return Optional.of(
          Sentence.of("password.weak_length", password.length(), MIN_LENGTH).in(locale));
    }
    Result result = estimator(userInputs, locale).estimate(password);
    if (result.isMinimumEntropyMet()) {
      return LEAKED.containsKey(password.toLowerCase(Locale.ROOT))
          ? Optional.of(Sentence.of("password.leaked").in(locale))
          : Optional.empty();
    }
    Feedback feedback = result.getFeedback();
    List<String> sentences = new ArrayList<>();
    sentences.add(
        NOT_ALLOWED_WARNING.equals(feedback.getWarningKey())
            ? Sentence.of("password.built_from_account").in(locale)
            : (feedback.getWarning() == null)
                ? Sentence.of("password.guessable").in(locale)
                : feedback.getWarning());
    List<String> keys = feedback.getSuggestionKeys();
    List<String> texts = feedback.getSuggestion();
    for (int i = 0; i < texts.size(); i++) {
      sentences.add(
          NOT_ALLOWED_SUGGESTION.equals(keys.get(i))
              ? Sentence.of("password.unrelated_words").in(locale)
              : texts.get(i));
    }
    return Optional.of(String.join(" ", sentences));
  }

  /**
   * Refuses a weak {@code password} with 400 {@code weak_password}: the message gives the reason,
   * and {@code fields} names {@code field} with the same reason (as for other refused fields).
   */
  public static void require(String password, Collection<String> userInputs, String field) {
    if (weakness(password, userInputs).isEmpty()) {
      return;
    }
    // Worded now in every language (the password is not kept for later), chosen when answering.
    Map<Locale, String> reasons = new HashMap<>();
    for (Locale locale : Messages.SUPPORTED) {
      reasons.put(locale, weakness(password, userInputs, locale).orElseThrow());
    }
    Localized reason = locale -> reasons.getOrDefault(locale, reasons.get(Messages.DEFAULT));
    throw ApiError.WEAK_PASSWORD
        .exception(Sentence.of("password.too_easy", reason))
        .withFields(Map.of("fields", Map.of(field, reason)));
  }

  private static Nbvcxz estimator(Collection<String> userInputs, Locale locale) {
    DictionaryBuilder words =
        new DictionaryBuilder().setDictionaryName("user inputs").setExclusion(true);
    for (String word : CONTEXT_WORDS) {
      words.addWord(word, 0);
    }
    for (String word : userInputs) {
      if (word != null && !word.isBlank()) {
        words.addWord(word.toLowerCase(Locale.ROOT), 0);
      }
    }
    // A copy: nbvcxz hands out its one shared list of default dictionaries.
    List<Dictionary> dictionaries = new ArrayList<>(ConfigurationBuilder.getDefaultDictionaries());
    dictionaries.add(words.createDictionary());
    return new Nbvcxz(
        new ConfigurationBuilder()
            .setDictionaries(dictionaries)
            .setMinimumEntropy(MIN_ENTROPY_BITS)
            .setMaxLength(ESTIMATED_LENGTH)
            .setLocale(locale)
            .createConfiguration());
  }
}
