package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.instant;
import static dev.sessionlimits.store.jdbc.Sql.setInstant;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserQuery;
import dev.sessionlimits.core.UserStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The {@link UserStore} on the {@code sl_users} table. */
final class JdbcUsers implements UserStore {

  private static final String SELECT =
      "SELECT username, password_hash, is_admin, is_disabled,"
          + " sessions_limit, created_at, updated_at FROM sl_users";
  private static final String BY_USERNAME = SELECT + " WHERE username = ?";
  private static final String INSERT =
      "INSERT INTO sl_users (password_hash, is_admin, is_disabled,"
          + " sessions_limit, created_at, updated_at, username) VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String UPDATE =
      "UPDATE sl_users SET password_hash = ?, is_admin = ?, is_disabled = ?, sessions_limit = ?,"
          + " created_at = ?, updated_at = ? WHERE username = ?";

  /*
   * Design note: the last enabled administrator. A guarded change locks every enabled
   * administrator's row (in username order, so two guarded changes cannot deadlock), then the
   * target's row, and only then counts the other enabled administrators with a new statement, whose
   * snapshot (READ COMMITTED) is taken after the locks: of two concurrent demotions of the last two
   * administrators, the second waits for the first and then counts none left.
   */
  private static final String LOCK_ADMINISTRATORS =
      "SELECT username FROM sl_users"
          + " WHERE is_admin = TRUE AND is_disabled = FALSE ORDER BY username FOR UPDATE";
  private static final String LOCK_USER = SELECT + " WHERE username = ? FOR UPDATE";
  private static final String COUNT_OTHER_ADMINISTRATORS =
      "SELECT COUNT(*) AS administrators"
          + " FROM sl_users WHERE is_admin = TRUE AND is_disabled = FALSE AND username <> ?";
  private static final String DELETE = "DELETE FROM sl_users WHERE username = ?";

  // A page (UserQuery): PAGE, then the filters given, then the order.
  private static final String PAGE = SELECT + " WHERE 1 = 1";

  /** Parameter: a LIKE pattern, lower case, escaped by backslash. */
  private static final String PAGE_TEXT = " AND LOWER(username) LIKE ? ESCAPE '\\'";

  private static final String PAGE_AFTER = " AND username > ?";
  private static final String PAGE_BEFORE = " AND username < ?";

  /** Parameter: how many rows. */
  private static final String PAGE_ORDER = " ORDER BY username FETCH FIRST ? ROWS ONLY";

  private static final String PAGE_ORDER_DESCENDING =
      " ORDER BY username DESC FETCH FIRST ? ROWS ONLY";

  private final Database db;

  JdbcUsers(Database db) {
    this.db = db;
  }

  @Override
  public Optional<User> find(String username) {
    requireNonNull(username, "username");
    return Optional.ofNullable(
        db.autocommit(
            () -> "read user " + username,
            connection -> {
              try (PreparedStatement select = connection.prepareStatement(BY_USERNAME)) {
                select.setString(1, username);
                try (ResultSet rows = select.executeQuery()) {
                  return rows.next() ? read(rows) : null;
                }
              }
            }));
  }

