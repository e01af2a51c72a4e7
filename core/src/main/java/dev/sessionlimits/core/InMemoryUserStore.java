package dev.sessionlimits.core;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

final class InMemoryUserStore implements UserStore {

  private final ConcurrentSkipListMap<String, User> users = new ConcurrentSkipListMap<>();

  @Override
  public Optional<User> find(String username) {
    return Optional.ofNullable(users.get(username));
  }

  @Override
  public List<User> list() {
    return List.copyOf(users.values());
  }

  @Override
  public boolean create(User user) {
    return users.putIfAbsent(user.username(), user) == null;
  }

  @Override
  public boolean update(User user) {
    return users.replace(user.username(), user) != null;
  }

  @Override
  public boolean delete(String username) {
    return users.remove(username) != null;
  }

  /** One guarded change at a time, so that two cannot each count the other as the one left. */
  @Override
  public synchronized Guarded updateKeepingAnAdministrator(User user) {
    return UserStore.super.updateKeepingAnAdministrator(user);
  }

  @Override
  public synchronized Guarded deleteKeepingAnAdministrator(String username) {
    return UserStore.super.deleteKeepingAnAdministrator(username);
  }
}
