package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.instant;
import static dev.sessionlimits.store.jdbc.Sql.setInstant;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.Group;
import dev.sessionlimits.core.GroupSource;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.User;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@link GroupStore} on the {@code sl_groups}, {@code sl_group_members} and {@code
 * sl_member_locks} tables.
 *
 * <p>Design note: replacing memberships. A replacement locks the user's row of {@code
 * sl_member_locks} (made on first use) for its whole transaction, so two replacements of one user
 * run one after the other; without it, two concurrent delete-then-insert transactions could each
 * miss the other's rows and leave their union. A group deleted while a replacement inserts a
 * membership of it makes the insert fail its foreign key (PostgreSQL's key check waits for the
 * delete), and the replacement runs again from the start. H2's key check does not wait for an
 * uncommitted delete, so on H2 a replacement locks the groups it names (in name order) before it
 * changes anything: the embedded store has one node, and the lock lasts milliseconds.
 */
final class JdbcGroups implements GroupStore {

  private static final String SELECT =
      "SELECT name, sessions_limit, description, created_at, updated_at FROM sl_groups";
  private static final String BY_NAME = SELECT + " WHERE name = ?";
  private static final String OF_USER =
      SELECT + " WHERE name IN (SELECT group_name FROM sl_group_members WHERE username = ?)";
  private static final String INSERT =
      "INSERT INTO sl_groups (sessions_limit, description, created_at, updated_at, name)"
          + " VALUES (?, ?, ?, ?, ?)";
  private static final String UPDATE =
      "UPDATE sl_groups SET sessions_limit = ?, description = ?, created_at = ?, updated_at = ?"
          + " WHERE name = ?";
  private static final String DELETE = "DELETE FROM sl_groups WHERE name = ?";

  /** Parameters: name, created at, updated at; one row if the group was made. */
  private static final String CREATE_IF_MISSING_POSTGRESQL =
      "INSERT INTO sl_groups (name, sessions_limit, description, created_at, updated_at)"
          + " VALUES (?, NULL, '', ?, ?) ON CONFLICT (name) DO NOTHING";

  /** Parameters: name, created at, updated at, name; one row if the group was made. */
  private static final String CREATE_IF_MISSING_H2 =
      "INSERT INTO sl_groups (name, sessions_limit, description, created_at, updated_at)"
          + " SELECT ?, NULL, '', ?, ? WHERE NOT EXISTS (SELECT 1 FROM sl_groups WHERE name = ?)";

  private static final String EXISTS = "SELECT name FROM sl_groups WHERE name = ?";
  private static final String LOCK_GROUP = EXISTS + " FOR UPDATE";

  private static final String MEMBER_COUNTS =
      "SELECT group_name, COUNT(DISTINCT username) AS members FROM sl_group_members"
          + " GROUP BY group_name";

  private static final String MEMBERSHIPS_OF =
      "SELECT group_name, source FROM sl_group_members WHERE username = ?";
  private static final String DELETE_MEMBERSHIPS_FROM =
      "DELETE FROM sl_group_members WHERE username = ? AND source = ?";
  private static final String DELETE_MEMBERSHIPS =
      "DELETE FROM sl_group_members WHERE username = ?";
  private static final String INSERT_MEMBERSHIP =
      "INSERT INTO sl_group_members (username, group_name, source) VALUES (?, ?, ?)";

  private static final String LOCK_MEMBER =
      "SELECT username FROM sl_member_locks WHERE username = ? FOR UPDATE";

  /** Parameters: user name. Waits for another transaction making the same row. */
  private static final String CREATE_MEMBER_LOCK_POSTGRESQL =
      "INSERT INTO sl_member_locks (username) VALUES (?) ON CONFLICT (username) DO NOTHING";

  /** Parameters: user name, user name. */
  private static final String CREATE_MEMBER_LOCK_H2 =
      "INSERT INTO sl_member_locks (username)"
          + " SELECT ? WHERE NOT EXISTS (SELECT 1 FROM sl_member_locks WHERE username = ?)";

  private static final String DELETE_MEMBER_LOCK = "DELETE FROM sl_member_locks WHERE username = ?";

  /** SQLSTATEs of a row naming a missing group: PostgreSQL's 23503, H2's 23506. */
  private static final Set<String> MISSING_GROUP = Set.of("23503", "23506");

  private static final Comparator<Membership> ORDER =
      Comparator.comparing(Membership::group).thenComparing(Membership::source);

