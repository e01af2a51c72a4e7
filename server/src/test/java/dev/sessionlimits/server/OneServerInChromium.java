package dev.sessionlimits.server;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A browser test class's set-up: one server of its own, started at the present second, and one
 * headless Chromium, both made before the class's first test and closed after its last. Without
 * Chromium the fields stay null and each test skips (under {@code CI=true} it fails: {@link
 * Chromium#installedOrSkipping}). A subclass's own {@code @BeforeAll} runs after this one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OneServerInChromium {

  /** The server, or null without Chromium. */
  TestServer t;

  /** The server's address, without a trailing slash. */
  String base;

  /** The browser, or null without Chromium. */
  Chromium browser;

  @BeforeAll
  final void startServerAndBrowser() {
    if (!Chromium.installedOrSkipping()) {
      return;
    }
    t = TestServer.startAt(Instant.now().truncatedTo(ChronoUnit.SECONDS), Map.of(), b -> {});
    base = t.base.toString();
    browser = Chromium.launch();
  }

  @AfterAll
  final void stopServerAndBrowser() {
    Chromium.closeAll(browser, t);
  }
}
