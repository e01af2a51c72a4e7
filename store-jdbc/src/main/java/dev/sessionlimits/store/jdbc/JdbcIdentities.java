package dev.sessionlimits.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.ExternalIdentities;
import dev.sessionlimits.core.ExternalIdentity;
import dev.sessionlimits.core.User;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The {@link ExternalIdentities} on the {@code sl_identities} table. */
final class JdbcIdentities implements ExternalIdentities {

  private static final String USERNAME_FOR =
      "SELECT username FROM sl_identities WHERE issuer = ? AND subject = ?";

  /** Parameters: issuer, subject, user name, issuer, subject; one row if the link was made. */
  private static final String LINK =
      "INSERT INTO sl_identities (issuer, subject, username) SELECT ?, ?, ?"
          + " WHERE NOT EXISTS (SELECT 1 FROM sl_identities WHERE issuer = ? AND subject = ?)";

  private static final String OF_USER =
      "SELECT issuer, subject FROM sl_identities WHERE username = ?";
  private static final String DELETE_OF_USER = "DELETE FROM sl_identities WHERE username = ?";

  private final Database db;

  JdbcIdentities(Database db) {
    this.db = db;
  }

  @Override
  public Optional<String> usernameFor(ExternalIdentity identity) {
    requireNonNull(identity, "identity");
    return db.autocommit(
        () -> "read the user of " + identity, connection -> owner(connection, identity));
  }

  /**
   * Inserts the link unless the identity has one; if it has (or another link of it won the race and
   * made the insert fail its key), reads whose it is. A link deleted between the two makes the work
   * run again.
   */
  @Override
  public Link link(String username, ExternalIdentity identity) {
    User.requireValidUsername(username);
    requireNonNull(identity, "identity");
    return db.autocommit(
        () -> "link " + identity + " to " + username,
        connection -> {
          try (PreparedStatement insert = connection.prepareStatement(LINK)) {
            insert.setString(1, identity.issuer());
            insert.setString(2, identity.subject());
            insert.setString(3, username);
            insert.setString(4, identity.issuer());
            insert.setString(5, identity.subject());
            if (insert.executeUpdate() == 1) {
              db.persist(connection);
              return Link.LINKED;
            }
          } catch (SQLException e) {
            if (!Database.isUniqueViolation(e)) {
              throw e;
            }
          }
          Optional<String> owner = owner(connection, identity);
          if (owner.isEmpty()) {
            throw new Database.RunAgain(identity + " was unlinked while it was linked");
          }
          return owner.get().equals(username) ? Link.ALREADY_LINKED : Link.LINKED_TO_ANOTHER_USER;
        });
  }

  @Override
  public List<ExternalIdentity> identitiesOf(String username) {
    requireNonNull(username, "username");
    List<ExternalIdentity> identities =
        db.autocommit(
            () -> "read the identities of " + username,
            connection -> {
              List<ExternalIdentity> all = new ArrayList<>();
              try (PreparedStatement select = connection.prepareStatement(OF_USER)) {
                select.setString(1, username);
                try (ResultSet rows = select.executeQuery()) {
                  while (rows.next()) {
                    all.add(
                        new ExternalIdentity(rows.getString("issuer"), rows.getString("subject")));
                  }
                }
              }
              return all;
            });
    // Sorted here rather than by ORDER BY, so the order does not depend on the collation.
    identities.sort(
        Comparator.comparing(ExternalIdentity::issuer).thenComparing(ExternalIdentity::subject));
    return identities;
  }

  @Override
  public void forget(String username) {
    requireNonNull(username, "username");
    db.autocommit(
        () -> "forget the identities of " + username,
        connection -> {
          try (PreparedStatement delete = connection.prepareStatement(DELETE_OF_USER)) {
            delete.setString(1, username);
            delete.executeUpdate();
          }
          db.persist(connection);
          return null;
        });
  }

  private static Optional<String> owner(Connection connection, ExternalIdentity identity)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(USERNAME_FOR)) {
      select.setString(1, identity.issuer());
      select.setString(2, identity.subject());
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString("username")) : Optional.empty();
      }
    }
  }
}
