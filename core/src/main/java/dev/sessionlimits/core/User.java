package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * An account. {@code passwordHash} is an encoded Argon2id hash (never the password); null for an
 * account that cannot sign in with a password. {@code sessionsLimit} overrides {@code
 * SESSIONS_PER_USER} for this user; null means "use the global value".
 */
public record User(
    String username,
    String passwordHash,
    boolean admin,
    boolean disabled,
    Integer sessionsLimit,
    Instant createdAt,
    Instant updatedAt) {

  /** Letters, digits and {@code . _ @ -}, 1 to 64 characters. */
  public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

  /** The largest per-user limit, as for {@code SESSIONS_PER_USER}. */
  public static final int MAX_SESSIONS_LIMIT = 100_000;

  public User {
    requireValidUsername(username);
    requireValidLimit(sessionsLimit);
    requireNonNull(createdAt, "createdAt");
    requireNonNull(updatedAt, "updatedAt");
  }

  /** An administrator whose account is not disabled: one who can administer. */
  public boolean enabledAdministrator() {
    return admin && !disabled;
  }

  /** Throws unless {@code username} is a valid user name ({@link #USERNAME}). */
  public static void requireValidUsername(String username) {
    requireNonNull(username, "username");
    if (!USERNAME.matcher(username).matches()) {
      throw new IllegalArgumentException(
          "username must be 1 to 64 letters, digits or . _ @ -, got \"" + username + "\"");
    }
  }

  /** Throws unless {@code limit} is null, -1, or 1..{@value #MAX_SESSIONS_LIMIT}. */
  public static void requireValidLimit(Integer limit) {
    if (limit != null
        && limit != QuotaPolicy.UNLIMITED
        && (limit < 1 || limit > MAX_SESSIONS_LIMIT)) {
      throw new IllegalArgumentException(
          "sessions_limit must be null (use the global value), -1"
              + " (unlimited) or 1.."
              + MAX_SESSIONS_LIMIT
              + ", got "
              + limit);
    }
  }
}
