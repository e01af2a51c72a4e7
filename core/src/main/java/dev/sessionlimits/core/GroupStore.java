package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where groups and users' memberships of them are kept. Shared by all nodes of a cluster.
 *
 * <p>A user belongs to a group through one or more {@link GroupSource sources}: assigned by an
 * administrator ({@link GroupSource#LOCAL}), or read at login from the directory ({@link
 * GroupSource#LDAP}) or the identity provider ({@link GroupSource#OIDC}). Each source's memberships
 * are replaced as a whole ({@link #replaceMemberships}) and leave the others alone. Memberships are
 * kept by user name; the user need not be in the {@link UserStore}, and {@link #forget} removes
 * them when she is deleted.
 *
 * <p>Group names are compared exactly ({@link Group}). Every method throws {@link
 * StoreUnavailableException} when the store cannot be reached or failed ("try again"; nothing
 * changed), and {@link IllegalArgumentException} for an invalid user or group name given to a
 * change.
 */
public interface GroupStore {

  /** A new store in this JVM's memory. */
  static GroupStore inMemory() {
    return new InMemoryGroupStore(InstantSource.system());
  }

  /** Every group, by name. */
  List<Group> list();

  Optional<Group> find(String name);

  /** Adds {@code group}; false if a group of that name exists already (nothing changed). */
  boolean create(Group group);

  /** Replaces the group of that name, keeping its members; false if there is none. */
  boolean update(Group group);

  /** Removes the group and every membership of it, from every source; false if there was none. */
  boolean delete(String name);

  /**
   * How many users belong to each group that has members, through any source (a user who belongs to
   * a group through several sources counts once), by group name; a group without members is absent.
   * One read, whatever the number of groups.
   */
  Map<String, Integer> memberCounts();

  /** The groups {@code username} belongs to through any source, each once, by name. */
  List<Group> groupsOf(String username);

  /** {@code username}'s memberships, by group name, then source. */
  List<Membership> membershipsOf(String username);

  /**
   * Makes {@code groupNames} the groups {@code username} belongs to through {@code source}, in one
   * atomic step; her memberships through other sources stay. Two replacements for the same user run
   * one after the other: the memberships are those of one of them, never a mix.
   *
   * <p>For {@link GroupSource#LDAP} and {@link GroupSource#OIDC}, a named group that does not exist
   * yet is created without a limit or description (a directory's or provider's group is known the
   * moment a member logs in); for {@link GroupSource#LOCAL} every named group must exist, else
   * nothing changes and the answer names those that do not.
   *
   * @throws IllegalArgumentException if {@code username} or a group name is not valid
   */
  Replacement replaceMemberships(String username, GroupSource source, Set<String> groupNames);

  /**
   * {@code user}'s effective session limit ({@link UserLimit#of}) under {@code SESSIONS_PER_USER} =
   * {@code sessionsPerUser}; reads no groups when the user sets her own.
   */
  default UserLimit limitOf(User user, int sessionsPerUser) {
    requireNonNull(user, "user");
    List<Group> groups = (user.sessionsLimit() != null) ? List.of() : groupsOf(user.username());
    return UserLimit.of(user.sessionsLimit(), groups, sessionsPerUser);
  }

  /** Removes every membership of {@code username}, from every source: she was deleted. */
  void forget(String username);

  /** That a user belongs to {@code group} through {@code source}. */
  record Membership(String group, GroupSource source) {
    public Membership {
      Group.requireValidName(group);
      requireNonNull(source, "source");
    }
  }

  /** The answer of {@link #replaceMemberships}. */
  sealed interface Replacement {}

  /**
   * The memberships were replaced; {@code createdGroups} are the groups that did not exist before
   * and were made for them (LDAP and OIDC only).
   */
  record Replaced(Set<String> createdGroups) implements Replacement {
    public Replaced {
      createdGroups = Set.copyOf(createdGroups);
    }
  }

  /** Nothing changed: {@code names} name no existing group (LOCAL only). */
  record UnknownGroups(Set<String> names) implements Replacement {
    public UnknownGroups {
      names = Set.copyOf(names);
      if (names.isEmpty()) {
        throw new IllegalArgumentException("UnknownGroups needs at least one name");
      }
    }
  }
}