  private final Database db;
  private final InstantSource clock;
  private final boolean postgres;

  /**
   * @param clock the time of the groups {@link #replaceMemberships} creates
   */
  JdbcGroups(Database db, InstantSource clock) {
    this.db = db;
    this.clock = requireNonNull(clock, "clock");
    this.postgres = db.dialect() == Dialect.POSTGRESQL;
  }

  @Override
  public List<Group> list() {
    return sorted(db.autocommit(() -> "list the groups", c -> readGroups(c, SELECT, null)));
  }

  @Override
  public Optional<Group> find(String name) {
    requireNonNull(name, "name");
    return db.autocommit(() -> "read group " + name, c -> readGroups(c, BY_NAME, name)).stream()
        .findFirst();
  }

  @Override
  public boolean create(Group group) {
    requireNonNull(group, "group");
    return db.autocommit(
        () -> "create group " + group.name(),
        connection -> {
          try {
            boolean created = write(connection.prepareStatement(INSERT), group);
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
  public boolean update(Group group) {
    requireNonNull(group, "group");
    return db.autocommit(
        () -> "update group " + group.name(),
        connection -> {
          boolean updated = write(connection.prepareStatement(UPDATE), group);
          db.persist(connection);
          return updated;
        });
  }

  @Override
  public boolean delete(String name) {
    requireNonNull(name, "name");
    return db.autocommit(
        () -> "delete group " + name,
        connection -> {
          boolean deleted = update(connection, DELETE, name) == 1;
          db.persist(connection);
          return deleted;
        });
  }

  @Override
  public Map<String, Integer> memberCounts() {
    return db.autocommit(
        () -> "count the members of every group",
        connection -> {
          Map<String, Integer> counts = new TreeMap<>();
          try (PreparedStatement select = connection.prepareStatement(MEMBER_COUNTS);
              ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              counts.put(rows.getString("group_name"), rows.getInt("members"));
            }
          }
          return counts;
        });
  }

  @Override
  public List<Group> groupsOf(String username) {
    requireNonNull(username, "username");
    return sorted(
        db.autocommit(
            () -> "read the groups of " + username, c -> readGroups(c, OF_USER, username)));
  }

  @Override
  public List<Membership> membershipsOf(String username) {
    requireNonNull(username, "username");
    List<Membership> memberships =
        db.autocommit(
            () -> "read the memberships of " + username,
            connection -> {
              List<Membership> all = new ArrayList<>();
              try (PreparedStatement select = connection.prepareStatement(MEMBERSHIPS_OF)) {
                select.setString(1, username);
                try (ResultSet rows = select.executeQuery()) {
                  while (rows.next()) {
                    all.add(
                        new Membership(
                            rows.getString("group_name"),
                            GroupSource.valueOf(rows.getString("source"))));
                  }
                }
              }
              return all;
            });
    memberships.sort(ORDER);
    return memberships;
  }

  @Override
  public Replacement replaceMemberships(
      String username, GroupSource source, Set<String> groupNames) {
    User.requireValidUsername(username);
    requireNonNull(source, "source");
    Set<String> names = new TreeSet<>(requireNonNull(groupNames, "groupNames"));
    names.forEach(Group::requireValidName);
    return db.transaction(
        () -> "replace the " + source + " memberships of " + username,
        connection -> {
          lockMember(connection, username);
          Set<String> created;
          if (source == GroupSource.LOCAL) {
            Set<String> unknown = missing(connection, names);
            if (!unknown.isEmpty()) {
              return new UnknownGroups(unknown);
            }
            created = Set.of();
          } else {
            created = createMissing(connection, names);
          }
          if (!postgres) {
            for (String name : names) {
              if (!exists(connection, LOCK_GROUP, name)) {
                throw new Database.RunAgain(
                    "group " + name + " was deleted while " + username + " joined it");
              }
            }
          }
          try (PreparedStatement delete = connection.prepareStatement(DELETE_MEMBERSHIPS_FROM)) {
            delete.setString(1, username);
            delete.setString(2, source.name());
            delete.executeUpdate();
          }
          insertMemberships(connection, username, source, names);
          return new Replaced(created);
        });
  }

  @Override
  public void forget(String username) {
    requireNonNull(username, "username");
    db.transaction(
        () -> "forget the memberships of " + username,
        connection -> {
          lockMember(connection, username);
          update(connection, DELETE_MEMBERSHIPS, username);
          update(connection, DELETE_MEMBER_LOCK, username);
          return null;
        });
  }

  // ---- replacing memberships

  /** Locks {@code username}'s row of {@code sl_member_locks}, making it first if need be. */
  private void lockMember(Connection connection, String username) throws SQLException {
    if (exists(connection, LOCK_MEMBER, username)) {
      return;
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            postgres ? CREATE_MEMBER_LOCK_POSTGRESQL : CREATE_MEMBER_LOCK_H2)) {
      insert.setString(1, username);
      if (!postgres) {
        insert.setString(2, username);
      }
      if (insert.executeUpdate() == 1) {
        return; // the new row is this transaction's until it ends
      }
    } catch (SQLException e) {
      throw Database.runAgainIf(
          Database.isUniqueViolation(e),
          e,
          "another change of " + username + " made its lock first");
    }
    if (!exists(connection, LOCK_MEMBER, username)) {
      throw new Database.RunAgain("the lock of " + username + " was deleted while taken");
    }
  }

  /** Of {@code names}, those that name no group. */
  private static Set<String> missing(Connection connection, Set<String> names) throws SQLException {
    Set<String> missing = new TreeSet<>();
    for (String name : names) {
      if (!exists(connection, EXISTS, name)) {
        missing.add(name);
      }
    }
    return missing;
  }

  /** Makes the groups of {@code names} that do not exist, in one batch; returns their names. */
  private Set<String> createMissing(Connection connection, Set<String> names) throws SQLException {
    if (names.isEmpty()) {
      return Set.of();
    }
    List<String> ordered = List.copyOf(names);
    Instant now = clock.instant();
    int[] counts;
    try (PreparedStatement insert =
        connection.prepareStatement(
            postgres ? CREATE_IF_MISSING_POSTGRESQL : CREATE_IF_MISSING_H2)) {
      for (String name : ordered) {
        insert.setString(1, name);
        setInstant(insert, 2, now);
        setInstant(insert, 3, now);
        if (!postgres) {
          insert.setString(4, name);
        }
        insert.addBatch();
      }
      counts = insert.executeBatch();
    } catch (SQLException e) {
      throw Database.runAgainIf(
          Database.isUniqueViolation(e), e, "another login made one of the groups " + names);
    }
    Set<String> created = new HashSet<>();
    for (int i = 0; i < ordered.size(); i++) {
      if (counts[i] > 0) {
        created.add(ordered.get(i));
      }
    }
    return created;
  }

  private static void insertMemberships(
      Connection connection, String username, GroupSource source, Set<String> names)
      throws SQLException {
    if (names.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_MEMBERSHIP)) {
      for (String name : names) {
        insert.setString(1, username);
        insert.setString(2, name);
        insert.setString(3, source.name());
        insert.addBatch();
      }
      insert.executeBatch();
    } catch (SQLException e) {
      throw Database.runAgainIf(
          Database.hasState(e, MISSING_GROUP),
          e,
          "a group was deleted while " + username + " joined it");
    }
  }

  // ---- rows

  private static boolean exists(Connection connection, String sql, String key) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      select.setString(1, key);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static int update(Connection connection, String sql, String key) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, key);
      return statement.executeUpdate();
    }
  }

  /** The groups {@code sql} selects, with {@code key} as its parameter if it is not null. */
  private static List<Group> readGroups(Connection connection, String sql, String key)
      throws SQLException {
    List<Group> groups = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      if (key != null) {
        select.setString(1, key);
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          groups.add(read(rows));
        }
      }
    }
    return groups;
  }

  /** Sorted here rather than by ORDER BY, so the order does not depend on the collation. */
  private static List<Group> sorted(List<Group> groups) {
    groups.sort(Comparator.comparing(Group::name));
    return groups;
  }

  private static boolean write(PreparedStatement statement, Group group) throws SQLException {
    try (statement) {
      Sql.setInteger(statement, 1, group.sessionsLimit());
      statement.setString(2, group.description());
      setInstant(statement, 3, group.createdAt());
      setInstant(statement, 4, group.updatedAt());
      statement.setString(5, group.name());
      return statement.executeUpdate() == 1;
    }
  }

  private static Group read(ResultSet rows) throws SQLException {
    return new Group(
        rows.getString("name"),
        Sql.integer(rows, "sessions_limit"),
        rows.getString("description"),
        instant(rows, "created_at"),
        instant(rows, "updated_at"));
  }
}
