package dev.sessionlimits.core;

import java.util.List;
import java.util.Optional;

/** Where accounts are kept. Shared by all nodes of a cluster. */
public interface UserStore {

  /** A new store in this JVM's memory. */
  static UserStore inMemory() {
    return new InMemoryUserStore();
  }

  Optional<User> find(String username);

  /** Every user, by user name. */
  List<User> list();

  /**
   * One page of users ({@link UserQuery}). The default selects from {@link #list} in memory; a
   * database store overrides it with a query.
   */
  default UserQuery.Page page(UserQuery query) {
    return query.select(list());
  }

  /** Adds {@code user}; false if the name is taken. */
  boolean create(User user);

  /** Replaces the user of that name; false if there is none. */
  boolean update(User user);

  /** Removes the user; false if there was none. */
  boolean delete(String username);

  /** The outcome of a change that must leave at least one enabled administrator. */
  enum Guarded {
    /** The change was made. */
    DONE,
    /** There is no user of that name; nothing changed. */
    NOT_FOUND,
    /**
     * The user is the last enabled administrator and the change would end that; nothing changed.
     */
    LAST_ADMINISTRATOR
  }

  /**
   * Replaces the user of that name, unless that user is an enabled administrator, {@code user} is
   * not (demoted or disabled), and no other enabled administrator exists. The check and the write
   * are one atomic step: two concurrent demotions of the last two administrators leave one of them.
   *
   * <p>The default checks, then writes, and is exact only while nothing else changes users at the
   * same time; stores shared by threads or nodes override it (this project's stores all do).
   */
  default Guarded updateKeepingAnAdministrator(User user) {
    Optional<User> current = find(user.username());
    if (current.isEmpty()) {
      return Guarded.NOT_FOUND;
    }
    if (endsAnAdministrator(current.get(), user)
        && !anotherAdministrator(list(), user.username())) {
      return Guarded.LAST_ADMINISTRATOR;
    }
    return update(user) ? Guarded.DONE : Guarded.NOT_FOUND;
  }

  /**
   * Removes the user, unless it is the last enabled administrator; atomic like {@link
   * #updateKeepingAnAdministrator}, with the same caveat for the default.
   */
  default Guarded deleteKeepingAnAdministrator(String username) {
    Optional<User> current = find(username);
    if (current.isEmpty()) {
      return Guarded.NOT_FOUND;
    }
    if (current.get().enabledAdministrator() && !anotherAdministrator(list(), username)) {
      return Guarded.LAST_ADMINISTRATOR;
    }
    return delete(username) ? Guarded.DONE : Guarded.NOT_FOUND;
  }

  /** Whether replacing {@code current} by {@code next} takes away an enabled administrator. */
  private static boolean endsAnAdministrator(User current, User next) {
    return current.enabledAdministrator() && !next.enabledAdministrator();
  }

  /** Whether {@code users} hold an enabled administrator other than {@code username}. */
  private static boolean anotherAdministrator(List<User> users, String username) {
    return users.stream().anyMatch(u -> u.enabledAdministrator() && !u.username().equals(username));
  }
}
