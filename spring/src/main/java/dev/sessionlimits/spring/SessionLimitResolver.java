package dev.sessionlimits.spring;

import java.util.Objects;
import java.util.OptionalInt;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * A user's own session limit, from what the application knows of her: an authority, a group, a
 * database column. Empty means {@code sessionlimits.sessions-per-user}; -1 is unlimited. Declare a
 * bean of this type to replace the default, {@link #byAuthorityPrefix}.
 */
@FunctionalInterface
public interface SessionLimitResolver {

  /** The limit of the user who just authenticated, or empty for the global one. */
  OptionalInt limitOf(Authentication authentication);

  /**
   * The default: an authority made of {@code prefix} and a number ({@code SESSIONS_LIMIT_3}) gives
   * that number; of several, the highest counts, -1 (unlimited) being higher than any. Authorities
   * whose rest is not a number are ignored.
   */
  static SessionLimitResolver byAuthorityPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    return authentication -> {
      OptionalInt best = OptionalInt.empty();
      for (GrantedAuthority authority : authentication.getAuthorities()) {
        String name = authority.getAuthority();
        if (name == null || !name.startsWith(prefix)) {
          continue;
        }
        int limit;
        try {
          limit = Integer.parseInt(name.substring(prefix.length()));
        } catch (NumberFormatException e) {
          continue;
        }
        if (best.isEmpty() || isHigher(limit, best.getAsInt())) {
          best = OptionalInt.of(limit);
        }
      }
      return best;
    };
  }

  private static boolean isHigher(int limit, int than) {
    return than != -1 && (limit == -1 || limit > than);
  }
}
