package dev.sessionlimits.server.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A sentence of the message bundles ({@code messages/messages*.properties}): its key and the values
 * of its {@code {0}}, {@code {1}}, ... An argument that is itself {@link Localized} is worded in
 * the same language; anything else as {@link java.text.MessageFormat} formats it.
 *
 * @param key the key in the bundles, e.g. {@code error.user_not_found}
 * @param args the values of the placeholders, in order (may hold nulls)
 */
public record Sentence(String key, List<Object> args) implements Localized {

  /** Checks the key and keeps an unmodifiable copy of the arguments. */
  public Sentence {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("a sentence needs a key");
    }
    args = Collections.unmodifiableList(new ArrayList<>(args));
  }

  /** The sentence {@code key} with {@code args}. */
  public static Sentence of(String key, Object... args) {
    return new Sentence(key, Arrays.asList(args));
  }

  @Override
  public String in(Locale locale) {
    Object[] values = new Object[args.size()];
    for (int i = 0; i < values.length; i++) {
      Object arg = args.get(i);
      values[i] = (arg instanceof Localized text) ? text.in(locale) : arg;
    }
    return Messages.format(locale, key, values);
  }

  @Override
  public String toString() {
    return english();
  }
}
