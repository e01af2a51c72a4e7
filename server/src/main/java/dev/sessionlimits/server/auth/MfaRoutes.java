package dev.sessionlimits.server.auth;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.Settings;
import dev.sessionlimits.core.User;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.JsonFields;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.http.Sentence;
import dev.sessionlimits.server.ops.Metrics;
import dev.sessionlimits.server.service.Auditor;
import dev.sessionlimits.server.service.DeviceCookies;
import dev.sessionlimits.server.service.MfaTickets;
import dev.sessionlimits.server.service.SecondFactorService;
import dev.sessionlimits.server.service.SecondSteps;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The second factor over the API: the second step of a sign-in ({@code POST /api/v1/login/mfa}, and
 * {@code /login/mfa/enrol} for an administrator who must set one up first), and the caller's own
 * authenticator app ({@code /api/v1/me/mfa}).
 *
 * <h2>Sign-in in two steps</h2>
 *
 * A right password of an account with a second factor opens nothing: it answers 401 {@code
 * mfa_required} with a ticket ({@link MfaTickets}: this user, this client, five minutes). The
 * ticket and a code then open the session through {@link SessionStart}, so the limits apply after
 * the second factor, exactly as after a password. A wrong code counts in the login throttle.
 */
public final class MfaRoutes {

  private static final int MAX_CODE = 64;
  private static final int MAX_TICKET = 1024;

  private final SecondSteps steps;
  private final SecondFactorService factors;
  private final MfaTickets tickets;
  private final SessionStart start;
  private final Authenticator auth;
  private final Reauthentication reauth;
  private final Requests requests;
  private final Auditor auditor;
  private final Metrics metrics;

  /** The second-factor routes. */
  public MfaRoutes(
      SecondSteps steps,
      SecondFactorService factors,
      MfaTickets tickets,
      SessionStart start,
      Authenticator auth,
      Reauthentication reauth,
      Requests requests,
      Auditor auditor,
      Metrics metrics) {
    this.steps = steps;
    this.factors = factors;
    this.tickets = tickets;
    this.start = start;
    this.auth = auth;
    this.reauth = reauth;
    this.requests = requests;
    this.auditor = auditor;
    this.metrics = metrics;
  }

  /** Adds the second step of sign-in and the own-factor routes to {@code routes}. */
  public void register(RoutesConfig routes) {
    routes.post("/api/v1/login/mfa", this::signIn);
    routes.post("/api/v1/login/mfa/enrol", this::enrolAtSignIn);
    routes.get("/api/v1/me/mfa", this::status);
    routes.post("/api/v1/me/mfa/totp", this::enrol);
    routes.post("/api/v1/me/mfa/totp/confirm", this::confirm);
    routes.delete("/api/v1/me/mfa/totp", this::disable);
    routes.post("/api/v1/me/mfa/recovery-codes", this::newRecoveryCodes);
  }

  /**
   * 401 {@code mfa_required} with a ticket if {@code user}, whose password was just right, needs a
   * second step before a session; returns if she does not.
   */
  void requireSecondStep(Context ctx, User user, Settings settings) {
    SecondSteps.Need need = steps.needOf(user, settings);
    if (need == SecondSteps.Need.NOTHING) {
      return;
    }
    String ip = requests.clientIp(ctx);
    String ticket = tickets.issue(user.username(), "password", ip, SessionStart.userAgent(ctx));
    auditor.record(
        "mfa_asked",
        user.username(),
        ip,
        user.username(),
        null,
        map("enrolment_required", need == SecondSteps.Need.ENROLMENT));
    throw ApiError.MFA_REQUIRED
        .exception()
        .withFields(
            map("mfa_ticket", ticket, "enrolment_required", need == SecondSteps.Need.ENROLMENT));
  }

  private void signIn(Context ctx) {
    JsonFields fields =
        new JsonFields(Json.object(Requests.body(ctx)), "mfa_ticket", "code", "device", "preview");
    String ticketText = fields.secret("mfa_ticket", MAX_TICKET, true);
    String code = fields.secret("code", MAX_CODE, true);
    String device = fields.string("device", AuthRoutes.MAX_DEVICE, false);
    boolean preview = AuthRoutes.preview(fields);
    fields.done();
    MfaTickets.Ticket ticket = ticket(ctx, ticketText);
    boolean enrolling = factors.pending(ticket.username());
    SecondSteps.Passed passed;
    try {
      passed =
          steps.pass(
              ticket.username(),
              code,
              enrolling,
              requests.clientIp(ctx),
              DeviceCookies.presented(ctx));
    } catch (RuntimeException e) {
      metrics.credentialsFailed(e);
      throw e;
    }
    Map<String, Object> extra =
        passed.recoveryCodes().isEmpty() ? Map.of() : map("recovery_codes", passed.recoveryCodes());
    start.answer(
        ctx, passed.user(), device, ticket.authMethod() + "+" + passed.method(), extra, preview);
  }

