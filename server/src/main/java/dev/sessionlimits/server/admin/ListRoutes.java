package dev.sessionlimits.server.admin;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.IpMatch;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionPage;
import dev.sessionlimits.core.SessionQuery;
import dev.sessionlimits.core.SessionSort;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserQuery;
import dev.sessionlimits.server.auth.Authenticator;
import dev.sessionlimits.server.http.ClientAddresses;
import dev.sessionlimits.server.http.ListParams;
import dev.sessionlimits.server.http.Text;
import dev.sessionlimits.server.http.Views;
import dev.sessionlimits.server.service.Groups;
import dev.sessionlimits.server.service.UserService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The administrators' paged lists of live sessions and of users ({@link ListParams}: {@code limit},
 * keyset {@code cursor}, {@code next} in the body and in a {@code Link} header). The audit trail's
 * list is in {@link AuditRoutes}.
 */
final class ListRoutes {

  private static final String SESSIONS = "/api/v1/sessions";
  private static final String USERS = "/api/v1/users";
  private static final Set<String> SESSION_PARAMS =
      Set.of("limit", "cursor", "q", "ip", "user", "sort");
  private static final Set<String> USER_PARAMS = Set.of("limit", "cursor", "q", "sort");

  private final SessionManager sessions;
  private final UserService users;
  private final Groups groups;
  private final Authenticator auth;
  private final InstantSource clock;

  ListRoutes(
      SessionManager sessions,
      UserService users,
      Groups groups,
      Authenticator auth,
      InstantSource clock) {
    this.sessions = sessions;
    this.users = users;
    this.groups = groups;
    this.auth = auth;
    this.clock = clock;
  }

  void register(RoutesConfig routes) {
    routes.get(USERS, this::listUsers);
    routes.get(SESSIONS, this::listSessions);
  }

  private void listSessions(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    ListParams params = ListParams.of(ctx, SESSIONS, SESSION_PARAMS);
    int limit = params.limit();
    SessionSort sort =
        params
            .text("sort")
            .map(
                code ->
                    SessionSort.parse(code)
                        .orElseThrow(
                            () ->
                                ListParams.invalid(
                                    "sort",
                                    "sort must be one of "
                                        + String.join(", ", SessionSort.codes())
                                        + ", got \""
                                        + Text.shorten(code, 30)
                                        + "\".")))
            .orElse(SessionSort.NEWEST_FIRST);
    Optional<String> text = search(params);
    Optional<IpMatch> ip = params.text("ip").map(ListRoutes::ip);
    Optional<String> user = params.text("user");
    Optional<SessionQuery.After> after =
        params
            .cursor("s", 4)
            .map(
                parts -> {
                  if (!parts.get(1).equals(sort.code())) {
                    throw ListParams.badCursor();
                  }
                  return new SessionQuery.After(parts.get(2), parts.get(3));
                });
    SessionQuery query;
    try {
      query = new SessionQuery(limit, sort, after, text, ip, user);
    } catch (IllegalArgumentException e) {
      throw ListParams.badCursor();
    }
    SessionPage page = sessions.livePage(query);
    Instant now = clock.instant();
    String current = (caller.session() == null) ? "" : caller.session().id();
    List<Object> list = new ArrayList<>();
    for (Session s : page.sessions()) {
      list.add(Views.session(s, now, current));
    }
    String next =
        params.answerNext(page.next().map(a -> List.of("s", sort.code(), a.key(), a.id())));
    ctx.json(map("sessions", list, "next", next));
  }

  private static IpMatch ip(String text) {
    try {
      return ClientAddresses.match(text);
    } catch (IllegalArgumentException e) {
      throw ListParams.invalid(
          "ip",
          "ip must be an IPv4 or IPv6 address, the start of one (10.1.) or a CIDR block"
              + " (10.0.0.0/8), got \""
              + Text.shorten(Text.withoutControls(text), 64)
              + "\".");
    }
  }

  /** {@code q}: 1..100 printable characters. */
  private static Optional<String> search(ListParams params) {
    Optional<String> q = params.text("q");
    if (q.isPresent()
        && (q.get().isBlank()
            || q.get().length() > SessionQuery.MAX_TEXT
            || Text.hasControl(q.get()))) {
      throw ListParams.invalid(
          "q", "q must be 1 to " + SessionQuery.MAX_TEXT + " printable characters.");
    }
    return q;
  }

  private void listUsers(Context ctx) {
    auth.requireAdmin(ctx);
    ListParams params = ListParams.of(ctx, USERS, USER_PARAMS);
    int limit = params.limit();
    String sort = params.text("sort").orElse("username");
    if (!sort.equals("username") && !sort.equals("-username")) {
      throw ListParams.invalid(
          "sort", "sort must be username or -username, got \"" + Text.shorten(sort, 30) + "\".");
    }
    Optional<String> text = search(params);
    Optional<String> after =
        params
            .cursor("u", 3)
            .map(
                parts -> {
                  if (!parts.get(1).equals(sort)) {
                    throw ListParams.badCursor();
                  }
                  return parts.get(2);
                });
    UserQuery.Page page = users.page(new UserQuery(limit, sort.startsWith("-"), after, text));
    Map<String, Groups.Standing> standings = groups.standingsOf(page.users());
    List<Object> list = new ArrayList<>();
    for (User user : page.users()) {
      Groups.Standing standing = standings.get(user.username());
      list.add(Views.user(user, standing.memberships(), standing.limit()));
    }
    String next = params.answerNext(page.next().map(name -> List.of("u", sort, name)));
    ctx.json(map("users", list, "next", next));
  }
}
