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
import dev.sessionlimits.server.service.SignIns;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The end of every sign-in over the API, whatever proved the user: the session opened through
 * {@link SignIns} (the limits apply here, and only here), its cookie and the device cookie set, and
 * the 201 answer of {@code POST /api/v1/login}.
 */
public final class SessionStart {

  private static final int MAX_USER_AGENT = 512;

  private final SignIns signIns;
  private final Requests requests;
  private final DeviceCookies devices;
  private final InstantSource clock;

  /** Sign-ins that open their sessions through {@code signIns}. */
  public SessionStart(
      SignIns signIns, Requests requests, DeviceCookies devices, InstantSource clock) {
    this.signIns = signIns;
    this.requests = requests;
    this.devices = devices;
    this.clock = clock;
  }

  /**
   * Opens {@code user}'s session and answers 201 with it and the sessions it ended.
   *
   * @param device the name the user gave this device, or null
   * @param authMethod how she proved who she is, recorded with the session
   */
  void answer(Context ctx, User user, String device, String authMethod, Map<String, ?> extra) {
    LoginAttempt attempt =
        new LoginAttempt(
            user.username(),
            requests.clientIp(ctx),
            userAgent(ctx),
            (device == null || device.isBlank()) ? null : device.strip(),
            authMethod);
    SessionManager.LoginResult.Admitted admitted =
        signIns.open(user, attempt, requests.sessionToken(ctx));
    Session session = admitted.session();
    requests.setSessionCookie(ctx, admitted.token().secret());
    devices.issue(ctx, user.username());
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
