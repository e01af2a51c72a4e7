package dev.sessionlimits.server;

import static dev.sessionlimits.server.Json.map;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.EndCause;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Quota;
import dev.sessionlimits.core.QuotaDecision;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.Settings;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
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
 * The administrators' API: users, sessions, enforcement and the audit trail, and (through
 * {@link SettingsRoutes}) the settings.
 */
final class AdminRoutes {

  private static final int DEFAULT_AUDIT_PAGE = 100;
  private static final int MAX_AUDIT_PAGE = 1000;

  private final SessionManager sessions;
  private final UserStore users;
  private final AuditLog audit;
  private final SettingsService settings;
  private final Passwords passwords;
  private final Authenticator auth;
  private final Reauthentication reauth;
  private final Auditor auditor;
  private final InstantSource clock;
  private final SettingsRoutes settingsRoutes;

  AdminRoutes(SessionManager sessions, UserStore users, AuditLog audit, SettingsService settings,
      Passwords passwords, Authenticator auth, Reauthentication reauth, Auditor auditor,
      InstantSource clock) {
    this.sessions = sessions;
    this.users = users;
    this.audit = audit;
    this.settings = settings;
    this.passwords = passwords;
    this.auth = auth;
    this.reauth = reauth;
    this.auditor = auditor;
    this.clock = clock;
    this.settingsRoutes = new SettingsRoutes(settings, auth, reauth, auditor);
  }

  void register(RoutesConfig routes) {
    settingsRoutes.register(routes);
    routes.post("/api/v1/users", this::createUser);
    routes.get("/api/v1/users", this::listUsers);
    routes.get("/api/v1/users/{username}", this::getUser);
    routes.patch("/api/v1/users/{username}", this::patchUser);
    routes.delete("/api/v1/users/{username}", this::deleteUser);
    routes.delete("/api/v1/users/{username}/sessions", this::endUserSessions);
    routes.get("/api/v1/sessions", this::listSessions);
    routes.delete("/api/v1/sessions", this::endEverySession);
    routes.delete("/api/v1/sessions/{id}", this::endSession);
    routes.post("/api/v1/sessions/enforce", this::enforce);
    routes.get("/api/v1/audit", this::auditTrail);
  }

  // Users

  private void createUser(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    JsonFields fields = new JsonFields(Json.object(Requests.body(ctx)), "username", "password",
        "admin", "disabled", "sessions_limit");
    String username = fields.string("username", AuthRoutes.MAX_USERNAME, true);
    if (username != null && !User.USERNAME.matcher(username).matches()) {
      fields.error("username", "username must be 1 to 64 letters, digits or . _ @ -, got \""
          + username + "\".");
    }
    String password = password(fields, true);
    Boolean admin = fields.bool("admin");
    Boolean disabled = fields.bool("disabled");
    Integer limit = fields.has("sessions_limit") ? fields.sessionsLimit("sessions_limit") : null;
    fields.done();
    PasswordPolicy.require(password, List.of(username), "password");
    reauth.requireToCreate(caller, Boolean.TRUE.equals(admin));
    Instant now = clock.instant();
    User user = new User(username, passwords.hash(password), Boolean.TRUE.equals(admin),
        Boolean.TRUE.equals(disabled), limit, now, now);
    if (!users.create(user)) {
      throw new ApiException(409, "user_exists", "A user named " + username + " exists already.");
    }
    auditor.record("user_created", caller.username(), caller.clientIp(), username, null,
        map("admin", user.admin(), "disabled", user.disabled(), "sessions_limit", user.sessionsLimit()));
    ctx.status(201).header("Location", "/api/v1/users/" + username).json(Views.user(user));
  }

  private void listUsers(Context ctx) {
    auth.requireAdmin(ctx);
    List<Object> list = new ArrayList<>();
    for (User user : users.list()) {
      list.add(Views.user(user));
    }
    ctx.json(map("users", list));
  }

  private void getUser(Context ctx) {
    auth.requireAdmin(ctx);
    ctx.json(Views.user(existing(ctx.pathParam("username"))));
  }

