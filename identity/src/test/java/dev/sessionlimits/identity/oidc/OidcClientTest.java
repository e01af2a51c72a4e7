package dev.sessionlimits.identity.oidc;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import dev.sessionlimits.identity.oidc.LogoutAnswer.LogoutNotice;
import dev.sessionlimits.identity.oidc.OidcAnswer.Refused;
import dev.sessionlimits.identity.oidc.OidcAnswer.SignedIn;
import dev.sessionlimits.identity.oidc.StartAnswer.OidcStart;
import java.net.ServerSocket;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The code flow, logout tokens and end-session URIs against a real Keycloak. */
class OidcClientTest {

  private static KeycloakServer keycloak;
  private static BackChannelReceiver receiver;
  private static OidcConfig config;
  private static OidcClient client;

  @BeforeAll
  static void pointTheRealmAtThisTest() throws Exception {
    keycloak = KeycloakServer.shared();
    receiver = BackChannelReceiver.start();
    config = keycloak.config(receiver.publicUrl(), Map.of(OidcConfig.ADMIN_GROUP, "admins"));
    keycloak.admin().configureClient(config.publicUrl(), config.backchannelLogoutUri());
    client = new OidcClient(config, InstantSource.system());
  }

  @AfterAll
  static void stopReceiving() {
    if (receiver != null) {
      receiver.close();
    }
  }

  /** A sign-in taken to the callback: what the browser kept and what the provider sent back. */
  private record Callback(PendingLogin pending, Map<String, String> query, URI authorization) {}

  private static Callback signIn(SimulatedBrowser browser, String username, String password) {
    OidcStart start = (OidcStart) client.start("/dashboard");
    URI callback = browser.signIn(start.redirectTo(), username, password, config.redirectUri());
    return new Callback(start.pending(), SimulatedBrowser.query(callback), start.redirectTo());
  }

  private static SignedIn signedIn(OidcAnswer answer) {
    assertThat(answer).isInstanceOf(SignedIn.class);
    return (SignedIn) answer;
  }

  private static void assertRefused(OidcAnswer answer, String code) {
    assertThat(answer).isInstanceOf(Refused.class);
    assertThat(((Refused) answer).code()).isEqualTo(code);
  }

  @Test
  void theCodeFlowWithPkceSignsAnAdminInWithGroupsFromTheIdToken() throws Exception {
    Callback callback = signIn(new SimulatedBrowser(), "alice", "alice-password");
    Map<String, String> request = SimulatedBrowser.query(callback.authorization());
    byte[] challenge =
        MessageDigest.getInstance("SHA-256")
            .digest(callback.pending().codeVerifier().getBytes(US_ASCII));

    assertThat(callback.authorization().toString())
        .startsWith(keycloak.issuer() + "/protocol/openid-connect/auth?");
    assertThat(request)
        .containsEntry("response_type", "code")
        .containsEntry("client_id", KeycloakServer.CLIENT_ID)
        .containsEntry("redirect_uri", config.redirectUri().toString())
        .containsEntry("state", callback.pending().state())
        .containsEntry("nonce", callback.pending().nonce())
        .containsEntry("code_challenge_method", "S256")
        .containsEntry("code_challenge", Base64URL.encode(challenge).toString())
        .doesNotContainKey("code_verifier");
    assertThat(request.get("scope")).contains("openid");
    assertThat(callback.pending().returnTo()).isEqualTo("/dashboard");

    SignedIn alice = signedIn(client.finish(callback.query(), callback.pending(), Instant.now()));

    assertThat(alice.issuer()).isEqualTo(keycloak.issuer().toString());
    assertThat(alice.subject()).isEqualTo(keycloak.admin().userId("alice"));
    assertThat(alice.username()).isEqualTo("alice");
    assertThat(alice.groups()).containsExactlyInAnyOrder("admins", "staff");
    assertThat(alice.admin()).isTrue();
    assertThat(alice.sid()).isPresent();
    assertThat(JWTParser.parse(alice.idTokenHint()).getJWTClaimsSet().getAudience())
        .contains(KeycloakServer.CLIENT_ID);
    assertThat(alice.toString()).doesNotContain(alice.idTokenHint());
  }

  @Test
  void aStaffMemberIsSignedInButIsNotAnAdmin() {
    Callback callback = signIn(new SimulatedBrowser(), "bob", "bob-password");

    SignedIn bob = signedIn(client.finish(callback.query(), callback.pending(), Instant.now()));

    assertThat(bob.username()).isEqualTo("bob");
    assertThat(bob.groups()).containsExactly("staff");
    assertThat(bob.admin()).isFalse();
  }

