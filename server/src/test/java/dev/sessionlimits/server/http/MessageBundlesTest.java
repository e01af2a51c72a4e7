package dev.sessionlimits.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionlimits.core.EndCause;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.TokenHash;
import dev.sessionlimits.server.Chromium;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every language says everything: the server's bundles ({@code messages/messages*.properties}) and
 * the web UI's ({@code public/i18n/<area>.<lang>.json}, every area found in the folder) have the
 * same keys in every language, each with the same placeholders ({@code {0}}, {@code {name}}).
 */
class MessageBundlesTest {

  private static final Pattern NUMBERED = Pattern.compile("\\{(\\d+)[,}]");
  private static final Pattern NAMED = Pattern.compile("\\{(\\w+)}");
  private static final Path UI_BUNDLES =
      Chromium.repositoryRoot().resolve("server/src/main/resources/public/i18n");

  @Test
  void everyServerSentenceIsInEveryLanguageWithTheSamePlaceholders() throws IOException {
    Map<String, String> english = properties("messages/messages.properties");
    assertThat(english).isNotEmpty();
    for (Locale locale : Messages.SUPPORTED) {
      if (locale.equals(Messages.DEFAULT)) {
        continue;
      }
      Map<String, String> other = properties("messages/messages_" + locale + ".properties");
      assertThat(differences(english, other, NUMBERED)).as(locale.toString()).isEmpty();
    }
  }

  @Test
  void everyErrorCodeAndEveryEndReasonHasASentenceInEveryLanguage() {
    Instant at = Instant.parse("2026-03-02T14:00:00Z");
    for (Locale locale : Messages.SUPPORTED) {
      for (ApiError error : ApiError.values()) {
        assertThat(Messages.bundle(locale).containsKey("error." + error.code()))
            .as(locale + " error." + error.code())
            .isTrue();
      }
      for (EndReason reason : EndReason.values()) {
        Session s =
            new Session(
                    "s1",
                    TokenHash.of("t"),
                    "alice",
                    "198.51.100.4",
                    "",
                    null,
                    "password",
                    at,
                    at,
                    at.plusSeconds(1800),
                    null,
                    null)
                .withEnd(new SessionEnd(reason, at.plusSeconds(60), EndCause.NONE));
        assertThat(EndMessages.sentence(s, at.plusSeconds(120)).in(locale))
            .as(locale + " " + reason.code())
            .endsWith(".")
            .doesNotContain("null")
            .doesNotContain("{");
      }
    }
  }

  @Test
  void everyAreaOfTheWebUiHasEveryKeyInEveryLanguageWithTheSamePlaceholders() throws IOException {
    List<Path> english;
    try (Stream<Path> files = Files.list(UI_BUNDLES)) {
      english = files.filter(f -> f.getFileName().toString().endsWith(".en.json")).toList();
    }
    assertThat(english).as("the English bundles in " + UI_BUNDLES).isNotEmpty();
    List<String> problems = new ArrayList<>();
    try (Stream<Path> files = Files.list(UI_BUNDLES)) {
      files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.endsWith(".json"))
          .filter(
              name ->
                  !Files.exists(UI_BUNDLES.resolve(name.replaceAll("\\.\\w+\\.json$", ".en.json"))))
          .forEach(name -> problems.add(name + " has no English bundle of its area"));
    }
    for (Path en : english) {
      String area = en.getFileName().toString().replace(".en.json", "");
      Map<String, String> base = flatten(en);
      for (String lang : List.of("de")) {
        Path other = UI_BUNDLES.resolve(area + "." + lang + ".json");
        if (!Files.exists(other)) {
          problems.add(other.getFileName() + " is missing");
          continue;
        }
        differences(base, flatten(other), NAMED)
            .forEach(d -> problems.add(other.getFileName() + ": " + d));
      }
    }
    assertThat(problems).isEmpty();
  }

  /** The keys one side lacks, and the keys whose placeholders differ. */
  private static List<String> differences(
      Map<String, String> english, Map<String, String> other, Pattern placeholder) {
    List<String> found = new ArrayList<>();
    for (String key : english.keySet()) {
      if (!other.containsKey(key)) {
        found.add("lacks " + key);
      } else if (!placeholders(english.get(key), placeholder)
          .equals(placeholders(other.get(key), placeholder))) {
        found.add(key + " has other placeholders than in English: " + other.get(key));
      }
    }
    for (String key : other.keySet()) {
      if (!english.containsKey(key)) {
        found.add("has " + key + ", which English lacks");
      }
    }
    return found;
  }

  private static TreeSet<String> placeholders(String text, Pattern placeholder) {
    TreeSet<String> names = new TreeSet<>();
    Matcher m = placeholder.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static Map<String, String> properties(String resource) throws IOException {
    Properties p = new Properties();
    try (InputStream in = MessageBundlesTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    Map<String, String> all = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> all.put(k, p.getProperty(k)));
    return all;
  }

  /**
   * A UI bundle as key to text; a plural object counts as one key whose text is all its forms (the
   * categories differ between languages, the placeholders do not).
   */
  private static Map<String, String> flatten(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    Map<String, String> all = new TreeMap<>();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      JsonNode value = field.getValue();
      if (value.isObject()) {
        StringBuilder forms = new StringBuilder();
        value.elements().forEachRemaining(form -> forms.append(form.asText()).append('\n'));
        assertThat(value.has("other"))
            .as(file.getFileName() + " " + field.getKey() + " has an 'other' form")
            .isTrue();
        all.put(field.getKey(), forms.toString());
      } else {
        all.put(field.getKey(), value.asText());
      }
    }
    return all;
  }
}
