package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The sign-in page's sentences: every key the page and js/login.js use is in the English bundle,
 * and the German bundle has every English key, with the same placeholders and plural forms.
 */
class LoginMessagesTest {

  private static final Pattern DATA_I18N = Pattern.compile("data-i18n=\"([^\"]+)\"");
  private static final Pattern T_CALL = Pattern.compile("\\bt\\('([a-z_.]+)'");
  private static final Pattern KNOWN_CALL = Pattern.compile("\\bknown\\('([a-z_.]+)'");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
  private static final Set<String> COMMON = Set.of("unlimited", "n_sessions");

  /** Words that German writes as English does. */
  private static final Set<String> SAME_IN_BOTH = Set.of("optional", "session.browser");

  private static Path publicDir() throws URISyntaxException {
    return Path.of(LoginMessagesTest.class.getResource("/public").toURI());
  }

  private static JsonNode bundle(String name) throws IOException, URISyntaxException {
    return new ObjectMapper().readTree(publicDir().resolve("i18n/" + name).toFile());
  }

  private static Set<String> matches(Pattern pattern, String text) {
    Set<String> keys = new TreeSet<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      keys.add(m.group(1));
    }
    return keys;
  }

  @Test
  void everyKeyThePageAndItsScriptUseIsInTheEnglishBundle() throws Exception {
    JsonNode english = bundle("login.en.json");
    Set<String> used = new TreeSet<>();
    used.addAll(matches(DATA_I18N, Files.readString(publicDir().resolve("index.html"))));
    String script = Files.readString(publicDir().resolve("js/login.js"));
    used.addAll(matches(T_CALL, script));
    used.addAll(matches(KNOWN_CALL, script));
    used.removeAll(COMMON);

    assertThat(used).hasSizeGreaterThan(40);
    // A key ending in "." is a prefix the script completes with a code ("error." + e.code).
    Set<String> names = Set.copyOf(iterable(english.fieldNames()));
    assertThat(used)
        .allSatisfy(
            key ->
                assertThat(
                        key.endsWith(".")
                            ? names.stream().anyMatch(n -> n.startsWith(key))
                            : names.contains(key))
                    .as(key)
                    .isTrue());
  }

  @Test
  void theGermanBundleSaysEverythingTheEnglishOneSaysWithTheSamePlaceholders() throws Exception {
    JsonNode english = bundle("login.en.json");
    JsonNode german = bundle("login.de.json");

    assertThat(Set.copyOf(iterable(german.fieldNames())))
        .isEqualTo(Set.copyOf(iterable(english.fieldNames())));
    english
        .properties()
        .forEach(
            entry -> {
              JsonNode de = german.get(entry.getKey());
              assertThat(de.isObject()).as(entry.getKey()).isEqualTo(entry.getValue().isObject());
              assertThat(matches(PLACEHOLDER, de.toString()))
                  .as(entry.getKey())
                  .isEqualTo(matches(PLACEHOLDER, entry.getValue().toString()));
              if (!SAME_IN_BOTH.contains(entry.getKey())) {
                assertThat(de.toString())
                    .as(entry.getKey())
                    .isNotEqualTo(entry.getValue().toString());
              }
            });
  }

  private static List<String> iterable(Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }
}
