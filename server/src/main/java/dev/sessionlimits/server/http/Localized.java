package dev.sessionlimits.server.http;

import java.util.Locale;

/**
 * Text for a person that is worded only when it is written out, in the reader's language: a {@link
 * Sentence} of the message bundles, or a piece of one (a time, a list of sentences).
 */
@FunctionalInterface
public interface Localized {

  /** This text in {@code locale} (one of {@link Messages#SUPPORTED}). */
  String in(Locale locale);

  /** This text in English, as the logs and the API's default show it. */
  default String english() {
    return in(Messages.DEFAULT);
  }
}
