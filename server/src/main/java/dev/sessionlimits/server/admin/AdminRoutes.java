package dev.sessionlimits.server.admin;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.User;
import dev.sessionlimits.server.auth.AuthRoutes;
import dev.sessionlimits.server.auth.Authenticator;
import dev.sessionlimits.server.auth.Reauthentication;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.JsonFields;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.http.Sentence;
import dev.sessionlimits.server.http.Views;
import dev.sessionlimits.server.service.Auditor;
import dev.sessionlimits.server.service.Enforcement;
import dev.sessionlimits.server.service.Groups;
import dev.sessionlimits.server.service.PasswordPolicy;
import dev.sessionlimits.server.service.Passwords;
import dev.sessionlimits.server.service.SettingsService;
import dev.sessionlimits.server.service.UserService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The administrators' API: users, sessions and enforcement, and (through {@link SettingsRoutes},
 * {@link GroupRoutes}, {@link ListRoutes} and {@link AuditRoutes}) the settings, the groups, the
 * paged lists and the audit trail. A user is shown with her groups and effective limit ({@link
 * #view}).
 */
public final class AdminRoutes {

  private final SessionManager sessions;
  private final UserService users;
  private final Enforcement enforcement;
  private final Authenticator auth;
  private final Reauthentication reauth;
  private final Auditor auditor;
  private final InstantSource clock;
  private final SettingsRoutes settingsRoutes;
  private final Groups groups;
  private final GroupRoutes groupRoutes;
  private final ListRoutes listRoutes;
  private final AuditRoutes auditRoutes;

  /** The administrators' routes over these services; {@code auditor} records what they change. */
  public AdminRoutes(
      SessionManager sessions,
      UserService users,
      Groups groups,
      Enforcement enforcement,
      AuditLog audit,
      SettingsService settings,
      Authenticator auth,
      Reauthentication reauth,
      Auditor auditor,
      InstantSource clock) {
    this.sessions = sessions;
    this.users = users;
    this.enforcement = enforcement;
    this.auth = auth;
    this.reauth = reauth;
    this.auditor = auditor;
    this.clock = clock;
    this.settingsRoutes = new SettingsRoutes(settings, auth, reauth, auditor);
    this.groups = groups;
    this.groupRoutes = new GroupRoutes(groups, users, enforcement, auth, auditor);
    this.listRoutes = new ListRoutes(sessions, users, groups, auth, clock);
    this.auditRoutes = new AuditRoutes(audit, auth, clock);
  }

  /**
   * Adds the routes of users, groups, sessions, enforcement, audit and settings to {@code routes}.
   */
  public void register(RoutesConfig routes) {
    settingsRoutes.register(routes);
    groupRoutes.register(routes);
    listRoutes.register(routes);
    auditRoutes.register(routes);
    routes.post("/api/v1/users", this::createUser);
    routes.get("/api/v1/users/{username}", this::getUser);
    routes.patch("/api/v1/users/{username}", this::patchUser);
    routes.delete("/api/v1/users/{username}", this::deleteUser);
    routes.delete("/api/v1/users/{username}/sessions", this::endUserSessions);
    routes.delete("/api/v1/sessions", this::endEverySession);
    routes.delete("/api/v1/sessions/{id}", this::endSession);
    routes.post("/api/v1/sessions/enforce", this::enforce);
  }

  // Users

  private void createUser(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    JsonFields fields =
        new JsonFields(
            Json.object(Requests.body(ctx)),
            "username",
            "password",
            "admin",
            "disabled",
            "sessions_limit");
    String username = fields.string("username", AuthRoutes.MAX_USERNAME, true);
    if (username != null && !User.USERNAME.matcher(username).matches()) {
      fields.error("username", Sentence.of("field.username", "username", username));
    }
    String password = password(fields, true);
    Boolean admin = fields.bool("admin");
    Boolean disabled = fields.bool("disabled");
    Integer limit = fields.has("sessions_limit") ? fields.sessionsLimit("sessions_limit") : null;
    fields.done();
    PasswordPolicy.require(password, List.of(username), "password");
    reauth.requireToCreate(caller, Boolean.TRUE.equals(admin));
    User user =
        users.create(
            username, password, Boolean.TRUE.equals(admin), Boolean.TRUE.equals(disabled), limit);
    auditor.record(
        "user_created",
        caller.username(),
        caller.clientIp(),
        username,
        null,
        map(
            "admin",
            user.admin(),
            "disabled",
            user.disabled(),
            "sessions_limit",
            user.sessionsLimit()));
    ctx.status(201).header("Location", "/api/v1/users/" + username).json(view(user));
  }

  private void getUser(Context ctx) {
    auth.requireAdmin(ctx);
    ctx.json(view(users.existing(ctx.pathParam("username"))));
  }

  private void patchUser(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    User user = users.existing(ctx.pathParam("username"));
    JsonFields fields =
        new JsonFields(
            Json.object(Requests.body(ctx)), "password", "admin", "disabled", "sessions_limit");
    String password = password(fields, false);
    Boolean admin = fields.bool("admin");
    Boolean disabled = fields.bool("disabled");
    boolean limitGiven = fields.has("sessions_limit");
    Integer limit = limitGiven ? fields.sessionsLimit("sessions_limit") : user.sessionsLimit();
    fields.done();
    if (password != null) {
      PasswordPolicy.require(password, List.of(user.username()), "password");
    }
    boolean nowAdmin = (admin == null) ? user.admin() : admin;
    reauth.requireToChange(caller, user, password != null, nowAdmin);
    boolean nowDisabled = (disabled == null) ? user.disabled() : disabled;
    // Whoever changes their own password stays signed in where they did it.
    String keep =
        (caller.session() != null && caller.username().equals(user.username()))
            ? caller.session().id()
            : null;
    UserService.Changed changed =
        users.update(
            user,
            new UserService.Change(password, nowAdmin, nowDisabled, limit),
            caller.username(),
            keep);
    Map<String, Object> diff = new LinkedHashMap<>();
    if (password != null) {
      diff.put("password", "changed");
    }
    if (nowAdmin != user.admin()) {
      diff.put("admin", map("old", user.admin(), "new", nowAdmin));
    }
    if (nowDisabled != user.disabled()) {
      diff.put("disabled", map("old", user.disabled(), "new", nowDisabled));
    }
    if (!Objects.equals(limit, user.sessionsLimit())) {
      diff.put("sessions_limit", map("old", user.sessionsLimit(), "new", limit));
    }
    diff.put("ended_sessions", changed.endedSessions());
    auditor.record(
        "user_updated",
        caller.username(),
        caller.clientIp(),
        user.username(),
        null,
        map("changes", diff));
    ctx.json(view(changed.after()));
  }

  /** {@code user} with her groups and effective limit under the settings in force. */
  private Map<String, Object> view(User user) {
    Groups.Standing standing = groups.standingOf(user);
    return Views.user(user, standing.memberships(), standing.limit());
  }

  private void deleteUser(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    User user = users.existing(ctx.pathParam("username"));
    List<String> ended = users.delete(user.username(), caller.username());
    auditor.record(
        "user_deleted",
        caller.username(),
        caller.clientIp(),
        user.username(),
        null,
        map("ended_sessions", ended));
    ctx.status(204);
  }

  private static String password(JsonFields fields, boolean required) {
    String password = fields.secret("password", Passwords.MAX_LENGTH, required);
    if (password != null && password.length() < PasswordPolicy.MIN_LENGTH) {
      fields.error(
          "password",
          Sentence.of("field.too_short", "password", PasswordPolicy.MIN_LENGTH, password.length()));
      return null;
    }
    return password;
  }

  // Sessions

  private void endSession(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    String id = ctx.pathParam("id");
    Optional<Session> ended = sessions.end(id, EndReason.REVOKED_BY_ADMIN, caller.username());
    if (ended.isEmpty()) {
      throw ApiError.SESSION_NOT_FOUND.exception(Sentence.of("session.not_found", id));
    }
    auditor.record(
        "session_revoked", caller.username(), caller.clientIp(), ended.get().user(), id, Map.of());
    ctx.status(204);
  }

  /**
   * Ends every live session but the caller's own, with {@code revoked_by_admin} (ASVS 7.4.5: after
   * a breach, say); a sensitive change, so it needs a recent password entry.
   */
  private void endEverySession(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    reauth.require(caller);
    String keep = (caller.session() == null) ? null : caller.session().id();
    int ended = 0;
    for (Session s : sessions.liveSessions()) {
      if (!s.id().equals(keep)
          && sessions.end(s.id(), EndReason.REVOKED_BY_ADMIN, caller.username()).isPresent()) {
        ended++;
      }
    }
    auditor.record(
        "all_sessions_revoked",
        caller.username(),
        caller.clientIp(),
        null,
        null,
        map("ended", ended, "kept", keep));
    ctx.json(map("ended", ended));
  }

  private void endUserSessions(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    String username = ctx.pathParam("username");
    if (!users.exists(username) && sessions.liveSessionsOfUser(username).isEmpty()) {
      throw ApiError.USER_NOT_FOUND.exception(username);
    }
    List<Object> ended = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (Session s : sessions.liveSessionsOfUser(username)) {
      Optional<Session> done = sessions.end(s.id(), EndReason.REVOKED_BY_ADMIN, caller.username());
      if (done.isPresent()) {
        ended.add(Views.session(done.get(), clock.instant(), null));
        ids.add(s.id());
      }
    }
    auditor.record(
        "sessions_revoked",
        caller.username(),
        caller.clientIp(),
        username,
        null,
        map("ended_sessions", ids));
    ctx.json(map("ended_sessions", ended));
  }

  private void enforce(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    byte[] body = Requests.body(ctx);
    boolean dryRun = false;
    if (body.length > 0) {
      JsonFields fields = new JsonFields(Json.object(body), "dry_run");
      dryRun = Boolean.TRUE.equals(fields.bool("dry_run"));
      fields.done();
    }
    Instant now = clock.instant();
    List<Object> out = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (Enforcement.Over over : enforcement.enforce(dryRun, caller.username())) {
      if (dryRun) {
        Map<String, Object> view = Views.session(over.session(), now, null);
        view.put("scope", over.scope().code());
        view.put("limit", over.limit());
        out.add(view);
      } else {
        out.add(Views.session(over.session(), clock.instant(), null));
      }
      ids.add(over.session().id());
    }
    // A preview ends nothing, so it is recorded as what it was, not as an enforcement.
    auditor.record(
        dryRun ? "enforcement_previewed" : "sessions_enforced",
        caller.username(),
        caller.clientIp(),
        null,
        null,
        map("dry_run", dryRun, "ended_sessions", ids));
    ctx.json(map("dry_run", dryRun, "ended_sessions", out));
  }
}
