package dev.sessionlimits.spring.load;

import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every load test class shares: its {@value LoadChecks#BROWSERS} simulated browsers, made with
 * the class, and the figures it recorded, written to {@value Figures#REPORT} after its last test
 * ({@code @RegisterExtension static final LoadRun run = new LoadRun();}).
 */
final class LoadRun implements AfterAllCallback {

  final Browsers browsers = new Browsers(LoadChecks.BROWSERS);

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    Figures.write();
  }
}
