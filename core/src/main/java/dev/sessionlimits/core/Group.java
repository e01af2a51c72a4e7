package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A group of users, which may carry a session limit for its members. {@code sessionsLimit} is null
 * when the group sets none, else {@link QuotaPolicy#UNLIMITED} or 1..{@value
 * User#MAX_SESSIONS_LIMIT}, as for a user's own limit ({@link User#requireValidLimit}). {@code
 * description} is never null; empty when there is none.
 *
 * <p>Names ({@link #isValidName}): 1 to {@value #MAX_NAME_LENGTH} characters (UTF-16 units, as Java
 * counts them), with no control character (Unicode category Cc), no unpaired surrogate, and no
 * whitespace at either end. Anything else is allowed, so that names from a directory ({@code Domain
 * Admins}) or an identity provider's claim ({@code /staff/ops}) are kept as they come. Names are
 * compared exactly: {@code Staff} and {@code staff} are two groups.
 */
public record Group(
    String name, Integer sessionsLimit, String description, Instant createdAt, Instant updatedAt) {

  /** The longest group name, in UTF-16 units. */
  public static final int MAX_NAME_LENGTH = 64;

  /** The longest description, in UTF-16 units. */
  public static final int MAX_DESCRIPTION_LENGTH = 1024;

  public Group {
    requireValidName(name);
    User.requireValidLimit(sessionsLimit);
    requireNonNull(description, "description");
    if (description.length() > MAX_DESCRIPTION_LENGTH) {
      throw new IllegalArgumentException(
          "a group's description has at most "
              + MAX_DESCRIPTION_LENGTH
              + " characters, got "
              + description.length());
    }
    requireNonNull(createdAt, "createdAt");
    requireNonNull(updatedAt, "updatedAt");
  }

  /** A group without a limit or description, as one first named by a directory or a provider. */
  public static Group named(String name, Instant now) {
    return new Group(name, null, "", now, now);
  }

  /** This group with {@code sessionsLimit} (null for none), changed at {@code now}. */
  public Group withLimit(Integer limit, Instant now) {
    return new Group(name, limit, description, createdAt, now);
  }

  /** Whether {@code name} is a valid group name (see the class comment); false for null. */
  public static boolean isValidName(String name) {
    return name != null
        && !name.isEmpty()
        && name.length() <= MAX_NAME_LENGTH
        && !Character.isWhitespace(name.codePointAt(0))
        && !Character.isWhitespace(name.codePointBefore(name.length()))
        && name.codePoints()
            .noneMatch(
                c ->
                    Character.getType(c) == Character.CONTROL
                        || Character.getType(c) == Character.SURROGATE);
  }

  /** Throws unless {@code name} is a valid group name, saying what a valid one is. */
  public static void requireValidName(String name) {
    requireNonNull(name, "name");
    if (!isValidName(name)) {
      throw new IllegalArgumentException(
          "a group name must be 1 to "
              + MAX_NAME_LENGTH
              + " characters without control characters or whitespace at either end, got \""
              + name.codePoints()
                  .map(c -> Character.getType(c) == Character.CONTROL ? '?' : c)
                  .collect(
                      StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
              + "\"");
    }
  }
}
