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

  /** Adds {@code user}; false if the name is taken. */
  boolean create(User user);

  /** Replaces the user of that name; false if there is none. */
  boolean update(User user);

  /** Removes the user; false if there was none. */
  boolean delete(String username);
}
