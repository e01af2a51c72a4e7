package dev.sessionlimits.identity.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OidcConfigTest {

  private static Map<String, String> complete() {
    Map<String, String> env = new HashMap<>();
    env.put("SESSIONLIMITS_OIDC_ISSUER", "https://id.example.com/realms/staff");
    env.put("SESSIONLIMITS_OIDC_CLIENT_ID", "sessionlimits");
    env.put("SESSIONLIMITS_OIDC_CLIENT_SECRET", "s3cret-value");
    env.put("SESSIONLIMITS_PUBLIC_URL", "https://limits.example.com");
    return env;
  }

  private static Map<String, String> with(String name, String value) {
    Map<String, String> env = complete();
    env.put(name, value);
    return env;
  }

  private static Map<String, String> without(String name) {
    Map<String, String> env = complete();
    env.remove(name);
    return env;
  }

  @Test
  void withoutAnyOidcVariableSignInWithOidcIsOff() {
    assertThat(OidcConfig.fromEnvironment(Map.of())).isEmpty();
    assertThat(
            OidcConfig.fromEnvironment(
                Map.of("SESSIONLIMITS_PUBLIC_URL", "https://x.example", "OTHER", "1")))
        .isEmpty();
    assertThat(OidcConfig.fromEnvironment(Map.of("SESSIONLIMITS_OIDC_ISSUER", " "))).isEmpty();
  }

  @Test
  void theFourRequiredVariablesMakeAConfigurationWithDefaultsForTheRest() {
    OidcConfig config = OidcConfig.fromEnvironment(complete()).orElseThrow();

    assertThat(config.issuer()).isEqualTo(URI.create("https://id.example.com/realms/staff"));
    assertThat(config.clientId()).isEqualTo("sessionlimits");
    assertThat(config.clientSecret()).isEqualTo("s3cret-value");
    assertThat(config.publicUrl()).isEqualTo(URI.create("https://limits.example.com"));
    assertThat(config.usernameClaim()).isEqualTo("preferred_username");
    assertThat(config.groupsClaim()).isEqualTo("groups");
    assertThat(config.adminGroup()).isEmpty();
    assertThat(config.displayName()).isEqualTo(OidcConfig.DEFAULT_NAME);
  }

  @Test
  void theRedirectAndBackChannelUrisHangBelowThePublicUrlWithoutADoubleSlash() {
    OidcConfig config =
        OidcConfig.fromEnvironment(
                with("SESSIONLIMITS_PUBLIC_URL", "https://limits.example.com/sl/"))
            .orElseThrow();

    assertThat(config.publicUrl()).isEqualTo(URI.create("https://limits.example.com/sl"));
    assertThat(config.redirectUri())
        .isEqualTo(URI.create("https://limits.example.com/sl/api/v1/login/oidc/callback"));
    assertThat(config.backchannelLogoutUri())
        .isEqualTo(
            URI.create("https://limits.example.com/sl/api/v1/login/oidc/backchannel-logout"));
  }

  @Test
  void theOptionalVariablesSetClaimsAdminGroupAndButtonLabel() {
    Map<String, String> env = complete();
    env.put("SESSIONLIMITS_OIDC_USERNAME_CLAIM", "email");
    env.put("SESSIONLIMITS_OIDC_GROUPS_CLAIM", "roles");
    env.put("SESSIONLIMITS_OIDC_ADMIN_GROUP", "limits-admins");
    env.put("SESSIONLIMITS_OIDC_NAME", "Company login");

    OidcConfig config = OidcConfig.fromEnvironment(env).orElseThrow();

    assertThat(config.usernameClaim()).isEqualTo("email");
    assertThat(config.groupsClaim()).isEqualTo("roles");
    assertThat(config.adminGroup()).isEqualTo(Optional.of("limits-admins"));
    assertThat(config.displayName()).isEqualTo("Company login");
  }

  @Test
  void eachMissingRequiredVariableIsNamedInOneMessage() {
    assertThatThrownBy(
            () -> OidcConfig.fromEnvironment(Map.of("SESSIONLIMITS_OIDC_ADMIN_GROUP", "admins")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SESSIONLIMITS_OIDC_ISSUER is required")
        .hasMessageContaining("SESSIONLIMITS_OIDC_CLIENT_ID is required")
        .hasMessageContaining("SESSIONLIMITS_OIDC_CLIENT_SECRET is required")
        .hasMessageContaining("SESSIONLIMITS_PUBLIC_URL is required");
    for (String name :
        new String[] {
          "SESSIONLIMITS_OIDC_ISSUER",
          "SESSIONLIMITS_OIDC_CLIENT_ID",
          "SESSIONLIMITS_OIDC_CLIENT_SECRET",
          "SESSIONLIMITS_PUBLIC_URL"
        }) {
      assertThatThrownBy(() -> OidcConfig.fromEnvironment(without(name)))
          .hasMessageStartingWith(name + " is required");
    }
  }

  @Test
  void theIssuerMustBeAnAbsoluteHttpUrlWithoutQuery() {
    for (String bad :
        new String[] {
          "id.example.com", "ftp://id.example.com", "https://id.example.com/?realm=x",
          "https://id.example.com/#x", "https://user:pw@id.example.com", "https://exa mple.com"
        }) {
      assertThatThrownBy(() -> OidcConfig.fromEnvironment(with("SESSIONLIMITS_OIDC_ISSUER", bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("SESSIONLIMITS_OIDC_ISSUER \"" + bad + "\"");
    }
    assertThatThrownBy(
            () -> OidcConfig.fromEnvironment(with("SESSIONLIMITS_OIDC_ISSUER", "id.example.com")))
        .hasMessageContaining("must be an absolute http or https URL");
  }

  @Test
  void thePublicUrlMustBeAnAbsoluteHttpUrlWithoutQuery() {
    assertThatThrownBy(
            () -> OidcConfig.fromEnvironment(with("SESSIONLIMITS_PUBLIC_URL", "/relative")))
        .hasMessageContaining("SESSIONLIMITS_PUBLIC_URL \"/relative\" must be an absolute http");
    assertThatThrownBy(
            () ->
                OidcConfig.fromEnvironment(
                    with("SESSIONLIMITS_PUBLIC_URL", "https://limits.example.com/?x=1")))
        .hasMessageContaining("must have no query");
    assertThat(
            OidcConfig.fromEnvironment(with("SESSIONLIMITS_PUBLIC_URL", "http://127.0.0.1:8080"))
                .orElseThrow()
                .redirectUri())
        .isEqualTo(URI.create("http://127.0.0.1:8080/api/v1/login/oidc/callback"));
  }

  @Test
  void claimNamesGroupAndLabelRefuseControlCharactersAndTheLabelIsShort() {
    assertThatThrownBy(
            () -> OidcConfig.fromEnvironment(with("SESSIONLIMITS_OIDC_USERNAME_CLAIM", "a\u0001b")))
        .hasMessageContaining("SESSIONLIMITS_OIDC_USERNAME_CLAIM")
        .hasMessageContaining("no control characters");
    assertThatThrownBy(
            () -> OidcConfig.fromEnvironment(with("SESSIONLIMITS_OIDC_GROUPS_CLAIM", "g\tx")))
        .hasMessageContaining("SESSIONLIMITS_OIDC_GROUPS_CLAIM");
    assertThatThrownBy(
            () -> OidcConfig.fromEnvironment(with("SESSIONLIMITS_OIDC_ADMIN_GROUP", "adm\nins")))
        .hasMessageContaining("SESSIONLIMITS_OIDC_ADMIN_GROUP");
    assertThatThrownBy(
            () -> OidcConfig.fromEnvironment(with("SESSIONLIMITS_OIDC_NAME", "x".repeat(65))))
        .hasMessageContaining("SESSIONLIMITS_OIDC_NAME")
        .hasMessageContaining("at most 64 characters");
  }

  @Test
  void theClientSecretIsNeverShown() {
    OidcConfig config = OidcConfig.fromEnvironment(complete()).orElseThrow();

    assertThat(config.toString()).doesNotContain("s3cret-value").contains("(redacted)");
    assertThatThrownBy(
            () ->
                OidcConfig.fromEnvironment(
                    with("SESSIONLIMITS_OIDC_CLIENT_SECRET", "s3cret\u0007value")))
        .hasMessageContaining("SESSIONLIMITS_OIDC_CLIENT_SECRET \"(redacted)\"")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
  }

  @Test
  void theRecordChecksWhatItIsGivenDirectly() {
    OidcConfig config = OidcConfig.fromEnvironment(complete()).orElseThrow();

    assertThatThrownBy(
            () ->
                new OidcConfig(
                    config.issuer(),
                    config.clientId(),
                    config.clientSecret(),
                    URI.create("https://limits.example.com/"),
                    config.usernameClaim(),
                    config.groupsClaim(),
                    config.adminGroup(),
                    config.displayName()))
        .hasMessageContaining("publicUrl must not end with '/'");
    assertThatThrownBy(
            () ->
                new OidcConfig(
                    URI.create("urn:x"),
                    config.clientId(),
                    config.clientSecret(),
                    config.publicUrl(),
                    config.usernameClaim(),
                    config.groupsClaim(),
                    config.adminGroup(),
                    config.displayName()))
        .hasMessageContaining("issuer \"urn:x\"");
  }
}
