package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import dev.sessionlimits.identity.oidc.KeycloakAdmin;
import dev.sessionlimits.identity.oidc.KeycloakServer;
import dev.sessionlimits.identity.oidc.OidcConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

/**
 * The sign-in page's "Sign in with <name>" button in headless Chromium, through a real Keycloak's
 * login form to the account page; and the reason a provider sign-in was refused, shown on the page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcSignInUiTest {

  private static final String PASSWORD = "kc-ui-password-1";
  private static final Duration PROVIDER_PATIENCE = Duration.ofSeconds(30);

  private TestServer t;
  private String base;
  private Chromium browser;
  private KeycloakAdmin admin;

  @BeforeAll
  void start() throws IOException {
    if (!Chromium.installedOrSkipping()) {
      return;
    }
    KeycloakServer keycloak = KeycloakServer.shared();
    admin = keycloak.admin();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    URI publicUrl = URI.create("http://127.0.0.1:" + port);
    OidcConfig config = keycloak.config(publicUrl, Map.of("SESSIONLIMITS_OIDC_NAME", "Keycloak"));
    admin.configureClient(publicUrl, config.backchannelLogoutUri());
    t =
        TestServer.startAt(
            Instant.now().truncatedTo(ChronoUnit.SECONDS),
            Map.of("SESSIONLIMITS_PORT", Integer.toString(port)),
            b -> b.oidc(Optional.of(config)));
    base = publicUrl.toString();
    browser = Chromium.launch();
  }

  @AfterAll
  void stop() {
    Chromium.closeAll(browser, t);
  }

  @BeforeEach
  void freshBrowser() {
    assumeTrue(browser != null, Chromium::missing);
    browser.reset(base);
  }

  @Test
  void theProvidersButtonSignsInThroughItsLoginFormToTheAccountPage() {
    String user = "oidc-ui-" + Long.toString(System.nanoTime(), 36);
    admin.createUser(user, PASSWORD, List.of("staff"));
    browser.open(base + "/");
    browser.await(visibilityOfElementLocated(By.id("oidc-button")));
    assertThat(browser.find("#oidc-button").getText()).isEqualTo("Sign in with Keycloak");

    browser.find("#oidc-button").click();
    browser.await(PROVIDER_PATIENCE, visibilityOfElementLocated(By.id("kc-login")));
    browser.find("#username").sendKeys(user);
    browser.find("#password").sendKeys(PASSWORD);
    browser.find("#kc-login").click();

    browser.await(PROVIDER_PATIENCE, urlContains(base + "/account.html"));
    assertThat(t.stores.sessions().liveSessionsOfUser(user, Instant.now()))
        .singleElement()
        .satisfies(s -> assertThat(s.authMethod()).isEqualTo("oidc"));
  }

  @Test
  void aRefusedProviderSignInIsExplainedOnTheSignInPage() {
    browser.open(base + "/index.html?oidc_error=session_limit_reached&next=%2Faccount.html");

    browser.await(visibilityOfElementLocated(By.id("login-error")));
    assertThat(browser.find("#login-error").getText())
        .contains("Signing in with your identity provider failed.")
        .contains("as many sessions as your limit allows");
  }
}