  /** A new app secret for an administrator who must set one up to sign in. */
  private void enrolAtSignIn(Context ctx) {
    JsonFields fields = new JsonFields(Json.object(Requests.body(ctx)), "mfa_ticket");
    String ticketText = fields.secret("mfa_ticket", MAX_TICKET, true);
    fields.done();
    MfaTickets.Ticket ticket = ticket(ctx, ticketText);
    User user = steps.localUser(ticket.username()).orElseThrow(this::expired);
    if (factors.enabled(user.username())) {
      throw ApiError.MFA_ALREADY_ENABLED.exception();
    }
    answerEnrolment(ctx, user);
  }

  private void status(Context ctx) {
    Authenticator.Caller caller = auth.require(ctx, true);
    String name = caller.username();
    String totp = factors.enabled(name) ? "on" : factors.pending(name) ? "pending" : "off";
    ctx.json(
        map(
            "totp",
            totp,
            "recovery_codes_left",
            factors.unusedRecoveryCodes(name),
            "available",
            caller.user().passwordHash() != null));
  }

  private void enrol(Context ctx) {
    Authenticator.Caller caller = auth.require(ctx, false);
    reauth.require(caller);
    localAccount(caller);
    if (factors.enabled(caller.username())) {
      throw ApiError.MFA_ALREADY_ENABLED.exception();
    }
    answerEnrolment(ctx, caller.user());
  }

  private void confirm(Context ctx) {
    Authenticator.Caller caller = auth.require(ctx, false);
    JsonFields fields = new JsonFields(Json.object(Requests.body(ctx)), "code");
    String code = fields.secret("code", MAX_CODE, true);
    fields.done();
    SecondFactorService.Confirmation done = factors.confirm(caller.username(), code);
    if (done instanceof SecondFactorService.NotEnrolling) {
      throw ApiError.MFA_NOT_ENROLLING.exception();
    }
    if (!(done instanceof SecondFactorService.Confirmed confirmed)) {
      throw ApiError.INVALID_CODE.exception(Sentence.of("mfa.code_not_current"));
    }
    auditor.record(
        "mfa_enabled", caller.username(), caller.clientIp(), caller.username(), null, Map.of());
    ctx.json(map("totp", "on", "recovery_codes", confirmed.recoveryCodes()));
  }

  private void disable(Context ctx) {
    Authenticator.Caller caller = auth.require(ctx, false);
    reauth.require(caller);
    factors.disable(caller.username());
    auditor.record(
        "mfa_disabled", caller.username(), caller.clientIp(), caller.username(), null, Map.of());
    ctx.status(204);
  }

  private void newRecoveryCodes(Context ctx) {
    Authenticator.Caller caller = auth.require(ctx, false);
    reauth.require(caller);
    if (!factors.enabled(caller.username())) {
      throw ApiError.MFA_NOT_ENROLLING.exception(Sentence.of("mfa.recovery_needs_app"));
    }
    List<String> codes = factors.newRecoveryCodes(caller.username());
    auditor.record(
        "mfa_recovery_codes_replaced",
        caller.username(),
        caller.clientIp(),
        caller.username(),
        null,
        Map.of());
    ctx.json(map("recovery_codes", codes));
  }

  private void answerEnrolment(Context ctx, User user) {
    Optional<SecondFactorService.Enrolment> enrolment = factors.begin(user);
    if (enrolment.isEmpty()) {
      throw ApiError.MFA_ALREADY_ENABLED.exception();
    }
    ctx.status(201)
        .json(
            map(
                "secret",
                enrolment.get().secret(),
                "otpauth_uri",
                enrolment.get().uri().toString(),
                "qr_svg",
                enrolment.get().qrSvg()));
  }

  private void localAccount(Authenticator.Caller caller) {
    if (caller.user().passwordHash() == null) {
      throw ApiError.MFA_NOT_AVAILABLE.exception(Sentence.of("mfa.not_available"));
    }
  }

  private MfaTickets.Ticket ticket(Context ctx, String text) {
    return tickets
        .verify(text, requests.clientIp(ctx), SessionStart.userAgent(ctx))
        .orElseThrow(this::expired);
  }

  private ApiException expired() {
    return ApiError.INVALID_MFA_TICKET.exception();
  }
}
