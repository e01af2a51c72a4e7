package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebUiFilesTest {

  private static final List<String> PAGES = List.of("index.html", "account.html", "admin.html");

  private static TestServer t;
  private static Browser browser;

  @BeforeAll
  static void start() {
    t = TestServer.start();
    browser = t.browser();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @ParameterizedTest
  @CsvSource({
    "/, text/html",
    "/index.html, text/html",
    "/account.html, text/html",
    "/admin.html, text/html",
    "/js/session.js, text/javascript",
    "/js/api.js, text/javascript",
    "/css/app.css, text/css",
    "/favicon.svg, image/svg+xml"
  })
  void theWebUiIsServedFromTheJarWithItsTypeAndIsRevalidatedOnEveryUse(String path, String type) {
    Browser.Response r = browser.get(path);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith(type);
    assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(r.header("ETag")).isNotBlank();
    assertThat(browser.get(path, "If-None-Match", r.header("ETag")).status()).isEqualTo(304);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/", "/js/login.js", "/api/v1/me", "/api/v1/nothing-here", "/nothing.html"})
  void everyAnswerCarriesAPolicyThatAllowsOnlyThisOriginAndNoSniffingOrForeignReferrers(
      String path) {
    Browser.Response r = browser.get(path);

    String policy = r.header("Content-Security-Policy");
    assertThat(policy)
        .contains(
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'self'")
        .doesNotContain("unsafe", "data:", "*");
    assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.header("Referrer-Policy")).isEqualTo("same-origin");
  }

  @Test
  void apiAnswersAreNeverCachedAndUnknownPathsAre404WithJsonUnderTheApi() {
    Browser.Response api = browser.get("/api/v1/nothing-here");
    assertThat(api.status()).isEqualTo(404);
    assertThat(api.header("Content-Type")).startsWith("application/json");
    assertThat(api.error()).isEqualTo("not_found");
    assertThat(api.header("Cache-Control")).isEqualTo("no-store");

    assertThat(browser.get("/api/v1/me").header("Cache-Control")).isEqualTo("no-store");
    assertThat(browser.get("/nothing.html").status()).isEqualTo(404);
    assertThat(browser.get("/js/").status()).isEqualTo(404);
    assertThat(browser.get("/public/index.html").status()).isEqualTo(404);
  }

  private static final Pattern INLINE_SCRIPT =
      Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern INLINE_STYLE =
      Pattern.compile("<style|\\sstyle\\s*=", Pattern.CASE_INSENSITIVE);
  private static final Pattern INLINE_HANDLER =
      Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
  private static final Pattern FOREIGN_URL =
      Pattern.compile("(src|href)=\"(https?:|//|data:|javascript:)", Pattern.CASE_INSENSITIVE);

  @Test
  void thePagesHaveNothingInlineForTheContentSecurityPolicyToBlock() throws IOException {
    for (String page : PAGES) {
      String html;
      try (InputStream in = getClass().getResourceAsStream("/public/" + page)) {
        assertThat(in).as(page).isNotNull();
        html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(INLINE_SCRIPT.matcher(html).find()).as("inline script in " + page).isFalse();
      assertThat(INLINE_STYLE.matcher(html).find()).as("inline style in " + page).isFalse();
      assertThat(INLINE_HANDLER.matcher(html).find())
          .as("inline event handler in " + page)
          .isFalse();
      assertThat(FOREIGN_URL.matcher(html).find())
          .as("a URL that is not 'self' in " + page)
          .isFalse();
    }
  }

  /**
   * A URL that starts at the host's root ("/api/...", href="/...", assign('/...')) escapes the
   * prefix a proxy serves the UI under; every URL must be relative to the UI's base (api.js: BASE
   * and uiUrl).
   */
  private static final Pattern ROOT_URL =
      Pattern.compile(
          "[\"'`]/api\\b|\\b(href|src|action)\\s*[=:]\\s*[\"'`]/"
              + "|\\b(assign|replace|open|fetch|EventSource)\\(\\s*[\"'`]/|url\\(\\s*[\"']?/",
          Pattern.CASE_INSENSITIVE);

  @Test
  void noPageScriptOrStylesheetNamesAUrlFromTheHostsRootSoTheUiWorksUnderAPrefix()
      throws Exception {
    List<String> found = new ArrayList<>();
    List<Path> files = publicFiles();
    assertThat(files)
        .extracting(f -> f.getFileName().toString())
        .contains("index.html", "api.js", "session.js", "app.css");
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = ROOT_URL.matcher(lines.get(i));
        if (m.find()) {
          found.add(file.getFileName() + ":" + (i + 1) + ": " + lines.get(i).trim());
        }
      }
    }
    assertThat(found).as("URLs from the host's root").isEmpty();
  }

  @Test
  void theRootUrlCheckCatchesEachFormItLooksFor() {
    for (String line :
        List.of(
            "api('GET', '/api/v1/me')",
            "fetch(\"/api/v1/me\")",
            "new EventSource(`/api/v1/me/events`)",
            "<link href=\"/css/app.css\">",
            "<script src='/js/api.js'>",
            "background: url(/img/x.svg)",
            "h('a', { href: '/index.html' })",
            "location.assign('/index.html')",
            "location.href = '/index.html'",
            "new EventSource('/events')")) {
      assertThat(ROOT_URL.matcher(line).find()).as(line).isTrue();
    }
    for (String line :
        List.of(
            "api('GET', 'api/v1/me')",
            "<link href=\"css/app.css\">",
            "h('a', { href: '#setting-' + name })",
            "location.pathname.split('/').pop()")) {
      assertThat(ROOT_URL.matcher(line).find()).as(line).isFalse();
    }
  }

  private static List<Path> publicFiles() throws IOException, URISyntaxException {
    Path root = Path.of(WebUiFilesTest.class.getResource("/public").toURI());
    try (Stream<Path> paths = Files.walk(root)) {
      return paths
          .filter(Files::isRegularFile)
          .filter(p -> p.toString().matches(".*\\.(html|js|css)$"))
          .sorted()
          .toList();
    }
  }
}