  private void patchUser(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    User user = existing(ctx.pathParam("username"));
    JsonFields fields = new JsonFields(Json.object(Requests.body(ctx)), "password", "admin",
        "disabled", "sessions_limit");
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
    Instant now = clock.instant();
    User updated = new User(user.username(),
        (password == null) ? user.passwordHash() : passwords.hash(password), nowAdmin, nowDisabled,
        limit, user.createdAt(), now);
    guarded(users.updateKeepingAnAdministrator(updated), user.username());
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
    List<String> ended = new ArrayList<>();
    if (nowDisabled && !user.disabled()) {
      ended.addAll(sessions.endAllOf(user.username(), EndReason.USER_DISABLED, caller.username(),
          null));
    } else if (password != null) {
      // Whoever changes their own password stays signed in where they did it.
      String keep = (caller.session() != null && caller.username().equals(user.username()))
          ? caller.session().id() : null;
      ended.addAll(sessions.endAllOf(user.username(), EndReason.PASSWORD_CHANGED, caller.username(),
          keep));
    }
    diff.put("ended_sessions", ended);
    auditor.record("user_updated", caller.username(), caller.clientIp(), user.username(), null,
        map("changes", diff));
    ctx.json(Views.user(updated));
  }

  private void deleteUser(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    User user = existing(ctx.pathParam("username"));
    guarded(users.deleteKeepingAnAdministrator(user.username()), user.username());
    List<String> ended = sessions.endAllOf(user.username(), EndReason.REVOKED_BY_ADMIN,
        caller.username(), null);
    auditor.record("user_deleted", caller.username(), caller.clientIp(), user.username(), null,
        map("ended_sessions", ended));
    ctx.status(204);
  }

  /** 404 or 409 {@code last_admin} unless the store made the guarded change. */
  private static void guarded(UserStore.Guarded outcome, String username) {
    switch (outcome) {
      case DONE -> { }
      case NOT_FOUND -> throw userNotFound(username);
      case LAST_ADMINISTRATOR -> throw new ApiException(409, "last_admin", username + " is the only"
          + " enabled administrator; make another user an administrator first.");
    }
  }

  private static String password(JsonFields fields, boolean required) {
    String password = fields.secret("password", Passwords.MAX_LENGTH, required);
    if (password != null && password.length() < PasswordPolicy.MIN_LENGTH) {
      fields.error("password", "password must be at least " + PasswordPolicy.MIN_LENGTH
          + " characters, got " + password.length() + ".");
      return null;
    }
    return password;
  }

  private User existing(String username) {
    return users.find(username).orElseThrow(() -> userNotFound(username));
  }

  private static ApiException userNotFound(String username) {
    return ApiException.notFound("user_not_found", "There is no user named " + username + ".");
  }

  // Sessions

  private void listSessions(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    String user = ctx.queryParam("user");
    String ipText = ctx.queryParam("ip");
    String ip = null;
    if (ipText != null && !ipText.isEmpty()) {
      IpAddress address = IpAddress.tryParse(ipText);
      if (address == null) {
        throw ApiException.invalidFields(Map.of("ip", "ip must be an IPv4 or IPv6 address, got \""
            + Text.shorten(ipText, 64) + "\"."));
      }
      ip = address.toString();
    }
    Instant now = clock.instant();
    List<Session> found;
    if (user != null && !user.isEmpty()) {
      found = sessions.store().liveSessionsOfUser(user, now);
    } else if (ip != null) {
      found = sessions.store().liveSessionsFrom(ip, now);
    } else {
      found = sessions.store().liveSessions(now);
    }
    String current = (caller.session() == null) ? "" : caller.session().id();
    List<Object> list = new ArrayList<>();
    for (Session s : found) {
      if (ip == null || s.clientIp().equals(ip)) {
        list.add(Views.session(s, now, current));
      }
    }
    ctx.json(map("sessions", list));
  }

  private void endSession(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    String id = ctx.pathParam("id");
    Optional<Session> ended = sessions.end(id, EndReason.REVOKED_BY_ADMIN, caller.username());
    if (ended.isEmpty()) {
      throw ApiException.notFound("session_not_found", "There is no active session with id " + id + ".");
    }
    auditor.record("session_revoked", caller.username(), caller.clientIp(), ended.get().user(), id,
        Map.of());
    ctx.status(204);
  }

