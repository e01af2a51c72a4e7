package dev.sessionlimits.server.http;

import io.javalin.http.Context;
import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The languages of the API's sentences: the message bundles {@code messages/messages.properties}
 * (English, the fallback) and {@code messages/messages_<language>.properties} (UTF-8, {@link
 * MessageFormat} patterns), and the choice of one by a request's {@code Accept-Language}.
 *
 * <p>Only sentences for people are translated: the {@code error} and {@code reason} codes, field
 * names and every other value a program reads stay the same in every language.
 */
public final class Messages {

  /** The language of a request that asks for none we have. */
  public static final Locale DEFAULT = Locale.ENGLISH;

  /** The languages there are bundles for; the first is the fallback. */
  public static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.GERMAN);

  /** The base name of the bundles, as {@link ResourceBundle#getBundle} takes it. */
  public static final String BUNDLE = "messages.messages";

  private static final ResourceBundle.Control NO_FALLBACK =
      ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

  private Messages() {}

  /**
   * The supported language that {@code acceptLanguage} (an {@code Accept-Language} header, RFC 9110
   * with quality values) prefers; English when it names none of them, is absent or malformed.
   */
  public static Locale locale(String acceptLanguage) {
    if (acceptLanguage == null || acceptLanguage.isBlank() || acceptLanguage.length() > 1000) {
      return DEFAULT;
    }
    try {
      Locale chosen = Locale.lookup(Locale.LanguageRange.parse(acceptLanguage), SUPPORTED);
      return (chosen == null) ? DEFAULT : chosen;
    } catch (RuntimeException e) {
      // Malformed: IllegalArgumentException, and for some ranges (such as "-") an index error.
      return DEFAULT;
    }
  }

  /** The language of {@code ctx}'s request, by its {@code Accept-Language}. */
  public static Locale locale(Context ctx) {
    return locale(ctx.header("Accept-Language"));
  }

  /**
   * Marks an answer as worded in {@code locale}: {@code Content-Language}, and {@code Vary:
   * Accept-Language} so that caches keep one answer per language.
   */
  public static void label(Context ctx, Locale locale) {
    ctx.header("Content-Language", locale.toLanguageTag());
    ctx.res().addHeader("Vary", "Accept-Language");
  }

  /** The sentence {@code key} of the bundle of {@code locale}, its placeholders filled. */
  static String format(Locale locale, String key, Object... args) {
    String pattern;
    try {
      pattern = bundle(locale).getString(key);
    } catch (MissingResourceException e) {
      throw new IllegalArgumentException("no sentence " + key + " in the message bundles", e);
    }
    return new MessageFormat(pattern, locale).format(args);
  }

  /** The bundle of {@code locale}, with English for what it lacks. */
  public static ResourceBundle bundle(Locale locale) {
    Locale own = SUPPORTED.contains(locale) && !DEFAULT.equals(locale) ? locale : Locale.ROOT;
    return ResourceBundle.getBundle(BUNDLE, own, NO_FALLBACK);
  }
}
