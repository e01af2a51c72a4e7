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
import java.time.Instant;
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
 * settings and the user's limit, as a login would get it); each ends with {@code
 * session_limit_reached}, its scope, its limit and the administrator who asked.
 */
public final class Enforcement {

  private final SessionManager sessions;
  private final UserStore users;
  private final SettingsService settings;
  private final InstantSource clock;

  /** Ends sessions over the limits of {@code settings} and of each user. */
  public Enforcement(
      SessionManager sessions, UserStore users, SettingsService settings, InstantSource clock) {
    this.sessions = sessions;
    this.users = users;
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
    Map<String, QuotaPolicy> policies = new LinkedHashMap<>();
    Instant now = clock.instant();
    QuotaPolicy addresses = QuotaPolicy.forLogin(current, null, false, settings.actions());
    List<QuotaDecision.Eviction> evictions =
        Quota.enforce(
            sessions.liveSessions(),
            user -> policies.computeIfAbsent(user, u -> policyOf(u, current)),
            addresses,
            now);
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

  private QuotaPolicy policyOf(String username, Settings current) {
    Optional<User> user = users.find(username);
    return QuotaPolicy.forLogin(
        current,
        user.map(User::sessionsLimit).orElse(null),
        user.map(User::admin).orElse(false),
        settings.actions());
  }
}
