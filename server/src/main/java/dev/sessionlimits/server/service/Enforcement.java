package dev.sessionlimits.server.service;

import dev.sessionlimits.core.EndCause;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Quota;
import dev.sessionlimits.core.QuotaDecision;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Scope;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.Settings;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Brings the live sessions within the limits in force now ({@code POST /api/v1/sessions/enforce}):
 * after the limits were lowered, say, sessions opened under the old ones may exceed them. Which
 * sessions end is {@link Quota#enforce}'s decision, under each user's own policy (the layered
 * settings and the user's effective limit: her own, else her groups' highest, else {@code
 * SESSIONS_PER_USER}; {@link Groups#policyOf}, as a login gets it); each ends with {@code
 * session_limit_reached}, its scope, its limit and the administrator who asked. The sessions of a
 * user who no longer exists are held to {@code SESSIONS_PER_USER}.
 */
public final class Enforcement {

  private final SessionManager sessions;
  private final UserStore users;
  private final Groups groups;
  private final SettingsService settings;
  private final InstantSource clock;

  /**
   * Ends sessions over the limits of {@code settings} and of each user and her groups; {@code
   * users} must read the store itself.
   */
  public Enforcement(
      SessionManager sessions,
      UserStore users,
      Groups groups,
      SettingsService settings,
      InstantSource clock) {
    this.sessions = sessions;
    this.users = users;
    this.groups = groups;
    this.settings = settings;
    this.clock = clock;
  }

  /** A session over a limit: the live one for a dry run, else as this enforcement ended it. */
  public record Over(Session session, Scope scope, int limit) {}

  /**
   * Ends, by {@code actor}, the sessions over the limits now; with {@code dryRun} only names them.
   * A session that ended otherwise meanwhile is left out.
   */
  public List<Over> enforce(boolean dryRun, String actor) {
    Settings current = settings.settings();
    List<QuotaDecision.Eviction> evictions = evictions(current, new LinkedHashMap<>());
    List<Over> over = new ArrayList<>();
    for (QuotaDecision.Eviction eviction : evictions) {
      Session s = eviction.session();
      if (dryRun) {
        over.add(new Over(s, eviction.scope(), eviction.limit()));
        continue;
      }
      EndCause cause =
          new EndCause(eviction.scope(), eviction.limit(), null, null, null, null, null, actor);
      Optional<Session> done =
          sessions.end(
              s.id(), new SessionEnd(EndReason.SESSION_LIMIT_REACHED, clock.instant(), cause));
      done.ifPresent(ended -> over.add(new Over(ended, eviction.scope(), eviction.limit())));
    }
    return over;
  }

  /**
   * The live sessions that {@link #enforce} would end now because their user is over the limit that
   * {@code group} gives her (her own limit, or a higher group's, wins over it): after the group's
   * limit was lowered, say. Ends nothing.
   */
  public List<Session> overLimitOf(String group) {
    Settings current = settings.settings();
    Map<String, Optional<User>> found = new LinkedHashMap<>();
    List<Session> over = new ArrayList<>();
    for (QuotaDecision.Eviction eviction : evictions(current, found)) {
      Optional<User> user = found.getOrDefault(eviction.session().user(), Optional.empty());
      if (eviction.scope() == Scope.USER
          && user.isPresent()
          && groups.limitOf(user.get(), current).group().filter(group::equals).isPresent()) {
        over.add(eviction.session());
      }
    }
    return over;
  }

  /** What {@link Quota#enforce} decides now; {@code found} collects the users it read. */
  private List<QuotaDecision.Eviction> evictions(
      Settings current, Map<String, Optional<User>> found) {
    Map<String, QuotaPolicy> policies = new LinkedHashMap<>();
    QuotaPolicy addresses = QuotaPolicy.forLogin(current, null, false, settings.actions());
    return Quota.enforce(
        sessions.liveSessions(),
        username ->
            policies.computeIfAbsent(
                username,
                u -> {
                  Optional<User> user = users.find(u);
                  found.put(u, user);
                  return user.map(known -> groups.policyOf(known, current)).orElse(addresses);
                }),
        addresses,
        clock.instant());
  }
}
