package dev.sessionlimits.server.admin;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.Group;
import dev.sessionlimits.core.GroupSource;
import dev.sessionlimits.core.GroupStore.Membership;
import dev.sessionlimits.core.User;
import dev.sessionlimits.server.auth.Authenticator;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.JsonFields;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.http.Sentence;
import dev.sessionlimits.server.http.Text;
import dev.sessionlimits.server.http.Views;
import dev.sessionlimits.server.service.Auditor;
import dev.sessionlimits.server.service.Enforcement;
import dev.sessionlimits.server.service.Groups;
import dev.sessionlimits.server.service.UserService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/groups} and {@code PUT /api/v1/users/{username}/groups}: the administrators'
 * groups, their session limits, and the groups assigned to a user. Administrators only; every
 * change is audited. Like a user's own limit, a group's needs no re-authentication: the quota
 * switches and exemptions ({@code QUOTA_CONSTRAINTS_ENABLED}) are the settings' to guard.
 */
final class GroupRoutes {

  /** The most groups one request may assign to a user. */
  static final int MAX_ASSIGNED = 100;

  private static final Sentence NULL_MEANS = Sentence.of("field.null_means_no_own_limit");

  private final Groups groups;
  private final UserService users;
  private final Enforcement enforcement;
  private final Authenticator auth;
  private final Auditor auditor;

  GroupRoutes(
      Groups groups,
      UserService users,
      Enforcement enforcement,
      Authenticator auth,
      Auditor auditor) {
    this.groups = groups;
    this.users = users;
    this.enforcement = enforcement;
    this.auth = auth;
    this.auditor = auditor;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v1/groups", this::list);
    routes.post("/api/v1/groups", this::create);
    routes.get("/api/v1/groups/{name}", this::get);
    routes.patch("/api/v1/groups/{name}", this::patch);
    routes.delete("/api/v1/groups/{name}", this::delete);
    routes.put("/api/v1/users/{username}/groups", this::assign);
  }

  private void list(Context ctx) {
    auth.requireAdmin(ctx);
    List<Object> list = new ArrayList<>();
    for (Groups.Listed listed : groups.list()) {
      list.add(Views.group(listed.group(), listed.members()));
    }
    ctx.json(map("groups", list));
  }

  private void create(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    JsonFields fields = new JsonFields(Json.object(Requests.body(ctx)), "name", "sessions_limit");
    String name = fields.string("name", Group.MAX_NAME_LENGTH, true);
    if (name != null && !Group.isValidName(name)) {
      fields.error("name", nameRule(name));
    }
    Integer limit =
        fields.has("sessions_limit") ? fields.sessionsLimit("sessions_limit", NULL_MEANS) : null;
    fields.done();
    Group group = groups.create(name, limit);
    auditor.record(
        "group_created",
        caller.username(),
        caller.clientIp(),
        name,
        null,
        map("sessions_limit", limit));
    ctx.status(201)
        .header(
            "Location",
            "/api/v1/groups/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"))
        .json(Views.group(group, 0));
  }

  private void get(Context ctx) {
    auth.requireAdmin(ctx);
    Groups.Listed listed = groups.existing(ctx.pathParam("name"));
    ctx.json(Views.group(listed.group(), listed.members()));
  }

  /**
   * A new limit; the answer counts the live sessions now over it ({@code sessions_over_limit}),
   * which {@code POST /api/v1/sessions/enforce} would end: none ends here.
   */
  private void patch(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    String name = groups.existing(ctx.pathParam("name")).group().name();
    JsonFields fields = new JsonFields(Json.object(Requests.body(ctx)), "sessions_limit");
    if (!fields.has("sessions_limit")) {
      fields.error("sessions_limit", Sentence.of("field.required", "sessions_limit"));
    }
    Integer limit = fields.sessionsLimit("sessions_limit", NULL_MEANS);
    fields.done();
    Groups.Changed changed = groups.setLimit(name, limit);
    int over = enforcement.overLimitOf(name).size();
    auditor.record(
        "group_updated",
        caller.username(),
        caller.clientIp(),
        name,
        null,
        map(
            "changes",
            map("sessions_limit", map("old", changed.before().sessionsLimit(), "new", limit)),
            "sessions_over_limit",
            over));
    Map<String, Object> view = Views.group(changed.after(), groups.existing(name).members());
    view.put("sessions_over_limit", over);
    ctx.json(view);
  }

  private void delete(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    Groups.Listed listed = groups.existing(ctx.pathParam("name"));
    groups.delete(listed.group().name());
    auditor.record(
        "group_deleted",
        caller.username(),
        caller.clientIp(),
        listed.group().name(),
        null,
        map("sessions_limit", listed.group().sessionsLimit(), "members", listed.members()));
    ctx.status(204);
  }

  /** The groups an administrator assigns to a user; those of the directory or provider stay. */
  private void assign(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    User user = users.existing(ctx.pathParam("username"));
    JsonFields fields = new JsonFields(Json.object(Requests.body(ctx)), "groups");
    List<String> names = fields.strings("groups", MAX_ASSIGNED, Group.MAX_NAME_LENGTH, true);
    if (names != null) {
      for (String name : names) {
        if (!Group.isValidName(name)) {
          fields.error("groups", nameRule(name));
        }
      }
    }
    fields.done();
    List<String> before = local(groups.standingOf(user).memberships());
    Set<String> wanted = new LinkedHashSet<>(names);
    List<String> after = local(groups.assign(user.username(), wanted));
    auditor.record(
        "user_groups_changed",
        caller.username(),
        caller.clientIp(),
        user.username(),
        null,
        map("source", "local", "old", before, "new", after));
    Groups.Standing standing = groups.standingOf(user);
    ctx.json(Views.user(user, standing.memberships(), standing.limit()));
  }

  private static List<String> local(List<Membership> memberships) {
    return memberships.stream()
        .filter(m -> m.source() == GroupSource.LOCAL)
        .map(Membership::group)
        .toList();
  }

  private static Sentence nameRule(String name) {
    return Sentence.of(
        "field.group_name", Group.MAX_NAME_LENGTH, Text.shorten(name, Group.MAX_NAME_LENGTH));
  }
}
