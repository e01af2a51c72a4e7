package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.Setting;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The references in the repository stay true to the code: docs/api.md has a heading for every route
 * the server serves and for no other, docs/settings.md a section and a table row (type, default,
 * valid values) for every setting, and the README links them rather than a contract outside the
 * repository, which its readers cannot open.
 */
class ReferenceDocsTest {

  /** {@code ### GET /api/v1/me}, or several methods of one path: {@code ### GET, POST /x}. */
  private static final Pattern ROUTE_HEADING =
      Pattern.compile("^### ((?:[A-Z]+, )*[A-Z]+) (/\\S*)$", Pattern.MULTILINE);

  /** {@code ### SESSIONS_PER_USER}. */
  private static final Pattern SETTING_HEADING =
      Pattern.compile("^### ([A-Z][A-Z0-9_]*)$", Pattern.MULTILINE);

  private static TestServer t;

  @BeforeAll
  static void start() {
    t = TestServer.start();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void everyRouteTheServerServesHasAHeadingInTheApiReference() throws IOException {
    assertThat(routeHeadings(read("docs/api.md")))
        .as("a '### METHOD /path' heading in docs/api.md for each route of the server")
        .containsAll(t.server.routes());
  }

  @Test
  void everyRouteHeadingOfTheApiReferenceIsARouteTheServerServes() throws IOException {
    assertThat(t.server.routes())
        .as("the routes of the server, for each '### METHOD /path' heading in docs/api.md")
        .containsAll(routeHeadings(read("docs/api.md")));
  }

  @Test
  void everySettingHasASectionAndATableRowWithItsTypeDefaultAndValidValues() throws IOException {
    String doc = read("docs/settings.md");
    Set<String> sections = settingHeadings(doc);
    Set<String> actions = ExhaustionActions.builtIns().names();
    List<String> missing = new ArrayList<>();
    for (Setting setting : Setting.values()) {
      if (!sections.contains(setting.name())) {
        missing.add("### " + setting.name());
      }
      String row =
          "| `"
              + setting.name()
              + "` | "
              + setting.type().code()
              + " | "
              + setting.defaultValue()
              + " | "
              + setting.validRange(actions)
              + " |";
      if (!doc.contains(row)) {
        missing.add(row);
      }
    }
    assertThat(missing).as("lines docs/settings.md lacks").isEmpty();
  }

  @Test
  void everySettingSectionOfTheSettingsReferenceIsASetting() throws IOException {
    assertThat(Arrays.stream(Setting.values()).map(Setting::name).toList())
        .as("the settings of the code, for each '### NAME' heading in docs/settings.md")
        .containsAll(settingHeadings(read("docs/settings.md")));
  }

  @Test
  void theReadmeAndTheArchitectureLinkTheReferencesNotAContractOutsideTheRepository()
      throws IOException {
    String readme = read("README.md");
    assertThat(readme)
        .contains("(docs/api.md)", "(docs/settings.md)")
        .doesNotContain("../shared/", "SPEC");
    assertThat(read("docs/architecture.md")).contains("(api.md)", "(settings.md)");
  }

  /** Each method and path of the route headings, as {@code "METHOD path"}. */
  private static Set<String> routeHeadings(String doc) {
    Set<String> routes = new TreeSet<>();
    Matcher heading = ROUTE_HEADING.matcher(doc);
    while (heading.find()) {
      for (String method : heading.group(1).split(", ")) {
        routes.add(method + " " + heading.group(2));
      }
    }
    return routes;
  }

  private static Set<String> settingHeadings(String doc) {
    Set<String> names = new TreeSet<>();
    Matcher heading = SETTING_HEADING.matcher(doc);
    while (heading.find()) {
      names.add(heading.group(1));
    }
    return names;
  }

  private static String read(String name) throws IOException {
    Path file = Chromium.repositoryRoot().resolve(name);
    assertThat(file).as("the repository's " + name).isRegularFile();
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
