package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Groups and memberships in this JVM's memory. One change or read at a time (every method is
 * synchronized), which makes each one atomic.
 */
final class InMemoryGroupStore implements GroupStore {

  private static final Comparator<Membership> ORDER =
      Comparator.comparing(Membership::group).thenComparing(Membership::source);

  private final InstantSource clock;
  private final TreeMap<String, Group> groups = new TreeMap<>();
  private final Map<String, Set<Membership>> memberships = new HashMap<>();

  /**
   * @param clock the time of the groups that {@link #replaceMemberships} creates
   */
  InMemoryGroupStore(InstantSource clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public synchronized List<Group> list() {
    return List.copyOf(groups.values());
  }

  @Override
  public synchronized Optional<Group> find(String name) {
    return Optional.ofNullable(groups.get(requireNonNull(name, "name")));
  }

  @Override
  public synchronized boolean create(Group group) {
    requireNonNull(group, "group");
    return groups.putIfAbsent(group.name(), group) == null;
  }

  @Override
  public synchronized boolean update(Group group) {
    requireNonNull(group, "group");
    return groups.replace(group.name(), group) != null;
  }

  @Override
  public synchronized boolean delete(String name) {
    requireNonNull(name, "name");
    if (groups.remove(name) == null) {
      return false;
    }
    for (Set<Membership> own : memberships.values()) {
      own.removeIf(m -> m.group().equals(name));
    }
    memberships.values().removeIf(Set::isEmpty);
    return true;
  }

  @Override
  public synchronized Map<String, Integer> memberCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Set<Membership> own : memberships.values()) {
      own.stream().map(Membership::group).distinct().forEach(g -> counts.merge(g, 1, Integer::sum));
    }
    return counts;
  }

  @Override
  public synchronized List<Group> groupsOf(String username) {
    requireNonNull(username, "username");
    Set<String> names = new TreeSet<>();
    for (Membership m : memberships.getOrDefault(username, Set.of())) {
      names.add(m.group());
    }
    return names.stream().map(groups::get).toList();
  }

  @Override
  public synchronized List<Membership> membershipsOf(String username) {
    requireNonNull(username, "username");
    return memberships.getOrDefault(username, Set.of()).stream().sorted(ORDER).toList();
  }

  @Override
  public synchronized Replacement replaceMemberships(
      String username, GroupSource source, Set<String> groupNames) {
    User.requireValidUsername(username);
    requireNonNull(source, "source");
    Set<String> names = new TreeSet<>(requireNonNull(groupNames, "groupNames"));
    names.forEach(Group::requireValidName);
    List<String> missing = names.stream().filter(n -> !groups.containsKey(n)).toList();
    if (source == GroupSource.LOCAL && !missing.isEmpty()) {
      return new UnknownGroups(Set.copyOf(missing));
    }
    Instant now = clock.instant();
    for (String name : missing) {
      groups.put(name, Group.named(name, now));
    }
    Set<Membership> own = memberships.computeIfAbsent(username, u -> new TreeSet<>(ORDER));
    own.removeIf(m -> m.source() == source);
    for (String name : names) {
      own.add(new Membership(name, source));
    }
    if (own.isEmpty()) {
      memberships.remove(username);
    }
    return new Replaced(Set.copyOf(missing));
  }

  @Override
  public synchronized void forget(String username) {
    memberships.remove(requireNonNull(username, "username"));
  }
}
