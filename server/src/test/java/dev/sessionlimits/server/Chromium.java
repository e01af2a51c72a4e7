package dev.sessionlimits.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One real headless Chromium (the Debian {@code chromium} and {@code chromium-driver} packages)
 * with its own fresh profile, so two of them are two cookie jars. Selenium Manager is never used:
 * the driver and browser paths are given, so nothing is downloaded.
 */
public final class Chromium implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  /**
   * Where screenshots go: {@code server/target/screenshots}, or {@code docs/screenshots} when the
   * build runs with {@code -Dsessionlimits.screenshots=docs} (how the pictures in docs/ are
   * renewed), so that an ordinary build leaves the working tree clean.
   */
  static final Path SCREENSHOTS =
      "docs".equals(System.getProperty("sessionlimits.screenshots"))
          ? repositoryRoot().resolve("docs/screenshots")
          : repositoryRoot().resolve("server/target/screenshots");

  /** Selenium warns that it has no DevTools bindings for this Chromium; nothing here uses them. */
  private static final Logger DEVTOOLS_LOG = Logger.getLogger("org.openqa.selenium.devtools");

  static {
    DEVTOOLS_LOG.setLevel(Level.SEVERE);
  }

  final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;

  private Chromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
    this.service = service;
    this.driver = driver;
    this.profile = profile;
  }

  /**
   * Whether Chromium and chromedriver are installed. When they are not, this fails the calling test
   * when {@code CI=true} (where they must be present), and otherwise prints how to install them and
   * answers false, so that the browser tests can be skipped on a laptop.
   */
  static boolean installedOrSkipping() {
    String missing = missing();
    if (missing == null) {
      return true;
    }
    if ("true".equals(String.valueOf(System.getenv("CI")).trim().toLowerCase(Locale.ROOT))) {
      fail(missing + "; CI=true, so this is a failure rather than a skip.");
    }
    System.err.println("[WARNING] " + missing + "; skipping the browser tests.");
    return false;
  }

  /** Why the browser tests cannot run here, or null when they can. */
  static String missing() {
    List<String> absent =
        Stream.of(BINARY, DRIVER).filter(p -> !Files.isExecutable(p)).map(Path::toString).toList();
    return absent.isEmpty()
        ? null
        : "Browser tests need "
            + BINARY
            + " and "
            + DRIVER
            + " (Debian: apt-get install chromium chromium-driver), and "
            + String.join(" and ", absent)
            + (absent.size() == 1 ? " is" : " are")
            + " missing";
  }

  static Chromium launch() {
    return launchWith(null);
  }

  /**
   * A Chromium whose person reads {@code language}: its UI language ({@code --lang}) and the
   * languages it asks for ({@code navigator.languages}, {@code Accept-Language}), e.g. {@code
   * de-DE,de} for {@link Locale#GERMANY}.
   */
  static Chromium launch(Locale language) {
    return launchWith(language);
  }

  private static Chromium launchWith(Locale language) {
    Path profile;
    try {
      profile = Files.createTempDirectory("sessionlimits-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.ACCEPT);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--disable-extensions",
        "--disable-default-apps",
        "--window-size=1280,800",
        "--force-device-scale-factor=1",
        "--user-data-dir=" + profile);
    if (language != null) {
      String tag = language.toLanguageTag();
      options.addArguments("--lang=" + tag);
      String languages = language.getCountry().isEmpty() ? tag : tag + "," + language.getLanguage();
      options.setExperimentalOption("prefs", Map.of("intl.accept_languages", languages));
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .withLogOutput(OutputStream.nullOutputStream())
            .build();
    ChromeDriver driver;
    try {
      driver = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      service.stop();
      delete(profile);
      throw e;
    }
    Chromium chromium = new Chromium(service, driver, profile);
    try {
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
      chromium.viewport(1280, 800);
      return chromium;
    } catch (RuntimeException e) {
      chromium.close();
      throw e;
    }
  }

  /**
   * Sizes the window so that the page itself (and so every screenshot) is {@code width x height}:
   * 390 x 844 is a phone.
   */
  void viewport(int width, int height) {
    @SuppressWarnings("unchecked")
    List<Number> inner = (List<Number>) script("return [window.innerWidth, window.innerHeight];");
    Dimension outer = driver.manage().window().getSize();
    driver
        .manage()
        .window()
        .setSize(
            new Dimension(
                width + outer.getWidth() - inner.get(0).intValue(),
                height + outer.getHeight() - inner.get(1).intValue()));
  }

  /**
   * Makes the page's clock read in the time zone {@code zone} (an IANA name; DevTools' emulation).
   */
  void emulateTimeZone(String zone) {
    driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", zone));
  }

  /**
   * Makes the page see {@code prefers-color-scheme: light} or {@code dark} (DevTools' emulation).
   */
  void emulateColourScheme(String scheme) {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  void open(String url) {
    driver.get(url);
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** Waits up to {@code timeout} for {@code condition}, polling every 50 ms. */
  <T> T await(Duration timeout, ExpectedCondition<T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(50)).until(condition);
  }

  <T> T await(ExpectedCondition<T> condition) {
    return await(Duration.ofSeconds(10), condition);
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /** Forgets cookies and storage, as a fresh browser would have none. */
  void reset(String baseUrl) {
    driver.get(baseUrl + "/favicon.svg");
    driver.manage().deleteAllCookies();
    script("try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}");
  }

  /** Saves the visible page as {@code <name>.png} in {@link #SCREENSHOTS}. */
  void screenshot(String name) {
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What the browser's console said since the last call about the Content Security Policy or
   * anything else it refused to load or run: a page of this UI must cause none.
   */
  List<String> policyViolations() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::getMessage)
        .filter(m -> m.contains("Content Security Policy") || m.contains("Refused to"))
        .toList();
  }

  /** Closes each of {@code things} that is there, the others even when one fails. */
  static void closeAll(AutoCloseable... things) {
    for (AutoCloseable thing : things) {
      try {
        if (thing != null) {
          thing.close();
        }
      } catch (Exception e) {
        // close the rest
      }
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      delete(profile);
    }
  }

  /** The folder of the repository's checkout (the one holding {@code server/pom.xml}). */
  public static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    for (Path dir = here; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("server/pom.xml"))) {
        return dir;
      }
    }
    return here;
  }

  static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary profile left behind is harmless
    }
  }
}