  @Test
  void theUsernameAndGroupsComeFromTheConfiguredClaims() {
    OidcClient byEmail =
        new OidcClient(
            keycloak.config(
                config.publicUrl(),
                Map.of(
                    OidcConfig.USERNAME_CLAIM, "email",
                    OidcConfig.GROUPS_CLAIM, "no-such-claim",
                    OidcConfig.ADMIN_GROUP, "admins")),
            InstantSource.system());
    OidcStart start = (OidcStart) byEmail.start("/");
    URI callback =
        new SimulatedBrowser()
            .signIn(start.redirectTo(), "alice", "alice-password", config.redirectUri());

    SignedIn alice =
        signedIn(byEmail.finish(SimulatedBrowser.query(callback), start.pending(), Instant.now()));

    assertThat(alice.username()).isEqualTo("alice@example.com");
    assertThat(alice.groups()).isEmpty();
    assertThat(alice.admin()).isFalse();
  }

  @Test
  void anIdTokenWithoutTheUsernameClaimIsRefused() {
    OidcClient byMissingClaim =
        new OidcClient(
            keycloak.config(config.publicUrl(), Map.of(OidcConfig.USERNAME_CLAIM, "employee_id")),
            InstantSource.system());
    OidcStart start = (OidcStart) byMissingClaim.start("/");
    URI callback =
        new SimulatedBrowser()
            .signIn(start.redirectTo(), "bob", "bob-password", config.redirectUri());

    OidcAnswer answer =
        byMissingClaim.finish(SimulatedBrowser.query(callback), start.pending(), Instant.now());

    assertRefused(answer, Refused.MISSING_USERNAME);
    assertThat(((Refused) answer).detail()).contains("employee_id");
  }

  @Test
  void aCallbackWithAnotherStateIsRefusedBeforeTheCodeIsUsed() {
    Callback callback = signIn(new SimulatedBrowser(), "bob", "bob-password");
    Map<String, String> tampered = new HashMap<>(callback.query());
    tampered.put("state", PendingLogin.start("/", Instant.now()).state());

    assertRefused(
        client.finish(tampered, callback.pending(), Instant.now()), Refused.STATE_MISMATCH);
    Map<String, String> stateless = new HashMap<>(callback.query());
    stateless.remove("state");
    assertRefused(
        client.finish(stateless, callback.pending(), Instant.now()), Refused.STATE_MISMATCH);
    // The code was not spent: the genuine callback still signs in.
    signedIn(client.finish(callback.query(), callback.pending(), Instant.now()));
  }

  @Test
  void anIdTokenForAnotherNonceIsRefused() {
    Callback callback = signIn(new SimulatedBrowser(), "bob", "bob-password");
    PendingLogin pending = callback.pending();
    PendingLogin otherNonce =
        new PendingLogin(
            pending.state(),
            PendingLogin.start("/", Instant.now()).nonce(),
            pending.codeVerifier(),
            pending.returnTo(),
            pending.createdAt());

    assertRefused(
        client.finish(callback.query(), otherNonce, Instant.now()), Refused.NONCE_MISMATCH);
  }

  @Test
  void aCodeRedeemedWithAnotherVerifierIsRefusedByTheProvider() {
    Callback callback = signIn(new SimulatedBrowser(), "bob", "bob-password");
    PendingLogin pending = callback.pending();
    PendingLogin otherVerifier =
        new PendingLogin(
            pending.state(),
            pending.nonce(),
            PendingLogin.start("/", Instant.now()).codeVerifier(),
            pending.returnTo(),
            pending.createdAt());

    OidcAnswer answer = client.finish(callback.query(), otherVerifier, Instant.now());

    assertRefused(answer, Refused.TOKEN_REFUSED);
    assertThat(((Refused) answer).detail()).startsWith("invalid_grant");
  }

  @Test
  void aCodeCannotBeRedeemedTwice() {
    Callback callback = signIn(new SimulatedBrowser(), "bob", "bob-password");

    signedIn(client.finish(callback.query(), callback.pending(), Instant.now()));

    assertRefused(
        client.finish(callback.query(), callback.pending(), Instant.now()), Refused.TOKEN_REFUSED);
  }

  @Test
  void anErrorFromTheProviderIsRefusedWithItsCode() {
    OidcStart start = (OidcStart) client.start("/");
    // prompt=none without a provider session: Keycloak sends the browser back with an error.
    URI silent = URI.create(start.redirectTo() + "&prompt=none");
    URI callback = new SimulatedBrowser().follow(silent, config.redirectUri());

    OidcAnswer answer =
        client.finish(SimulatedBrowser.query(callback), start.pending(), Instant.now());

    assertRefused(answer, Refused.PROVIDER_ERROR);
    assertThat(((Refused) answer).detail()).startsWith("login_required");
  }

  @Test
  void accessDeniedIsRefusedAndCallbacksWithoutCodeToo() {
    PendingLogin pending = ((OidcStart) client.start("/")).pending();
    Map<String, String> denied =
        Map.of(
            "error",
            "access_denied",
            "error_description",
            "User said no",
            "state",
            pending.state());

    OidcAnswer answer = client.finish(denied, pending, Instant.now());

    assertRefused(answer, Refused.PROVIDER_ERROR);
    assertThat(((Refused) answer).detail()).isEqualTo("access_denied: User said no");
    assertRefused(
        client.finish(Map.of("state", pending.state()), pending, Instant.now()),
        Refused.MISSING_CODE);
  }

