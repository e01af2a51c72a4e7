package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Optional;

/**
 * A user's effective per-user session limit and where it comes from: her own {@code sessionsLimit}
 * if set; else the highest limit among her groups that set one; else {@code SESSIONS_PER_USER}.
 * {@link QuotaPolicy#UNLIMITED} is higher than any number, so one unlimited group makes its members
 * unlimited. {@code group} names the group a {@link Source#GROUP} limit comes from (of several
 * groups with the same highest limit, the first by name) and is empty otherwise.
 */
public record UserLimit(int value, Source source, Optional<String> group) {

  /** Where a limit comes from. */
  public enum Source {
    /** The user's own {@code sessionsLimit}. */
    USER,
    /** The highest limit among the user's groups. */
    GROUP,
    /** {@code SESSIONS_PER_USER}: neither the user nor her groups set one. */
    GLOBAL
  }

  public UserLimit {
    requireNonNull(source, "source");
    requireNonNull(group, "group");
    User.requireValidLimit(value);
    if (group.isPresent() != (source == Source.GROUP)) {
      throw new IllegalArgumentException(
          "a limit names its group exactly when it comes from one, got " + source + " " + group);
    }
    group.ifPresent(Group::requireValidName);
  }

  /**
   * The limit of a user whose own limit is {@code userLimit} (null if she has none), who belongs to
   * {@code groups}, under {@code SESSIONS_PER_USER} = {@code sessionsPerUser}.
   */
  public static UserLimit of(Integer userLimit, Collection<Group> groups, int sessionsPerUser) {
    requireNonNull(groups, "groups");
    if (userLimit != null) {
      return new UserLimit(userLimit, Source.USER, Optional.empty());
    }
    Group highest = null;
    for (Group group : groups) {
      Integer limit = group.sessionsLimit();
      if (limit != null
          && (highest == null
              || isHigher(limit, highest.sessionsLimit())
              || (limit.equals(highest.sessionsLimit())
                  && group.name().compareTo(highest.name()) < 0))) {
        highest = group;
      }
    }
    if (highest != null) {
      return new UserLimit(highest.sessionsLimit(), Source.GROUP, Optional.of(highest.name()));
    }
    return new UserLimit(sessionsPerUser, Source.GLOBAL, Optional.empty());
  }

  /** Whether limit {@code a} allows more sessions than {@code b}: unlimited beats any number. */
  static boolean isHigher(int a, int b) {
    return (a == QuotaPolicy.UNLIMITED)
        ? b != QuotaPolicy.UNLIMITED
        : b != QuotaPolicy.UNLIMITED && a > b;
  }

  /** Whether this limit does not limit. */
  public boolean unlimited() {
    return value == QuotaPolicy.UNLIMITED;
  }
}
