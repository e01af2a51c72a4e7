package dev.sessionlimits.server.auth;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.identity.oidc.OidcConfig;
import dev.sessionlimits.identity.oidc.PendingLogin;
import dev.sessionlimits.identity.oidc.StartAnswer;
import dev.sessionlimits.identity.oidc.Unavailable;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.http.Sentence;
import dev.sessionlimits.server.service.ProviderSignIns;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Signing in with the OpenID Connect provider, when one is configured ({@code
 * SESSIONLIMITS_OIDC_*}): which ways of signing in there are, the start (a 302 to the provider, the
 * pending login kept in a short-lived cookie), the callback (a 302 to where the sign-in was asked
 * for, with the session cookie, or to the sign-in page with the reason in {@code oidc_error}), and
 * the provider's back-channel logout. Without a provider, every route but the options answers 404
 * {@code oidc_not_configured}.
 *
 * <p>The start and the callback are a browser's navigations, so they never answer JSON errors of
 * their own: a refusal, and a provider that cannot be reached ({@code
 * identity_provider_unavailable}), send the browser to the sign-in page, which says why. Only the
 * back-channel logout, which the provider calls, answers 503 {@code identity_provider_unavailable}.
 */
public final class OidcRoutes {

  /** Which ways of signing in this server offers. */
  static final String OPTIONS = "/api/v1/login/options";

  /** Starts a sign-in with the provider. */
  static final String START = "/api/v1/login/oidc";

  /** The cookie that keeps the pending login between the start and the callback. */
  static final String PENDING_COOKIE = "sl_oidc_pending";

  /** The query parameter that tells the sign-in page why a sign-in was refused. */
  public static final String ERROR_PARAMETER = "oidc_error";

  private final Optional<ProviderSignIns> oidc;
  private final Requests requests;
  private final InstantSource clock;

  /**
   * @param oidc the provider's sign-ins, or empty when no provider is configured
   */
  public OidcRoutes(Optional<ProviderSignIns> oidc, Requests requests, InstantSource clock) {
    this.oidc = oidc;
    this.requests = requests;
    this.clock = clock;
  }

  /** Adds the options, start, callback and back-channel logout routes to {@code routes}. */
  public void register(RoutesConfig routes) {
    routes.get(OPTIONS, this::options);
    routes.get(START, this::start);
    routes.get(OidcConfig.CALLBACK_PATH, this::callback);
    routes.post(OidcConfig.BACKCHANNEL_LOGOUT_PATH, this::backChannelLogout);
  }

  /**
   * Whether {@code path} is the back-channel logout, which the provider posts a form to from its
   * own server: no browser, so no cross-site check applies.
   */
  public static boolean isBackChannelLogout(String path) {
    return OidcConfig.BACKCHANNEL_LOGOUT_PATH.equals(path);
  }

  private void options(Context ctx) {
    Map<String, Object> provider = null;
    if (oidc.isPresent()) {
      provider = new LinkedHashMap<>();
      provider.put("name", oidc.get().config().displayName());
      provider.put("start", START);
    }
    ctx.json(map("password", true, "oidc", provider));
  }

  private ProviderSignIns configured() {
    return oidc.orElseThrow(ApiError.OIDC_NOT_CONFIGURED::exception);
  }

  private void start(Context ctx) {
    ProviderSignIns signIns = configured();
    String returnTo = returnTo(ctx.queryParam("return_to"));
    StartAnswer answer = signIns.start(returnTo);
    if (answer instanceof Unavailable) {
      refuse(ctx, signIns, ProviderSignIns.PROVIDER_UNAVAILABLE, returnTo);
      return;
    }
    StartAnswer.OidcStart go = (StartAnswer.OidcStart) answer;
    ctx.res()
        .addHeader(
            "Set-Cookie",
            pendingCookie(ctx, signIns, go.pending().encode(), PendingLogin.LIFETIME.toSeconds()));
    ctx.redirect(go.redirectTo().toString(), HttpStatus.FOUND);
  }

  private void callback(Context ctx) {
    ProviderSignIns signIns = configured();
    Optional<PendingLogin> pending = PendingLogin.decode(ctx.cookie(PENDING_COOKIE));
    ctx.res().addHeader("Set-Cookie", pendingCookie(ctx, signIns, "", 0));
    Map<String, String> query = new LinkedHashMap<>();
    ctx.queryParamMap()
        .forEach(
            (name, values) -> {
              if (!values.isEmpty()) {
                query.put(name, values.get(0));
              }
            });
    LoginAttempt attempt =
        new LoginAttempt("oidc", requests.clientIp(ctx), SessionStart.userAgent(ctx), null, "oidc");
    ProviderSignIns.Outcome outcome =
        signIns.finish(query, pending, clock.instant(), attempt, requests.sessionToken(ctx));
    String returnTo = returnTo(pending.map(PendingLogin::returnTo).orElse(null));
    if (outcome instanceof ProviderSignIns.Refused refused) {
      refuse(ctx, signIns, refused.code(), returnTo);
      return;
    }
    ProviderSignIns.SignedIn signedIn = (ProviderSignIns.SignedIn) outcome;
    requests.setSessionCookie(ctx, signedIn.admitted().token().secret());
    ctx.redirect(returnTo, HttpStatus.FOUND);
  }

  private void backChannelLogout(Context ctx) {
    ProviderSignIns signIns = configured();
    String token = ctx.formParam("logout_token");
    if (token == null || token.isBlank()) {
      throw ApiError.INVALID_REQUEST.exception(Sentence.of("oidc.logout_token_missing"));
    }
    ProviderSignIns.Logout logout =
        signIns.backChannelLogout(token, requests.clientIp(ctx), clock.instant());
    if (logout instanceof ProviderSignIns.InvalidToken invalid) {
      throw ApiError.INVALID_REQUEST.exception(
          Sentence.of("oidc.logout_token_invalid", invalid.reason()));
    }
    if (logout instanceof ProviderSignIns.ProviderDown) {
      throw ApiError.IDENTITY_PROVIDER_UNAVAILABLE.exception();
    }
    ctx.status(200);
  }

  /** To the sign-in page, saying why, and coming back to {@code returnTo} after signing in. */
  private static void refuse(Context ctx, ProviderSignIns signIns, String code, String returnTo) {
    ctx.redirect(
        signIns.signInPage()
            + "?"
            + ERROR_PARAMETER
            + "="
            + URLEncoder.encode(code, StandardCharsets.UTF_8)
            + "&next="
            + URLEncoder.encode(returnTo, StandardCharsets.UTF_8),
        HttpStatus.FOUND);
  }

  /** {@code target} when the sign-in page may send a browser there ({@link ReturnTargets}). */
  private static String returnTo(String target) {
    return (target != null
            && target.length() <= PendingLogin.MAX_RETURN_TO_LENGTH
            && ReturnTargets.isSafe(target))
        ? target
        : "/";
  }

  /**
   * The pending-login cookie: HttpOnly, SameSite=Lax (the provider's redirect back is a top-level
   * navigation, which carries it), Secure like the session cookie, and sent only to the sign-in
   * routes below the public URL's path.
   */
  private String pendingCookie(Context ctx, ProviderSignIns signIns, String value, long maxAge) {
    return PENDING_COOKIE
        + "="
        + value
        + "; Path="
        + signIns.config().publicUrl().getRawPath()
        + START
        + "; Max-Age="
        + maxAge
        + "; HttpOnly; SameSite=Lax"
        + (requests.cookieSecure(ctx) ? "; Secure" : "");
  }
}