  @Override
  public UserQuery.Page page(UserQuery query) {
    BoundQuery select = new BoundQuery(PAGE);
    query.text().ifPresent(text -> select.add(PAGE_TEXT, BoundQuery.containing(text)));
    query
        .after()
        .ifPresent(after -> select.add(query.descending() ? PAGE_BEFORE : PAGE_AFTER, after));
    select.add(query.descending() ? PAGE_ORDER_DESCENDING : PAGE_ORDER, query.limit() + 1);
    return query.cut(
        db.autocommit(
            () -> "list a page of users",
            connection -> {
              List<User> page = new ArrayList<>();
              try (PreparedStatement statement = select.prepare(connection);
                  ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                  page.add(read(rows));
                }
              }
              return page;
            }));
  }

  @Override
  public List<User> list() {
    List<User> users =
        db.autocommit(
            () -> "list the users",
            connection -> {
              List<User> all = new ArrayList<>();
              try (PreparedStatement select = connection.prepareStatement(SELECT);
                  ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                  all.add(read(rows));
                }
              }
              return all;
            });
    // Sorted here rather than by ORDER BY, so the order does not depend on the database's
    // collation.
    users.sort(Comparator.comparing(User::username));
    return users;
  }

  @Override
  public boolean create(User user) {
    requireNonNull(user, "user");
    return db.autocommit(
        () -> "create user " + user.username(),
        connection -> {
          try {
            boolean created = write(connection.prepareStatement(INSERT), user);
            db.persist(connection);
            return created;
          } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
              return false;
            }
            throw e;
          }
        });
  }

  @Override
  public boolean update(User user) {
    requireNonNull(user, "user");
    return db.autocommit(
        () -> "update user " + user.username(),
        connection -> {
          boolean updated = write(connection.prepareStatement(UPDATE), user);
          db.persist(connection);
          return updated;
        });
  }

  @Override
  public boolean delete(String username) {
    requireNonNull(username, "username");
    return db.autocommit(
        () -> "delete user " + username,
        connection -> {
          try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setString(1, username);
            boolean deleted = delete.executeUpdate() == 1;
            db.persist(connection);
            return deleted;
          }
        });
  }

  @Override
  public Guarded updateKeepingAnAdministrator(User user) {
    requireNonNull(user, "user");
    return db.transaction(
        () -> "update user " + user.username() + " keeping an administrator",
        connection -> {
          User current = lockForGuardedChange(connection, user.username());
          if (current == null) {
            return Guarded.NOT_FOUND;
          }
          if (current.enabledAdministrator()
              && !user.enabledAdministrator()
              && !anotherAdministrator(connection, user.username())) {
            return Guarded.LAST_ADMINISTRATOR;
          }
          return write(connection.prepareStatement(UPDATE), user)
              ? Guarded.DONE
              : Guarded.NOT_FOUND;
        });
  }

  @Override
  public Guarded deleteKeepingAnAdministrator(String username) {
    requireNonNull(username, "username");
    return db.transaction(
        () -> "delete user " + username + " keeping an administrator",
        connection -> {
          User current = lockForGuardedChange(connection, username);
          if (current == null) {
            return Guarded.NOT_FOUND;
          }
          if (current.enabledAdministrator() && !anotherAdministrator(connection, username)) {
            return Guarded.LAST_ADMINISTRATOR;
          }
          try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setString(1, username);
            return (delete.executeUpdate() == 1) ? Guarded.DONE : Guarded.NOT_FOUND;
          }
        });
  }

  /** Locks the enabled administrators, then {@code username}; returns that user, or null. */
  private static User lockForGuardedChange(Connection connection, String username)
      throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement(LOCK_ADMINISTRATORS);
        ResultSet rows = lock.executeQuery()) {
      while (rows.next()) {
        // Reading the rows is what takes their locks.
      }
    }
    try (PreparedStatement lock = connection.prepareStatement(LOCK_USER)) {
      lock.setString(1, username);
      try (ResultSet rows = lock.executeQuery()) {
        return rows.next() ? read(rows) : null;
      }
    }
  }

  private static boolean anotherAdministrator(Connection connection, String username)
      throws SQLException {
    try (PreparedStatement count = connection.prepareStatement(COUNT_OTHER_ADMINISTRATORS)) {
      count.setString(1, username);
      try (ResultSet rows = count.executeQuery()) {
        rows.next();
        return rows.getLong("administrators") > 0;
      }
    }
  }

  private static boolean write(PreparedStatement statement, User user) throws SQLException {
    try (statement) {
      statement.setString(1, user.passwordHash());
      statement.setBoolean(2, user.admin());
      statement.setBoolean(3, user.disabled());
      Sql.setInteger(statement, 4, user.sessionsLimit());
      setInstant(statement, 5, user.createdAt());
      setInstant(statement, 6, user.updatedAt());
      statement.setString(7, user.username());
      return statement.executeUpdate() == 1;
    }
  }

  private static User read(ResultSet rows) throws SQLException {
    return new User(
        rows.getString("username"),
        rows.getString("password_hash"),
        rows.getBoolean("is_admin"),
        rows.getBoolean("is_disabled"),
        Sql.integer(rows, "sessions_limit"),
        instant(rows, "created_at"),
        instant(rows, "updated_at"));
  }
}
