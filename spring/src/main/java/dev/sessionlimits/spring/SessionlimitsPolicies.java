package dev.sessionlimits.spring;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Settings;
import dev.sessionlimits.core.UserLimit;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The checked settings and the policy each login is judged by: the user's own limit from the {@link
 * SessionLimitResolver}, administrators exempt if configured, through core's {@link
 * QuotaPolicy#forUser}, the server's rule.
 */
public final class SessionlimitsPolicies {

  private final Settings settings;
  private final ExhaustionActions actions;
  private final SessionLimitResolver resolver;
  private final String adminAuthority;

  public SessionlimitsPolicies(
      Settings settings,
      ExhaustionActions actions,
      SessionLimitResolver resolver,
      String adminAuthority) {
    this.settings = requireNonNull(settings, "settings");
    this.actions = requireNonNull(actions, "actions");
    this.resolver = requireNonNull(resolver, "resolver");
    this.adminAuthority = requireNonNull(adminAuthority, "adminAuthority");
  }

  /** The policy of a login by {@code authentication}. */
  public QuotaPolicy policyFor(Authentication authentication) {
    OptionalInt own = resolver.limitOf(authentication);
    UserLimit limit =
        UserLimit.of(
            own.isPresent() ? own.getAsInt() : null, List.of(), settings.sessionsPerUser());
    return QuotaPolicy.forUser(settings, limit, isAdmin(authentication), actions);
  }

  /** The idle timeout each request extends a session by. */
  public Duration idleTimeout() {
    return Duration.ofSeconds(settings.sessionCookieAge());
  }

  /** The checked settings. */
  public Settings settings() {
    return settings;
  }

  private boolean isAdmin(Authentication authentication) {
    for (GrantedAuthority authority : authentication.getAuthorities()) {
      if (adminAuthority.equals(authority.getAuthority())) {
        return true;
      }
    }
    return false;
  }
}
