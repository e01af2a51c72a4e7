package dev.sessionlimits.server.service;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExternalIdentity;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.User;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The sessions an application opens, reads and ends with an API key, for users it authenticated
 * itself ({@code /api/v1/service/sessions}).
 *
 * <h2>A login, exactly</h2>
 *
 * Opening is a login in all but the password: the user's effective limit, the store's atomic open,
 * the refusal and the audit are {@link SignIns}' own, with the auth method {@value #AUTH_METHOD}
 * and the key's id and name in the audit events. Nothing here counts sessions or decides a quota.
 *
 * <h2>Which users</h2>
 *
 * A user a service names is created on first use as an external account ({@link ExternalUsers}): no
 * password, linked to the identity {@code (}{@value #ISSUER}{@code , <user name>)}. One issuer for
 * every key, so a new or renamed key reaches the same users. A name that belongs to an account of
 * its own (a password, or a directory or provider sign-in) is refused, as is an account an
 * administrator made an administrator: an API key never opens a session that could administer.
 *
 * <h2>Which sessions</h2>
 *
 * Reading and ending see only sessions opened this way (auth method {@value #AUTH_METHOD}); any
 * other is unknown to a key, so a key can neither watch nor end a person's own sign-ins.
 */
public final class ServiceSessions {

  /** The auth method of a session opened by a service, and of its audit events. */
  public static final String AUTH_METHOD = "service";

  /** The issuer of the external identities of the users services create. */
  public static final String ISSUER = "service";

  /** A session token as {@code SessionToken} makes them: 256 bits, base64url without padding. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

  private final SignIns signIns;
  private final ExternalUsers externalUsers;
  private final UserService userService;
  private final SessionManager sessions;
  private final SettingsService settings;
  private final Auditor auditor;

  /**
   * @param userService sets a user's own limit when a service gives one
   */
  public ServiceSessions(
      SignIns signIns,
      ExternalUsers externalUsers,
      UserService userService,
      SessionManager sessions,
      SettingsService settings,
      Auditor auditor) {
    this.signIns = Objects.requireNonNull(signIns, "signIns");
    this.externalUsers = Objects.requireNonNull(externalUsers, "externalUsers");
    this.userService = Objects.requireNonNull(userService, "userService");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.auditor = Objects.requireNonNull(auditor, "auditor");
  }

  /** The API key a service called with: its public id and name (never the secret). */
  public record Key(String id, String name) {
    public Key {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
    }

    Map<String, Object> auditFields() {
      return map("api_key_id", id, "api_key_name", name);
    }
  }

  /**
   * A user's own limit to set with the opening: {@code limit} null means the global one ({@link
   * User#requireValidLimit}).
   */
  public record LimitChange(Integer limit) {
    public LimitChange {
      User.requireValidLimit(limit);
    }
  }

  /**
   * What a service asks to open.
   *
   * @param user a valid user name ({@link User#USERNAME})
   * @param clientIp the address the user came from, as the service saw it
   * @param userAgent the user's browser or app; may be empty
   * @param device a name the user gave her device, or null
   * @param limit the user's own limit to set first, or empty to keep hers
   */
  public record Open(
      String user, String clientIp, String userAgent, String device, Optional<LimitChange> limit) {
    public Open {
      User.requireValidUsername(user);
      Objects.requireNonNull(clientIp, "clientIp");
      Objects.requireNonNull(limit, "limit");
    }
  }

  /**
   * Opens a session for {@code open.user()}, creating her account on first use.
   *
   * @throws ApiException 403 {@code session_limit_reached} as a login's; 403 {@code user_disabled};
   *     409 {@code service_user_conflict} for an account a service may not sign in
   */
  public SessionManager.LoginResult.Admitted open(Key key, Open open) {
    ExternalUsers.Provisioned provisioned =
        externalUsers.provision(
            new ExternalIdentity(ISSUER, open.user()), open.user(), Optional.empty());
    if (provisioned instanceof ExternalUsers.Conflict) {
      throw ApiError.SERVICE_USER_CONFLICT.exception(open.user());
    }
    ExternalUsers.Ready ready = (ExternalUsers.Ready) provisioned;
    User user = ready.user();
    if (user.admin()) {
      throw ApiError.SERVICE_USER_CONFLICT.exception(user.username());
    }
    if (ready.created()) {
      Map<String, Object> details = map("external", ISSUER, "sessions_limit", null);
      details.putAll(key.auditFields());
      auditor.record("user_created", null, open.clientIp(), user.username(), null, details);
    }
    if (user.disabled()) {
      throw ApiError.USER_DISABLED.exception();
    }
    if (open.limit().isPresent()
        && !Objects.equals(open.limit().get().limit(), user.sessionsLimit())) {
      user = setLimit(key, open.clientIp(), user, open.limit().get().limit());
    }
    LoginAttempt attempt =
        new LoginAttempt(
            user.username(), open.clientIp(), open.userAgent(), open.device(), AUTH_METHOD);
    return signIns.openVouched(user, attempt, key.auditFields());
  }

  private User setLimit(Key key, String clientIp, User user, Integer limit) {
    UserService.Changed changed =
        userService.update(
            user, new UserService.Change(null, user.admin(), user.disabled(), limit), null, null);
    Map<String, Object> details =
        map(
            "changes",
            map(
                "sessions_limit",
                map("old", user.sessionsLimit(), "new", limit),
                "ended_sessions",
                changed.endedSessions()));
    details.putAll(key.auditFields());
    auditor.record("user_updated", null, clientIp, user.username(), null, details);
    return changed.after();
  }

  /**
   * The service session named by {@code tokenOrId}: its token (the session is used, so it is
   * extended, as by {@code /auth/verify}) or its public id (only read). Live or ended; empty if
   * there is none, or a service did not open it.
   *
   * @param quiet true if a token should not extend its session ({@code X-Session-Quiet: 1})
   */
  public Optional<Lookup> check(String tokenOrId, boolean quiet) {
    return find(tokenOrId, quiet);
  }

  /**
   * Ends the service session named by {@code tokenOrId} as {@code logged_out} (its browser is told,
   * as for a sign-out), unless it has ended already (then nothing changes).
   *
   * @return the ended session; empty as for {@link #check(String, boolean)}
   */
  public Optional<Session> end(Key key, String tokenOrId, String clientIp) {
    Optional<Lookup> found = find(tokenOrId, true);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Session session = session(found.get());
    if (found.get() instanceof Lookup.Live) {
      Optional<Session> ended = sessions.end(session.id(), EndReason.LOGGED_OUT, null);
      if (ended.isPresent()) {
        Map<String, Object> details = map("auth_method", AUTH_METHOD);
        details.putAll(key.auditFields());
        auditor.record("logout", null, clientIp, session.user(), session.id(), details);
        return ended;
      }
    }
    return Optional.of(session);
  }

  private Optional<Lookup> find(String tokenOrId, boolean quiet) {
    Optional<Lookup> found = Optional.empty();
    if (TOKEN.matcher(tokenOrId).matches()) {
      Lookup lookup =
          sessions.authenticate(
              tokenOrId, Duration.ofSeconds(settings.settings().sessionCookieAge()), quiet);
      if (!(lookup instanceof Lookup.Unknown)) {
        found = Optional.of(lookup);
      }
    }
    if (found.isEmpty()) {
      found = sessions.get(tokenOrId).map(this::lookup);
    }
    return found.filter(lookup -> AUTH_METHOD.equals(session(lookup).authMethod()));
  }

  private Lookup lookup(Session s) {
    Instant now = sessions.now();
    if (s.isLive(now)) {
      return new Lookup.Live(s);
    }
    return new Lookup.Ended((s.end() == null) ? s.withEnd(s.endAt(now)) : s);
  }

  /** The session {@code lookup} found. */
  public static Session session(Lookup lookup) {
    if (lookup instanceof Lookup.Live live) {
      return live.session();
    }
    return ((Lookup.Ended) lookup).session();
  }
}
