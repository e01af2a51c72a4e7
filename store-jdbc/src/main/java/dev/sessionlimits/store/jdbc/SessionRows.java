package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.instant;
import static dev.sessionlimits.store.jdbc.Sql.micros;
import static dev.sessionlimits.store.jdbc.Sql.setInstant;

import dev.sessionlimits.core.EndCause;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.IpKey;
import dev.sessionlimits.core.Scope;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.TokenHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sessions to rows and back: the one row mapper (columns read by name), the binders of {@link
 * SessionSql#INSERT} and of {@link SessionSql#END} (the end and its cause), and the truncation to
 * the microsecond the columns keep.
 */
final class SessionRows {

  private SessionRows() {}

  /** The session in the current row of {@code rows}, which selected {@link SessionSql#COLUMNS}. */
  static Session read(ResultSet rows) throws SQLException {
    Instant endedAt = instant(rows, "ended_at");
    SessionEnd end = null;
    if (endedAt != null) {
      String scope = rows.getString("end_scope");
      EndCause cause =
          new EndCause(
              scope == null ? null : Scope.valueOf(scope.toUpperCase(Locale.ROOT)),
              Sql.integer(rows, "end_limit"),
              instant(rows, "end_login_at"),
              rows.getString("end_login_ip"),
              rows.getString("end_login_user_agent"),
              rows.getString("end_login_device"),
              rows.getString("end_login_session_id"),
              rows.getString("end_actor"));
      end = new SessionEnd(EndReason.fromCode(rows.getString("end_reason")), endedAt, cause);
    }
    return new Session(
        rows.getString("id"),
        new TokenHash(rows.getString("token_hash")),
        rows.getString("user_name"),
        rows.getString("client_ip"),
        rows.getString("user_agent"),
        rows.getString("device"),
        rows.getString("auth_method"),
        instant(rows, "created_at"),
        instant(rows, "last_seen_at"),
        instant(rows, "expires_at"),
        instant(rows, "absolute_expires_at"),
        end);
  }

  /** When the database recorded the end of the current row's session, or null if unended. */
  static Instant endRecordedAt(ResultSet rows) throws SQLException {
    return instant(rows, "end_recorded_at");
  }

  /** The session {@code select} (one parameter, {@code key}) finds, or null. */
  static Session selectOne(Connection connection, String select, String key) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(select)) {
      statement.setString(1, key);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? read(rows) : null;
      }
    }
  }

  static List<Session> readAll(PreparedStatement select) throws SQLException {
    List<Session> sessions = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        sessions.add(read(rows));
      }
    }
    return sessions;
  }

  /** Sets the parameters of {@link SessionSql#INSERT} from {@code first} on; the index after. */
  static int bindInsert(PreparedStatement insert, int first, Session session) throws SQLException {
    int index = first;
    insert.setString(index++, session.id());
    insert.setString(index++, session.tokenHash().hex());
    insert.setString(index++, session.user());
    insert.setString(index++, session.clientIp());
    insert.setString(index++, session.userAgent());
    insert.setString(index++, session.device());
    insert.setString(index++, session.authMethod());
    setInstant(insert, index++, session.createdAt());
    setInstant(insert, index++, session.lastSeenAt());
    setInstant(insert, index++, session.expiresAt());
    setInstant(insert, index++, session.absoluteExpiresAt());
    insert.setString(index++, IpKey.of(session.clientIp()).orElse(null));
    return index;
  }

  /**
   * Sets the parameters of {@link SessionSql#END} from {@code first} on: {@code end} with its
   * cause, the node that ends it, the session's id and the stored expiry the end requires (null:
   * any); the index after.
   */
  static int bindEnd(
      PreparedStatement update,
      int first,
      String sessionId,
      SessionEnd end,
      Instant storedExpiry,
      String nodeId)
      throws SQLException {
    EndCause cause = end.cause();
    int index = first;
    setInstant(update, index++, end.at());
    update.setString(index++, end.reason().code());
    update.setString(index++, cause.scope() == null ? null : cause.scope().code());
    Sql.setInteger(update, index++, cause.limit());
    setInstant(update, index++, cause.loginAt());
    update.setString(index++, cause.loginIp());
    update.setString(index++, cause.loginUserAgent());
    update.setString(index++, cause.loginDevice());
    update.setString(index++, cause.loginSessionId());
    update.setString(index++, cause.actor());
    update.setString(index++, nodeId);
    update.setString(index++, sessionId);
    setInstant(update, index++, storedExpiry);
    setInstant(update, index++, storedExpiry);
    return index;
  }

  /** {@code s} with its instants kept to the microsecond, as the columns keep them. */
  static Session normalized(Session s) {
    Session exact =
        new Session(
            s.id(),
            s.tokenHash(),
            s.user(),
            s.clientIp(),
            s.userAgent(),
            s.device(),
            s.authMethod(),
            micros(s.createdAt()),
            micros(s.lastSeenAt()),
            micros(s.expiresAt()),
            micros(s.absoluteExpiresAt()),
            s.end());
    return exact.equals(s) ? s : exact;
  }

  /** {@code end} with its instants kept to the microsecond, as the columns keep them. */
  static SessionEnd normalized(SessionEnd end) {
    EndCause c = end.cause();
    SessionEnd exact =
        new SessionEnd(
            end.reason(),
            micros(end.at()),
            new EndCause(
                c.scope(),
                c.limit(),
                micros(c.loginAt()),
                c.loginIp(),
                c.loginUserAgent(),
                c.loginDevice(),
                c.loginSessionId(),
                c.actor()));
    return exact.equals(end) ? end : exact;
  }
}
