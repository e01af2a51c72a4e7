package dev.sessionlimits.identity.oidc;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCScopeValue;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.LogoutTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.SessionID;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import com.nimbusds.openid.connect.sdk.validators.LogoutTokenValidator;
import dev.sessionlimits.identity.oidc.OidcAnswer.Refused;
import dev.sessionlimits.identity.oidc.OidcAnswer.SignedIn;
import dev.sessionlimits.identity.oidc.StartAnswer.OidcStart;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Signs users in with the configured OpenID Connect provider: the authorization code flow with PKCE
 * (S256), the client authenticated with HTTP Basic, the ID token checked for issuer, audience,
 * expiry, nonce and signature. Also checks back-channel logout tokens and builds RP-initiated
 * logout URIs.
 *
 * <p>The provider's discovery document is fetched at first use, not at construction, so the server
 * starts while the provider is down; it is kept once fetched, and fetched again at the next call
 * after a failure. Its keys are fetched from {@code jwks_uri} as tokens need them (cached, fetched
 * again for an unknown key id). Every request to the provider gives up after {@link #TIMEOUT}.
 * Token expiry is checked against the system clock (Nimbus's validators read it), with one minute's
 * skew allowed. Thread-safe.
 */
public final class OidcClient {

  /** How long any request to the provider may take to connect, and again to answer. */
  public static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** The signature families accepted: public keys only, never "none" or a shared secret. */
  private static final Set<JWSAlgorithm.Family> ASYMMETRIC =
      Set.of(JWSAlgorithm.Family.RSA, JWSAlgorithm.Family.EC, JWSAlgorithm.Family.ED);

  private static final int JWKS_SIZE_LIMIT = 512 * 1024;

  private final OidcConfig config;
  private final InstantSource clock;
  private final ClientID clientId;
  private final AtomicReference<Provider> provider = new AtomicReference<>();

  /** What discovery found, and the validators built on it. */
  private record Provider(
      OIDCProviderMetadata metadata, IDTokenValidator idTokens, LogoutTokenValidator logouts) {}

  /** The provider could not be asked; the message says why. */
  private static final class ProviderDown extends Exception {
    ProviderDown(String message) {
      super(message);
    }
  }

  /** A client of the provider {@code config} names; nothing is fetched until first use. */
  public OidcClient(OidcConfig config, InstantSource clock) {
    this.config = requireNonNull(config, "config");
    this.clock = requireNonNull(clock, "clock");
    this.clientId = new ClientID(config.clientId());
  }

  /**
   * Starts a sign-in: a fresh state, nonce and PKCE verifier, and the authorization request that
   * carries them (scope {@code openid profile}, the S256 code challenge).
   *
   * @param returnTo where to send the browser once signed in, already checked by the caller; at
   *     most {@link PendingLogin#MAX_RETURN_TO_LENGTH} characters
   */
  public StartAnswer start(String returnTo) {
    Provider known;
    try {
      known = provider();
    } catch (ProviderDown e) {
      return new Unavailable(e.getMessage());
    }
    PendingLogin pending = PendingLogin.start(returnTo, clock.instant());
    AuthenticationRequest request =
        new AuthenticationRequest.Builder(
                ResponseType.CODE,
                new Scope(OIDCScopeValue.OPENID, OIDCScopeValue.PROFILE),
                clientId,
                config.redirectUri())
            .endpointURI(known.metadata().getAuthorizationEndpointURI())
            .state(new State(pending.state()))
            .nonce(new Nonce(pending.nonce()))
            .codeChallenge(new CodeVerifier(pending.codeVerifier()), CodeChallengeMethod.S256)
            .build();
    return new OidcStart(request.toURI(), pending);
  }

  /**
   * Finishes a sign-in from the callback's query parameters: checks them against {@code pending},
   * exchanges the code (with the PKCE verifier) for tokens and validates the ID token.
   *
   * @param callbackQuery the callback's query parameters (the first value of each)
   * @param pending the pending login kept since {@link #start}
   * @param now the time the callback arrived, for the pending login's {@link PendingLogin#LIFETIME}
   */
  public OidcAnswer finish(Map<String, String> callbackQuery, PendingLogin pending, Instant now) {
    if (pending.expiredAt(now)) {
      return new Refused(
          Refused.EXPIRED,
          "the sign-in started at " + pending.createdAt() + ", over " + PendingLogin.LIFETIME);
    }
    if (!same(callbackQuery.get("state"), pending.state())) {
      return new Refused(
          Refused.STATE_MISMATCH, "the callback's state is not the one this browser sent");
    }
    String error = callbackQuery.get("error");
    if (error != null) {
      String description = callbackQuery.get("error_description");
      return new Refused(
          Refused.PROVIDER_ERROR, description == null ? error : error + ": " + description);
    }
    String code = callbackQuery.get("code");
    if (code == null || code.isBlank()) {
      return new Refused(Refused.MISSING_CODE, "the callback carries no code");
    }
    try {
      Provider known = provider();
      JWT idToken = exchange(known, code, pending);
      if (idToken == null) {
        return new Refused(Refused.INVALID_TOKEN, "the token response has no ID token");
      }
      return signedIn(known, idToken, pending);
    } catch (ProviderDown e) {
      return new Unavailable(e.getMessage());
    } catch (TokenRefusal e) {
      return e.refused;
    }
  }

  /**
   * Checks a back-channel logout token (OpenID Connect Back-Channel Logout 1.0, section 2.6):
   * signature, issuer, audience, {@code iat}/{@code exp}, {@code jti} (at most {@link
   * LogoutAnswer.LogoutNotice#MAX_JTI_LENGTH} characters), the logout event, no nonce. Whether the
   * token was received before is the caller's to check, with the notice's {@code jti}.
   */
  public LogoutAnswer validateLogoutToken(String jwt) {
    JWT token;
    try {
      token = JWTParser.parse(requireNonNull(jwt, "jwt"));
    } catch (java.text.ParseException e) {
      return new LogoutAnswer.Invalid("not a JWT: " + e.getMessage());
    }
    try {
      LogoutTokenValidator validator = provider().logouts();
      LogoutTokenClaimsSet claims = validator.validate(token);
      String jti = claims.getJWTID().getValue();
      if (jti.isEmpty() || jti.length() > LogoutAnswer.LogoutNotice.MAX_JTI_LENGTH) {
        return new LogoutAnswer.Invalid(
            "its jti has "
                + jti.length()
                + " characters, not 1 to "
                + LogoutAnswer.LogoutNotice.MAX_JTI_LENGTH);
      }
      // The validator requires exp; it accepts the token until exp plus its clock skew.
      Instant keptUntil =
          claims.getExpirationTime().toInstant().plusSeconds(validator.getMaxClockSkew());
      return new LogoutAnswer.LogoutNotice(
          claims.getIssuer().getValue(),
          Optional.ofNullable(claims.getSubject()).map(subject -> subject.getValue()),
          Optional.ofNullable(claims.getSessionID()).map(SessionID::getValue),
          jti,
          keptUntil);
    } catch (ProviderDown e) {
      return new Unavailable(e.getMessage());
    } catch (KeySourceException e) {
      return new Unavailable("the provider's keys could not be fetched: " + e.getMessage());
    } catch (BadJOSEException | JOSEException e) {
      return new LogoutAnswer.Invalid(e.getMessage());
    }
  }

  /**
   * Where to send the browser to end the provider's session too (RP-initiated logout), or empty
   * when the provider has no {@code end_session_endpoint} or cannot be asked now.
   *
   * @param idTokenHint the ID token received at sign-in ({@link SignedIn#idTokenHint()})
   * @param postLogoutRedirect where the provider sends the browser afterwards (registered there)
   */
  public Optional<URI> endSessionUri(String idTokenHint, URI postLogoutRedirect) {
    JWT hint;
    try {
      hint = JWTParser.parse(requireNonNull(idTokenHint, "idTokenHint"));
    } catch (java.text.ParseException e) {
      throw new IllegalArgumentException("idTokenHint is not a JWT: " + e.getMessage(), e);
    }
    try {
      URI endpoint = provider().metadata().getEndSessionEndpointURI();
      return Optional.ofNullable(endpoint)
          .map(
              uri ->
                  new LogoutRequest(uri, hint, null, clientId, postLogoutRedirect, null, null)
                      .toURI());
    } catch (ProviderDown e) {
      return Optional.empty();
    }
  }

  /** The ID token of a successful token response; throws for any other answer. */
  private JWT exchange(Provider known, String code, PendingLogin pending)
      throws ProviderDown, TokenRefusal {
    TokenRequest request =
        new TokenRequest.Builder(
                known.metadata().getTokenEndpointURI(),
                new ClientSecretBasic(clientId, new Secret(config.clientSecret())),
                new AuthorizationCodeGrant(
                    new AuthorizationCode(code),
                    config.redirectUri(),
                    new CodeVerifier(pending.codeVerifier())))
            .build();
    HTTPResponse response;
    try {
      response = timed(request.toHTTPRequest()).send();
    } catch (IOException e) {
      throw new ProviderDown("the token endpoint did not answer: " + e);
    }
    if (response.getStatusCode() >= 500) {
      throw new ProviderDown("the token endpoint answered HTTP " + response.getStatusCode());
    }
    TokenResponse parsed;
    try {
      parsed = OIDCTokenResponseParser.parse(response);
    } catch (ParseException e) {
      throw new ProviderDown("the token endpoint answered nonsense: " + e.getMessage());
    }
    if (!parsed.indicatesSuccess()) {
      ErrorObject error = parsed.toErrorResponse().getErrorObject();
      String detail =
          error.getDescription() == null
              ? error.getCode()
              : error.getCode() + ": " + error.getDescription();
      throw new TokenRefusal(new Refused(Refused.TOKEN_REFUSED, String.valueOf(detail)));
    }
    return ((OIDCTokenResponse) parsed).getOIDCTokens().getIDToken();
  }

  private OidcAnswer signedIn(Provider known, JWT idToken, PendingLogin pending)
      throws ProviderDown {
    IDTokenClaimsSet claims;
    try {
      // The nonce is compared below, to tell a nonce mismatch from other refusals.
      claims = known.idTokens().validate(idToken, null);
    } catch (KeySourceException e) {
      throw new ProviderDown("the provider's keys could not be fetched: " + e.getMessage());
    } catch (BadJOSEException | JOSEException e) {
      return new Refused(Refused.INVALID_TOKEN, e.getMessage());
    }
    if (claims.getNonce() == null || !same(claims.getNonce().getValue(), pending.nonce())) {
      return new Refused(
          Refused.NONCE_MISMATCH, "the ID token's nonce is not the one this browser sent");
    }
    Object username = claims.getClaim(config.usernameClaim());
    if (!(username instanceof String name) || name.isBlank()) {
      return new Refused(
          Refused.MISSING_USERNAME,
          "the ID token has no text claim \"" + config.usernameClaim() + "\"");
    }
    List<String> groups = groups(claims.getClaim(config.groupsClaim()));
    return new SignedIn(
        claims.getIssuer().getValue(),
        claims.getSubject().getValue(),
        name,
        groups,
        config.adminGroup().map(groups::contains).orElse(false),
        Optional.ofNullable(claims.getStringClaim("sid")),
        idToken.serialize());
  }

  /** A groups claim as a list of names: a JSON array of strings, or one string. */
  private static List<String> groups(Object claim) {
    if (claim instanceof String single) {
      return List.of(single);
    }
    if (claim instanceof List<?> many) {
      return many.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }

  /** The provider as discovered, fetching it first if it is not known yet. */
  private Provider provider() throws ProviderDown {
    Provider known = provider.get();
    if (known != null) {
      return known;
    }
    synchronized (provider) {
      known = provider.get();
      if (known == null) {
        known = discover();
        provider.set(known);
      }
      return known;
    }
  }

  private Provider discover() throws ProviderDown {
    Issuer issuer = new Issuer(config.issuer());
    OIDCProviderMetadata metadata;
    try {
      metadata = OIDCProviderMetadata.resolve(issuer, this::timed);
    } catch (IOException e) {
      throw new ProviderDown("the provider's discovery document did not answer: " + e);
    } catch (GeneralException e) {
      throw new ProviderDown("the provider's discovery document is unusable: " + e.getMessage());
    }
    if (metadata.getTokenEndpointURI() == null || metadata.getJWKSetURI() == null) {
      throw new ProviderDown("the provider's discovery document names no token_endpoint/jwks_uri");
    }
    JWKSource<SecurityContext> keys;
    try {
      int millis = (int) TIMEOUT.toMillis();
      keys =
          JWKSourceBuilder.<SecurityContext>create(
                  metadata.getJWKSetURI().toURL(),
                  new DefaultResourceRetriever(millis, millis, JWKS_SIZE_LIMIT))
              .build();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new ProviderDown("the provider's jwks_uri is unusable: " + e.getMessage());
    }
    var selector = new JWSVerificationKeySelector<>(algorithms(metadata), keys);
    return new Provider(
        metadata,
        new IDTokenValidator(issuer, clientId, selector, null),
        new LogoutTokenValidator(issuer, clientId, false, selector, null));
  }

  /** The asymmetric algorithms the provider signs ID tokens with; RS256 when it names none. */
  private static Set<JWSAlgorithm> algorithms(OIDCProviderMetadata metadata) {
    Set<JWSAlgorithm> algorithms = new HashSet<>();
    List<JWSAlgorithm> named = metadata.getIDTokenJWSAlgs();
    for (JWSAlgorithm algorithm : named == null ? List.<JWSAlgorithm>of() : named) {
      if (ASYMMETRIC.stream().anyMatch(family -> family.contains(algorithm))) {
        algorithms.add(algorithm);
      }
    }
    return algorithms.isEmpty() ? Set.of(JWSAlgorithm.RS256) : algorithms;
  }

  private HTTPRequest timed(HTTPRequest request) {
    request.setConnectTimeout((int) TIMEOUT.toMillis());
    request.setReadTimeout((int) TIMEOUT.toMillis());
    return request;
  }

  /** Whether two texts are equal, compared in constant time. */
  private static boolean same(String given, String expected) {
    return given != null
        && MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  /** The token endpoint refused the code. */
  private static final class TokenRefusal extends Exception {
    private final transient Refused refused;

    TokenRefusal(Refused refused) {
      super(refused.detail(), null, false, false);
      this.refused = refused;
    }
  }
}
