package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.instant;
import static dev.sessionlimits.store.jdbc.Sql.setInstant;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.AuditLog;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The {@link AuditLog} on {@code sl_audit_events}; ids come from its identity column. */
final class JdbcAuditLog implements AuditLog {

  private static final String INSERT = "INSERT INTO sl_audit_events (occurred_at, event_type, actor,"
      + " client_ip, subject, session_id, details) VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String RECENT = "SELECT id, occurred_at, event_type, actor, client_ip,"
      + " subject, session_id, details FROM sl_audit_events WHERE id < ?"
      + " ORDER BY id DESC FETCH FIRST ? ROWS ONLY";

  private final Database db;

  JdbcAuditLog(Database db) {
    this.db = db;
  }

  @Override
  public AuditEvent record(AuditEvent event) {
    requireNonNull(event, "event");
    AuditEvent exact = new AuditEvent(0, Sql.micros(event.at()), event.type(), event.actor(),
        event.clientIp(), event.subject(), event.sessionId(), event.details());
    long id = db.autocommit(() -> "record a " + event.type() + " audit event", connection -> {
      try (PreparedStatement insert =
          connection.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
        setInstant(insert, 1, exact.at());
        insert.setString(2, exact.type());
        insert.setString(3, exact.actor());
        insert.setString(4, exact.clientIp());
        insert.setString(5, exact.subject());
        insert.setString(6, exact.sessionId());
        insert.setString(7, exact.details());
        insert.executeUpdate();
        long assigned;
        try (ResultSet keys = insert.getGeneratedKeys()) {
          if (!keys.next()) {
            throw new SQLException("the database returned no id for the new audit event");
          }
          assigned = keys.getLong(1);
        }
        db.persist(connection);
        return assigned;
      }
    });
    return exact.withId(id);
  }

  @Override
  public List<AuditEvent> recent(int limit, long beforeId) {
    if (limit <= 0) {
      return List.of();
    }
    return db.autocommit(() -> "read " + limit + " audit events before id " + beforeId,
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(RECENT)) {
            select.setLong(1, beforeId > 0 ? beforeId : Long.MAX_VALUE);
            select.setInt(2, limit);
            List<AuditEvent> events = new ArrayList<>(Math.min(limit, 256));
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                events.add(new AuditEvent(rows.getLong(1), instant(rows, 2), rows.getString(3),
                    rows.getString(4), rows.getString(5), rows.getString(6), rows.getString(7),
                    rows.getString(8)));
              }
            }
            return events;
          }
        });
  }
}
