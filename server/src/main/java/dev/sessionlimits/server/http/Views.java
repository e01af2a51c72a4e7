package dev.sessionlimits.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sessionlimits.core.ApiKey;
import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.EndCause;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Group;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserLimit;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON shapes of sessions, users, groups, endings and audit events (snake_case, RFC 3339 UTC
 * times).
 */
public final class Views {

  private Views() {}

  /** {@code t} in RFC 3339 UTC with milliseconds; null for null. */
  public static String time(Instant t) {
    return (t == null) ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** A session; {@code currentId} marks the caller's own (null: no marking). */
  public static Map<String, Object> session(Session s, Instant now, String currentId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("user", s.user());
    m.put("client_ip", s.clientIp());
    m.put("user_agent", s.userAgent());
    m.put("browser", UserAgents.describe(s.userAgent()));
    m.put("device", s.device());
    m.put("auth_method", s.authMethod());
    m.put("created_at", time(s.createdAt()));
    m.put("last_seen_at", time(s.lastSeenAt()));
    m.put("expires_at", time(s.expiresAt()));
    m.put("absolute_expires_at", time(s.absoluteExpiresAt()));
    if (currentId != null) {
      m.put("current", s.id().equals(currentId));
    }
    SessionEnd end = s.endAt(now);
    if (end == null) {
      m.put("seconds_left", s.secondsLeft(now));
    } else {
      m.put("ended_at", time(end.at()));
      m.put("end_reason", end.reason().code());
      m.putAll(cause(end));
    }
    return m;
  }

  /**
   * The body of 401 {@code session_ended}, and of the push event with the same fields; its {@code
   * message} is {@link Localized}, worded when the answer is written.
   */
  public static Map<String, Object> ended(Session s, Instant now) {
    SessionEnd end = s.endAt(now);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", ApiError.SESSION_ENDED.code());
    m.put("message", EndMessages.sentence(s, now));
    m.put("reason", end.reason().code());
    m.put("ended_at", time(end.at()));
    m.put("session_id", s.id());
    m.putAll(cause(end));
    return m;
  }

  private static Map<String, Object> cause(SessionEnd end) {
    Map<String, Object> m = new LinkedHashMap<>();
    EndCause cause = end.cause();
    if (end.reason() == EndReason.SESSION_LIMIT_REACHED) {
      m.put("scope", cause.scope() == null ? null : cause.scope().code());
      m.put("limit", cause.limit());
    }
    boolean byLogin =
        end.reason() == EndReason.SESSION_LIMIT_REACHED
            || end.reason() == EndReason.SIGNED_OUT_AT_SIGN_IN;
    if (byLogin && cause.loginAt() != null) {
      Map<String, Object> login = new LinkedHashMap<>();
      login.put("at", time(cause.loginAt()));
      login.put("ip", cause.loginIp());
      login.put("user_agent", cause.loginUserAgent());
      login.put("browser", UserAgents.describe(cause.loginUserAgent()));
      login.put("device", cause.loginDevice());
      m.put("caused_by", login);
    }
    if (cause.actor() != null) {
      m.put("ended_by", cause.actor());
    }
    return m;
  }

  /** A user, without the password hash. */
  public static Map<String, Object> user(User u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("username", u.username());
    m.put("admin", u.admin());
    m.put("disabled", u.disabled());
    m.put("sessions_limit", u.sessionsLimit());
    m.put("created_at", time(u.createdAt()));
    m.put("updated_at", time(u.updatedAt()));
    return m;
  }

  /**
   * A user as administrators see her: {@link #user(User)} with her groups ({@code name} and {@code
   * source} of each membership) and her {@code effective_limit}: {@code limit} (null when
   * unlimited), {@code source} ({@code user}, {@code group} or {@code default}) and {@code group}
   * (the group it comes from, else null).
   */
  public static Map<String, Object> user(
      User u, List<GroupStore.Membership> memberships, UserLimit limit) {
    Map<String, Object> m = user(u);
    List<Object> groups = new ArrayList<>();
    for (GroupStore.Membership membership : memberships) {
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("name", membership.group());
      g.put("source", membership.source().name().toLowerCase(Locale.ROOT));
      groups.add(g);
    }
    m.put("groups", groups);
    Map<String, Object> effective = new LinkedHashMap<>();
    effective.put("limit", limit.unlimited() ? null : limit.value());
    effective.put(
        "source",
        switch (limit.source()) {
          case USER -> "user";
          case GROUP -> "group";
          case GLOBAL -> "default";
        });
    effective.put("group", limit.group().orElse(null));
    m.put("effective_limit", effective);
    return m;
  }

  /** A group: its name, its limit (null for none, -1 unlimited), its member count and times. */
  public static Map<String, Object> group(Group g, int members) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", g.name());
    m.put("sessions_limit", g.sessionsLimit());
    m.put("members", members);
    m.put("created_at", time(g.createdAt()));
    m.put("updated_at", time(g.updatedAt()));
    return m;
  }

  /** An audit event, its details as JSON. */
  public static Map<String, Object> audit(AuditEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("at", time(e.at()));
    m.put("type", e.type());
    m.put("actor", e.actor());
    m.put("client_ip", e.clientIp());
    m.put("subject", e.subject());
    m.put("session_id", e.sessionId());
    m.put("details", withBrowsers(Json.tree(e.details())));
    return m;
  }

  /**
   * Details with, beside each {@code user_agent} or {@code *_user_agent} text, what it describes
   * ({@code browser}, {@code *_browser}; {@link UserAgents}), so that no client parses the header.
   */
  private static Object withBrowsers(Object details) {
    if (details instanceof ObjectNode object) {
      List<String> agents = new ArrayList<>();
      object
          .fieldNames()
          .forEachRemaining(
              name -> {
                if (name.endsWith("user_agent") && object.get(name).isTextual()) {
                  agents.add(name);
                }
              });
      for (String name : agents) {
        String browser = name.substring(0, name.length() - "user_agent".length()) + "browser";
        if (!object.has(browser)) {
          object.put(browser, UserAgents.describe(object.get(name).asText()));
        }
      }
    }
    return details;
  }

  /** An API key as the API and the command line show it: never the key itself, nor its hash. */
  public static Map<String, Object> apiKey(ApiKey key) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", key.id());
    m.put("name", key.name());
    m.put("scopes", key.scopes().stream().map(ApiKeyScope::code).toList());
    m.put("created_at", time(key.createdAt()));
    m.put("created_by", key.createdBy());
    m.put("last_used_at", key.lastUsedAt().map(Views::time).orElse(null));
    m.put("revoked_at", key.revokedAt().map(Views::time).orElse(null));
    m.put("expires_at", key.expiresAt().map(Views::time).orElse(null));
    return m;
  }
}
