package dev.sessionlimits.server.service;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.Group;
import dev.sessionlimits.core.GroupSource;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.GroupStore.Membership;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Settings;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserLimit;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.Sentence;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Groups and their session limits, whoever asks: the administrators' list, creation (409 {@code
 * group_exists}), a new limit, deletion (404 {@code group_not_found}), the groups an administrator
 * assigns to a user (400 {@code unknown_groups}), and each user's effective limit with where it
 * comes from.
 *
 * <p>The effective limit is the user's own {@code sessions_limit} if set; else the highest limit
 * among her groups that set one (from any source: assigned here, the directory, the identity
 * provider); else {@code SESSIONS_PER_USER} ({@link UserLimit}). {@link #policy} is the one place
 * that turns it into the policy of a login ({@link SignIns}) and of enforcement ({@link
 * Enforcement}), so a lowered group limit is applied exactly as a lowered user limit is: the next
 * login of a member keeps within it, and {@code POST /api/v1/sessions/enforce} ends the sessions
 * over it. A change of a limit ends no session by itself.
 */
public final class Groups {

  private final GroupStore store;
  private final UserStore users;
  private final SettingsService settings;
  private final InstantSource clock;

  /**
   * @param store read on every call, never through a cache: a group's new limit applies at once on
   *     every node
   * @param users must read the store itself (a user assigned groups must exist now)
   */
  public Groups(GroupStore store, UserStore users, SettingsService settings, InstantSource clock) {
    this.store = requireNonNull(store, "store");
    this.users = requireNonNull(users, "users");
    this.settings = requireNonNull(settings, "settings");
    this.clock = requireNonNull(clock, "clock");
  }

  /** A group and how many users belong to it, through any source. */
  public record Listed(Group group, int members) {
    public Listed {
      requireNonNull(group, "group");
      if (members < 0) {
        throw new IllegalArgumentException("members must be at least 0, got " + members);
      }
    }
  }

  /** A group's limit before and after a change. */
  public record Changed(Group before, Group after) {}

  /** The groups a user belongs to, and her effective limit under the settings in force. */
  public record Standing(List<Membership> memberships, UserLimit limit) {
    public Standing {
      memberships = List.copyOf(memberships);
      requireNonNull(limit, "limit");
    }
  }

  /** Every group with its member count, by name. */
  public List<Listed> list() {
    Map<String, Integer> counts = store.memberCounts();
    List<Listed> listed = new ArrayList<>();
    for (Group group : store.list()) {
      listed.add(new Listed(group, counts.getOrDefault(group.name(), 0)));
    }
    return listed;
  }

  /** The group named {@code name} with its member count; 404 {@code group_not_found}. */
  public Listed existing(String name) {
    Group group = store.find(name).orElseThrow(() -> notFound(name));
    return new Listed(group, store.memberCounts().getOrDefault(name, 0));
  }

  /**
   * Creates a group without members; 409 {@code group_exists} if one of that name exists (from any
   * source: a directory's group made at a member's login counts).
   *
   * @param limit null for none, -1 for unlimited, or 1..100000
   */
  public Group create(String name, Integer limit) {
    Instant now = clock.instant();
    Group group = new Group(name, limit, "", now, now);
    if (!store.create(group)) {
      throw ApiError.GROUP_EXISTS.exception(name);
    }
    return group;
  }

  /**
   * Sets the group's limit (null for none); 404 {@code group_not_found}. No session ends: the
   * members' next logins keep within the new limit, and enforcement ends the sessions over it.
   */
  public Changed setLimit(String name, Integer limit) {
    Group before = store.find(name).orElseThrow(() -> notFound(name));
    Group after = before.withLimit(limit, clock.instant());
    if (!store.update(after)) {
      throw notFound(name);
    }
    return new Changed(before, after);
  }

  /** Deletes the group and every membership of it, from every source; 404 if there is none. */
  public void delete(String name) {
    if (!store.delete(name)) {
      throw notFound(name);
    }
  }

  /**
   * Makes {@code names} the groups an administrator assigned to {@code username} ({@link
   * GroupSource#LOCAL}); her memberships from the directory or the identity provider stay. 404
   * {@code user_not_found} if there is no such user; 400 {@code unknown_groups}, changing nothing,
   * if a name names no group.
   *
   * @return the user's memberships now, from every source
   */
  public List<Membership> assign(String username, Set<String> names) {
    if (users.find(username).isEmpty()) {
      throw ApiError.USER_NOT_FOUND.exception(username);
    }
    GroupStore.Replacement answer = store.replaceMemberships(username, GroupSource.LOCAL, names);
    if (answer instanceof GroupStore.UnknownGroups unknown) {
      List<String> missing = List.copyOf(new TreeSet<>(unknown.names()));
      String quoted = "\"" + String.join("\", \"", missing) + "\"";
      throw ApiError.UNKNOWN_GROUPS
          .exception(Sentence.of("groups.unknown", missing.size(), quoted))
          .withFields(Map.of("groups", missing));
    }
    return store.membershipsOf(username);
  }

  /** {@code user}'s groups and effective limit under the settings in force. */
  public Standing standingOf(User user) {
    return standingsOf(List.of(user)).get(user.username());
  }

  /**
   * The groups and effective limit of each of {@code list}, by user name, under the settings in
   * force: one read of the groups and one of each user's memberships.
   */
  public Map<String, Standing> standingsOf(List<User> list) {
    int perUser = settings.settings().sessionsPerUser();
    Map<String, Group> groups = new LinkedHashMap<>();
    for (Group group : store.list()) {
      groups.put(group.name(), group);
    }
    Map<String, Standing> standings = new LinkedHashMap<>();
    for (User user : list) {
      List<Membership> memberships = store.membershipsOf(user.username());
      List<Group> own = new ArrayList<>();
      for (Membership m : memberships) {
        Group group = groups.get(m.group());
        if (group != null && !own.contains(group)) {
          own.add(group);
        }
      }
      standings.put(
          user.username(),
          new Standing(memberships, UserLimit.of(user.sessionsLimit(), own, perUser)));
    }
    return standings;
  }

  /** {@code user}'s effective limit under {@code current} ({@link GroupStore#limitOf}). */
  public UserLimit limitOf(User user, Settings current) {
    return store.limitOf(user, current.sessionsPerUser());
  }

  /** The policy of a login or of enforcement for {@code user} under {@code current}. */
  public QuotaPolicy policyOf(User user, Settings current) {
    return policy(store, user, current, settings.actions());
  }

  /**
   * The one rule for a user's policy: her effective limit ({@link GroupStore#limitOf}) under {@code
   * current}, or no limits when quota constraints are off or she is an exempt administrator ({@link
   * QuotaPolicy#forUser}). For {@link SignIns}, which holds the store itself.
   */
  public static QuotaPolicy policy(
      GroupStore store, User user, Settings current, ExhaustionActions actions) {
    UserLimit limit = store.limitOf(user, current.sessionsPerUser());
    return QuotaPolicy.forUser(current, limit, user.admin(), actions);
  }

  /** Forgets every membership of {@code username}, from every source: she was deleted. */
  void forget(String username) {
    store.forget(username);
  }

  private static RuntimeException notFound(String name) {
    return ApiError.GROUP_NOT_FOUND.exception(name);
  }
}
