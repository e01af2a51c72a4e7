package dev.sessionlimits.server.auth;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.User;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.http.Text;
import dev.sessionlimits.server.http.Views;
import dev.sessionlimits.server.service.DeviceCookies;
import dev.sessionlimits.server.service.ResolveTokens;
import dev.sessionlimits.server.service.SignInChoices;
import dev.sessionlimits.server.service.SignIns;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The end of every sign-in over the API, whatever proved the user: the session opened through
 * {@link SignIns} (the limits apply here, and only here; with the choices of {@link
 * SignInChoices}), its cookie and the device cookie set, and the 201 answer of {@code POST
 * /api/v1/login}; or, for a preview that would end other sessions, the 200 that names them.
 */
public final class SessionStart {

  private static final int MAX_USER_AGENT = 512;

  private final SignInChoices choices;
  private final Requests requests;
  private final DeviceCookies devices;
  private final InstantSource clock;

  /** Sign-ins that open their sessions through {@code choices}. */
  public SessionStart(
      SignInChoices choices, Requests requests, DeviceCookies devices, InstantSource clock) {
    this.choices = choices;
    this.requests = requests;
    this.devices = devices;
    this.clock = clock;
  }

  /**
   * Opens {@code user}'s session and answers 201 with it and the sessions it ended.
   *
   * @param device the name the user gave this device, or null
   * @param authMethod how she proved who she is, recorded with the session
   * @param preview true if a login that would end other sessions of hers should, instead, name them
   *     (200 {@code would_end}, with a {@code resolve_token} to go on)
   */
  void answer(
      Context ctx,
      User user,
      String device,
      String authMethod,
      Map<String, ?> extra,
      boolean preview) {
    LoginAttempt attempt =
        new LoginAttempt(
            user.username(),
            requests.clientIp(ctx),
            userAgent(ctx),
            (device == null || device.isBlank()) ? null : device.strip(),
            authMethod);
    String presented = requests.sessionToken(ctx);
    if (preview) {
      Optional<SignInChoices.Preview> would = choices.wouldEnd(user, attempt, presented);
      if (would.isPresent()) {
        Map<String, Object> body =
            map(
                "would_end",
                would.get().wouldEnd(),
                "resolve_token",
                would.get().token().token(),
                "resolve_expires",
                Views.time(would.get().token().expiresAt()));
        body.putAll(extra);
        ctx.status(200).json(body);
        return;
      }
    }
    answer(ctx, user.username(), choices.open(user, attempt, presented), extra);
  }

  /**
   * Opens the session of {@code ticket}, after ending her session {@code endSession} (or none), and
   * answers as a login does ({@link SignInChoices#resolve}).
   */
  void resolve(Context ctx, ResolveTokens.Ticket ticket, String endSession) {
    SessionManager.LoginResult.Admitted admitted =
        choices.resolve(
            ticket, endSession, requests.clientIp(ctx), userAgent(ctx), requests.sessionToken(ctx));
    answer(ctx, ticket.username(), admitted, Map.of());
  }

  private void answer(
      Context ctx,
      String username,
      SessionManager.LoginResult.Admitted admitted,
      Map<String, ?> extra) {
    Session session = admitted.session();
    requests.setSessionCookie(ctx, admitted.token().secret());
    devices.issue(ctx, username);
    Instant now = clock.instant();
    ctx.header("Session-Timeout", Long.toString(session.secondsLeft(now)));
    List<Object> ended = new ArrayList<>();
    for (Session evicted : admitted.ended()) {
      ended.add(Views.session(evicted, now, null));
    }
    Map<String, Object> body =
        map("session", Views.session(session, now, session.id()), "ended_sessions", ended);
    body.putAll(extra);
    ctx.status(201).json(body);
  }

  /** The request's user agent, without control characters, at most 512 characters. */
  static String userAgent(Context ctx) {
    String ua = ctx.userAgent();
    if (ua == null) {
      return "";
    }
    ua = Text.withoutControls(ua);
    return (ua.length() > MAX_USER_AGENT) ? ua.substring(0, MAX_USER_AGENT) : ua;
  }
}