  @Test
  void aPendingLoginOlderThanTenMinutesIsRefused() {
    Callback callback = signIn(new SimulatedBrowser(), "bob", "bob-password");
    Instant late = callback.pending().createdAt().plus(PendingLogin.LIFETIME);

    assertRefused(client.finish(callback.query(), callback.pending(), late), Refused.EXPIRED);
  }

  @Test
  void anUnreachableProviderIsUnavailableNotRefused() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Map<String, String> env = new HashMap<>();
    env.put(OidcConfig.ISSUER, "http://127.0.0.1:" + closedPort + "/realms/gone");
    env.put(OidcConfig.CLIENT_ID, "sessionlimits");
    env.put(OidcConfig.CLIENT_SECRET, "secret");
    env.put(OidcConfig.PUBLIC_URL, config.publicUrl().toString());
    OidcClient gone =
        new OidcClient(OidcConfig.fromEnvironment(env).orElseThrow(), InstantSource.system());
    PendingLogin pending = PendingLogin.start("/", Instant.now());
    Callback real = signIn(new SimulatedBrowser(), "bob", "bob-password");
    SignedIn bob = signedIn(client.finish(real.query(), real.pending(), Instant.now()));

    assertThat(gone.start("/")).isInstanceOf(Unavailable.class);
    assertThat(gone.finish(Map.of("state", pending.state(), "code", "c"), pending, Instant.now()))
        .isInstanceOf(Unavailable.class);
    assertThat(gone.validateLogoutToken(bob.idTokenHint())).isInstanceOf(Unavailable.class);
    assertThat(gone.validateLogoutToken("not a jwt")).isInstanceOf(LogoutAnswer.Invalid.class);
    assertThat(gone.endSessionUri(bob.idTokenHint(), config.publicUrl())).isEmpty();
  }

  @Test
  void aLogoutByTheProviderPostsALogoutTokenThatIsValidated() throws Exception {
    String username = "logout-" + UUID.randomUUID().toString().substring(0, 8);
    KeycloakAdmin admin = keycloak.admin();
    admin.createUser(username, "carol-password-1", List.of("staff"));
    try {
      Callback callback = signIn(new SimulatedBrowser(), username, "carol-password-1");
      SignedIn carol = signedIn(client.finish(callback.query(), callback.pending(), Instant.now()));

      admin.logoutUser(username);
      String token = receiver.awaitTokenWithSid(carol.sid().orElseThrow());

      JWTClaimsSet sent = JWTParser.parse(token).getJWTClaimsSet();
      assertThat(sent.getJWTID()).isNotBlank();
      assertThat(client.validateLogoutToken(token))
          .isEqualTo(
              new LogoutNotice(
                  keycloak.issuer().toString(),
                  Optional.of(carol.subject()),
                  carol.sid(),
                  sent.getJWTID(),
                  sent.getExpirationTime().toInstant().plusSeconds(60)));
      assertThat(admin.sessionIds(username)).isEmpty();
    } finally {
      admin.deleteUser(username);
    }
  }

  @Test
  void aLogoutTokenSignedWithAnotherKeyOrAnIdTokenIsInvalid() throws Exception {
    Callback callback = signIn(new SimulatedBrowser(), "bob", "bob-password");
    SignedIn bob = signedIn(client.finish(callback.query(), callback.pending(), Instant.now()));
    String forged =
        ForgedTokens.logoutToken(
            keycloak.issuer().toString(), KeycloakServer.CLIENT_ID, bob, Instant.now());

    assertThat(client.validateLogoutToken(forged)).isInstanceOf(LogoutAnswer.Invalid.class);
    assertThat(client.validateLogoutToken(bob.idTokenHint()))
        .isInstanceOf(LogoutAnswer.Invalid.class);
    assertThat(client.validateLogoutToken("")).isInstanceOf(LogoutAnswer.Invalid.class);
  }

  @Test
  void theEndSessionUriLogsOutAtTheProviderAndComesBack() {
    SimulatedBrowser browser = new SimulatedBrowser();
    Callback callback = signIn(browser, "bob", "bob-password");
    SignedIn bob = signedIn(client.finish(callback.query(), callback.pending(), Instant.now()));
    URI signedOut = URI.create(config.publicUrl() + "/signed-out");

    URI endSession = client.endSessionUri(bob.idTokenHint(), signedOut).orElseThrow();

    assertThat(endSession.toString())
        .startsWith(keycloak.issuer() + "/protocol/openid-connect/logout?");
    assertThat(SimulatedBrowser.query(endSession))
        .containsEntry("id_token_hint", bob.idTokenHint())
        .containsEntry("post_logout_redirect_uri", signedOut.toString())
        .containsEntry("client_id", KeycloakServer.CLIENT_ID);
    assertThat(browser.follow(endSession, signedOut)).isEqualTo(signedOut);
    // The provider's session is gone: the next sign-in shows the login form again.
    OidcStart again = (OidcStart) client.start("/");
    URI silent = URI.create(again.redirectTo() + "&prompt=none");
    assertThat(SimulatedBrowser.query(browser.follow(silent, config.redirectUri())))
        .containsEntry("error", "login_required");
  }
}
