package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.setInstant;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.ProviderSession;
import dev.sessionlimits.core.ProviderSessions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@link ProviderSessions} on the {@code sl_provider_sessions} table, whose rows go with their
 * session's row when that is purged (a foreign key with {@code ON DELETE CASCADE}), and the logout
 * tokens received on {@code sl_logout_tokens}, whose primary key makes one receipt the first.
 */
final class JdbcProviderSessions implements ProviderSessions {

  private static final String DELETE = "DELETE FROM sl_provider_sessions WHERE session_id = ?";

  private static final String INSERT =
      "INSERT INTO sl_provider_sessions (session_id, issuer, sid, subject, id_token_hint)"
          + " VALUES (?, ?, ?, ?, ?)";

  private static final String OF_SID =
      "SELECT session_id FROM sl_provider_sessions WHERE issuer = ? AND sid = ?";

  private static final String OF_SUBJECT =
      "SELECT session_id FROM sl_provider_sessions WHERE issuer = ? AND subject = ?";

  private static final String HINT =
      "SELECT id_token_hint FROM sl_provider_sessions WHERE session_id = ?";

  /** Parameters: now. */
  private static final String FORGET_EXPIRED_TOKENS =
      "DELETE FROM sl_logout_tokens WHERE kept_until <= ?";

  /** Parameters: issuer, jti, kept until; fails with a unique violation for a replay. */
  private static final String RECORD_TOKEN =
      "INSERT INTO sl_logout_tokens (issuer, jti, kept_until) VALUES (?, ?, ?)";

  private final Database db;

  JdbcProviderSessions(Database db) {
    this.db = db;
  }

  /**
   * Deletes the session's row and inserts the new one in one transaction; two concurrent calls for
   * one session make the later run again.
   */
  @Override
  public void remember(ProviderSession session) {
    requireNonNull(session, "session");
    db.transaction(
        () -> "remember the provider session of session " + session.sessionId(),
        connection -> {
          try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setString(1, session.sessionId());
            delete.executeUpdate();
          }
          try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, session.sessionId());
            insert.setString(2, session.issuer());
            if (session.sid().isPresent()) {
              insert.setString(3, session.sid().get());
            } else {
              insert.setNull(3, Types.VARCHAR);
            }
            insert.setString(4, session.subject());
            insert.setString(5, session.idTokenHint());
            insert.executeUpdate();
          } catch (SQLException e) {
            throw Database.runAgainIf(
                Database.isUniqueViolation(e),
                e,
                "session " + session.sessionId() + " was remembered at the same time");
          }
          return null;
        });
  }

  @Override
  public List<String> sessionsOf(String issuer, String sid) {
    requireNonNull(issuer, "issuer");
    requireNonNull(sid, "sid");
    return ids(OF_SID, issuer, sid, "read the sessions of provider session " + sid);
  }

  @Override
  public List<String> sessionsOfSubject(String issuer, String subject) {
    requireNonNull(issuer, "issuer");
    requireNonNull(subject, "subject");
    return ids(OF_SUBJECT, issuer, subject, "read the provider sessions of subject " + subject);
  }

  @Override
  public Optional<String> idTokenHintOf(String sessionId) {
    requireNonNull(sessionId, "sessionId");
    return db.autocommit(
        () -> "read the ID token hint of session " + sessionId,
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(HINT)) {
            select.setString(1, sessionId);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next()
                  ? Optional.of(rows.getString("id_token_hint"))
                  : Optional.<String>empty();
            }
          }
        });
  }

  @Override
  public void forget(String sessionId) {
    requireNonNull(sessionId, "sessionId");
    db.autocommit(
        () -> "forget the provider session of session " + sessionId,
        connection -> {
          try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setString(1, sessionId);
            delete.executeUpdate();
          }
          db.persist(connection);
          return null;
        });
  }

  /**
   * Deletes the tokens kept until {@code now} or before, then inserts this one, each statement
   * committed on its own: of two receipts of one token, the second insert waits for the first's
   * commit and fails on the primary key.
   */
  @Override
  public boolean firstReceipt(String issuer, String jti, Instant keptUntil, Instant now) {
    requireNonNull(issuer, "issuer");
    requireNonNull(jti, "jti");
    requireNonNull(keptUntil, "keptUntil");
    requireNonNull(now, "now");
    return db.autocommit(
        () -> "record the logout token " + jti + " of " + issuer,
        connection -> {
          try (PreparedStatement forget = connection.prepareStatement(FORGET_EXPIRED_TOKENS)) {
            setInstant(forget, 1, now);
            forget.executeUpdate();
          }
          try (PreparedStatement record = connection.prepareStatement(RECORD_TOKEN)) {
            record.setString(1, issuer);
            record.setString(2, jti);
            setInstant(record, 3, keptUntil);
            record.executeUpdate();
          } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
              return false;
            }
            throw e;
          }
          db.persist(connection);
          return true;
        });
  }

  private List<String> ids(String sql, String issuer, String value, String what) {
    List<String> ids =
        db.autocommit(
            () -> what + " of " + issuer,
            connection -> {
              List<String> found = new ArrayList<>();
              try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setString(1, issuer);
                select.setString(2, value);
                try (ResultSet rows = select.executeQuery()) {
                  while (rows.next()) {
                    found.add(rows.getString("session_id"));
                  }
                }
              }
              return found;
            });
    ids.sort(null);
    return ids;
  }
}
