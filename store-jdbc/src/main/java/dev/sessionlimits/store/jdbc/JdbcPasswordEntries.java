package dev.sessionlimits.store.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/**
 * When each session's holder last entered the password ({@code sl_sessions.password_entered_at},
 * null until a re-authentication: the login's time is {@code created_at}). Always read from and
 * written to the database, never through the node's session cache, so that an entry made through
 * one node counts on every node at once; these calls are rare (one per sensitive change).
 */
final class JdbcPasswordEntries {

  /** Parameters: at, at, id. Never moves the time back; ended sessions are left alone. */
  private static final String RECORD =
      "UPDATE sl_sessions SET password_entered_at = CASE"
          + " WHEN password_entered_at IS NULL OR password_entered_at < ? THEN ?"
          + " ELSE password_entered_at END WHERE id = ? AND ended_at IS NULL";

  private static final String READ =
      "SELECT created_at, password_entered_at FROM sl_sessions"
          + " WHERE id = ? AND ended_at IS NULL";

  private final Database db;

  JdbcPasswordEntries(Database db) {
    this.db = db;
  }

  boolean record(String sessionId, Instant at) {
    requireNonNull(sessionId, "sessionId");
    requireNonNull(at, "at");
    return db.autocommit(
        () -> "record a password entry of session " + sessionId,
        connection -> {
          try (PreparedStatement update = connection.prepareStatement(RECORD)) {
            Sql.setInstant(update, 1, at);
            Sql.setInstant(update, 2, at);
            update.setString(3, sessionId);
            boolean recorded = update.executeUpdate() == 1;
            if (recorded) {
              db.persist(connection);
            }
            return recorded;
          }
        });
  }

  Optional<Instant> last(String sessionId) {
    requireNonNull(sessionId, "sessionId");
    return db.autocommit(
        () -> "read the last password entry of session " + sessionId,
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(READ)) {
            select.setString(1, sessionId);
            try (ResultSet rows = select.executeQuery()) {
              if (!rows.next()) {
                return Optional.empty();
              }
              Instant entered = Sql.instant(rows, "password_entered_at");
              return Optional.of(entered != null ? entered : Sql.instant(rows, "created_at"));
            }
          }
        });
  }
}
