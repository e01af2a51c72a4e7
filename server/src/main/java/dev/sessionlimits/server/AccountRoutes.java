package dev.sessionlimits.server;

import static dev.sessionlimits.server.Json.map;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * What signed-in users do to their own account: {@code POST /api/v1/me/password}.
 *
 * <p>Only a session may change its user's password, not Basic authentication: the change keeps the
 * session it was made in and ends all others, and a Basic caller has no session to keep; scripts
 * have the administrators' {@code PATCH /api/v1/users/{username}}.
 */
final class AccountRoutes {

  private final SessionManager sessions;
  private final UserStore users;
  private final Passwords passwords;
  private final Logins logins;
  private final Authenticator auth;
  private final Auditor auditor;
  private final InstantSource clock;

  AccountRoutes(SessionManager sessions, UserStore users, Passwords passwords, Logins logins,
      Authenticator auth, Auditor auditor, InstantSource clock) {
    this.sessions = sessions;
    this.users = users;
    this.passwords = passwords;
    this.logins = logins;
    this.auth = auth;
    this.auditor = auditor;
    this.clock = clock;
  }

  void register(RoutesConfig routes) {
    routes.post("/api/v1/me/password", this::changePassword);
  }

  /**
   * Checks the current password first (throttled, and counted when wrong, like a login), so that
   * only someone who knows it learns anything about the new one or spends the estimator's time;
   * then the new password must pass {@link PasswordPolicy}. The user's other sessions end with
   * {@code password_changed}; the one that made the change stays.
   */
  private void changePassword(Context ctx) {
    Authenticator.Caller caller = auth.require(ctx, false);
    JsonFields fields = new JsonFields(Json.object(Requests.body(ctx)), "current_password",
        "new_password");
    String current = fields.secret("current_password", Passwords.MAX_LENGTH, true);
    String next = fields.secret("new_password", Passwords.MAX_LENGTH, true);
    if (next != null && next.length() < PasswordPolicy.MIN_LENGTH) {
      fields.error("new_password", "new_password must be at least " + PasswordPolicy.MIN_LENGTH
          + " characters, got " + next.length() + ".");
    }
    fields.done();
    User user = logins.confirmPassword(caller.username(), current, caller.clientIp(),
        DeviceCookies.presented(ctx));
    if (next.equals(current)) {
      throw new ApiException(400, "weak_password", "The new password is the current one; choose"
          + " another.", map("fields", map("new_password", "It is the current password.")),
          Map.of());
    }
    PasswordPolicy.require(next, List.of(user.username()), "new_password");
    User updated = new User(user.username(), passwords.hash(next), user.admin(), user.disabled(),
        user.sessionsLimit(), user.createdAt(), clock.instant());
    if (!users.update(updated)) {
      throw ApiException.notAuthenticated();
    }
    List<String> ended = sessions.endAllOf(user.username(), EndReason.PASSWORD_CHANGED,
        user.username(), caller.session().id());
    auditor.record("user_updated", user.username(), caller.clientIp(), user.username(),
        caller.session().id(), map("changes", map("password", "changed", "ended_sessions", ended)));
    ctx.json(map("ended_sessions", ended));
  }
}