  /**
   * Ends every live session but the caller's own, with {@code revoked_by_admin} (ASVS 7.4.5: after a
   * breach, say); a sensitive change, so it needs a recent password entry.
   */
  private void endEverySession(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    reauth.require(caller);
    String keep = (caller.session() == null) ? null : caller.session().id();
    int ended = 0;
    for (Session s : sessions.store().liveSessions(clock.instant())) {
      if (!s.id().equals(keep)
          && sessions.end(s.id(), EndReason.REVOKED_BY_ADMIN, caller.username()).isPresent()) {
        ended++;
      }
    }
    auditor.record("all_sessions_revoked", caller.username(), caller.clientIp(), null, null,
        map("ended", ended, "kept", keep));
    ctx.json(map("ended", ended));
  }

  private void endUserSessions(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    String username = ctx.pathParam("username");
    Instant now = clock.instant();
    if (users.find(username).isEmpty()
        && sessions.store().liveSessionsOfUser(username, now).isEmpty()) {
      throw userNotFound(username);
    }
    List<Object> ended = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (Session s : sessions.store().liveSessionsOfUser(username, now)) {
      Optional<Session> done = sessions.end(s.id(), EndReason.REVOKED_BY_ADMIN, caller.username());
      if (done.isPresent()) {
        ended.add(Views.session(done.get(), clock.instant(), null));
        ids.add(s.id());
      }
    }
    auditor.record("sessions_revoked", caller.username(), caller.clientIp(), username, null,
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
    Settings current = settings.settings();
    Map<String, QuotaPolicy> policies = new LinkedHashMap<>();
    Instant now = clock.instant();
    QuotaPolicy addresses = QuotaPolicy.forLogin(current, null, false, settings.actions());
    List<QuotaDecision.Eviction> evictions = Quota.enforce(sessions.store().liveSessions(now),
        user -> policies.computeIfAbsent(user, u -> policyOf(u, current)), addresses, now);
    List<Object> out = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (QuotaDecision.Eviction eviction : evictions) {
      Session s = eviction.session();
      if (dryRun) {
        Map<String, Object> view = Views.session(s, now, null);
        view.put("scope", eviction.scope().code());
        view.put("limit", eviction.limit());
        out.add(view);
        ids.add(s.id());
        continue;
      }
      EndCause cause = new EndCause(eviction.scope(), eviction.limit(), null, null, null, null, null,
          caller.username());
      Optional<Session> done = sessions.store().end(s.id(),
          new SessionEnd(EndReason.SESSION_LIMIT_REACHED, clock.instant(), cause));
      if (done.isPresent()) {
        out.add(Views.session(done.get(), clock.instant(), null));
        ids.add(s.id());
      }
    }
    auditor.record("sessions_enforced", caller.username(), caller.clientIp(), null, null,
        map("dry_run", dryRun, "ended_sessions", ids));
    ctx.json(map("dry_run", dryRun, "ended_sessions", out));
  }

  private QuotaPolicy policyOf(String username, Settings current) {
    Optional<User> user = users.find(username);
    return QuotaPolicy.forLogin(current, user.map(User::sessionsLimit).orElse(null),
        user.map(User::admin).orElse(false), settings.actions());
  }

  // Audit

  private void auditTrail(Context ctx) {
    auth.requireAdmin(ctx);
    int limit = (int) queryNumber(ctx, "limit", DEFAULT_AUDIT_PAGE, 1, MAX_AUDIT_PAGE);
    long before = queryNumber(ctx, "before", 0, 0, Long.MAX_VALUE);
    List<AuditEvent> events = audit.recent(limit, before);
    List<Object> list = new ArrayList<>();
    for (AuditEvent event : events) {
      list.add(Views.audit(event));
    }
    Long next = (events.size() == limit && !events.isEmpty()) ? events.get(events.size() - 1).id() : null;
    ctx.json(map("events", list, "next_before", next));
  }

  private static long queryNumber(Context ctx, String name, long fallback, long min, long max) {
    String text = ctx.queryParam(name);
    if (text == null || text.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ApiException.invalidFields(Map.of(name, name + " must be a whole number " + min + ".."
        + max + ", got \"" + Text.shorten(text, 30) + "\"."));
  }
}
