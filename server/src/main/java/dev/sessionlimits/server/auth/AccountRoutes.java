package dev.sessionlimits.server.auth;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.User;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.JsonFields;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.http.Sentence;
import dev.sessionlimits.server.http.Views;
import dev.sessionlimits.server.service.Auditor;
import dev.sessionlimits.server.service.DeviceCookies;
import dev.sessionlimits.server.service.Logins;
import dev.sessionlimits.server.service.PasswordPolicy;
import dev.sessionlimits.server.service.Passwords;
import dev.sessionlimits.server.service.UserService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What signed-in users do to their own account: {@code POST /api/v1/me/password}, entering the
 * password again before a sensitive change ({@code POST /api/v1/me/reauthenticate}, {@link
 * Reauthentication}) and ending all of their other sessions ({@code DELETE /api/v1/me/sessions}).
 *
 * <p>Only a session may change its user's password, not Basic authentication: the change keeps the
 * session it was made in and ends all others, and a Basic caller has no session to keep; scripts
 * have the administrators' {@code PATCH /api/v1/users/{username}}.
 */
public final class AccountRoutes {

  private final SessionManager sessions;
  private final UserService users;
  private final Logins logins;
  private final Authenticator auth;
  private final Reauthentication reauth;
  private final Auditor auditor;

  /** The routes of the caller's own account. */
  public AccountRoutes(
      SessionManager sessions,
      UserService users,
      Logins logins,
      Authenticator auth,
      Reauthentication reauth,
      Auditor auditor) {
    this.sessions = sessions;
    this.users = users;
    this.logins = logins;
    this.auth = auth;
    this.reauth = reauth;
    this.auditor = auditor;
  }

  /** Adds the own password, re-authentication and end-other-sessions routes to {@code routes}. */
  public void register(RoutesConfig routes) {
    routes.post("/api/v1/me/password", this::changePassword);
    routes.post("/api/v1/me/reauthenticate", this::reauthenticate);
    routes.delete("/api/v1/me/sessions", this::endMyOtherSessions);
  }

  /**
   * Renews the session's password entry for {@link Reauthentication}. The password is checked like
   * the current one of a password change: throttled, and counted when wrong (403 {@code
   * wrong_password}). Only a session can do this: a Basic caller gives the password with every
   * request anyway.
   */
  private void reauthenticate(Context ctx) {
    Authenticator.Caller caller = auth.require(ctx, false);
    JsonFields fields = new JsonFields(Json.object(Requests.body(ctx)), "password");
    String password = fields.secret("password", Passwords.MAX_LENGTH, true);
    fields.done();
    logins.reauthenticate(
        caller.username(), password, caller.clientIp(), DeviceCookies.presented(ctx));
    Instant until = reauth.renew(caller);
    auditor.record(
        "reauthenticated",
        caller.username(),
        caller.clientIp(),
        caller.username(),
        caller.session().id(),
        Map.of());
    ctx.json(
        map("recent_until", Views.time(until), "window_seconds", reauth.window().getSeconds()));
  }

  /**
   * Ends every session of the caller but the one making the request ({@code ended_by_user}), after
   * a recent password entry; returns the ids of those it ended.
   */
  private void endMyOtherSessions(Context ctx) {
    Authenticator.Caller caller = auth.require(ctx, true);
    reauth.require(caller);
    String keep = (caller.session() == null) ? null : caller.session().id();
    List<String> ended =
        sessions.endAllOf(caller.username(), EndReason.ENDED_BY_USER, caller.username(), keep);
    auditor.record(
        "sessions_ended_by_user",
        caller.username(),
        caller.clientIp(),
        caller.username(),
        keep,
        map("ended_sessions", ended));
    ctx.json(map("ended_sessions", ended));
  }

  /**
   * Checks the current password first (throttled, and counted when wrong, like a login), so that
   * only someone who knows it learns anything about the new one or spends the estimator's time;
   * then the new password must pass {@link PasswordPolicy}. The user's other sessions end with
   * {@code password_changed}; the one that made the change stays.
   */
  private void changePassword(Context ctx) {
    Authenticator.Caller caller = auth.require(ctx, false);
    JsonFields fields =
        new JsonFields(Json.object(Requests.body(ctx)), "current_password", "new_password");
    String current = fields.secret("current_password", Passwords.MAX_LENGTH, true);
    String next = fields.secret("new_password", Passwords.MAX_LENGTH, true);
    if (next != null && next.length() < PasswordPolicy.MIN_LENGTH) {
      fields.error(
          "new_password",
          Sentence.of("field.too_short", "new_password", PasswordPolicy.MIN_LENGTH, next.length()));
    }
    fields.done();
    User user =
        logins
            .confirmPassword(
                caller.username(), current, caller.clientIp(), DeviceCookies.presented(ctx))
            .user();
    reauth.renew(caller);
    if (next.equals(current)) {
      throw ApiError.WEAK_PASSWORD
          .exception(Sentence.of("password.same_as_current"))
          .withFields(
              map("fields", map("new_password", Sentence.of("password.is_the_current_one"))));
    }
    PasswordPolicy.require(next, List.of(user.username()), "new_password");
    List<String> ended = users.changeOwnPassword(user, next, caller.session().id());
    auditor.record(
        "user_updated",
        user.username(),
        caller.clientIp(),
        user.username(),
        caller.session().id(),
        map("changes", map("password", "changed", "ended_sessions", ended)));
    ctx.json(map("ended_sessions", ended));
  }
}
