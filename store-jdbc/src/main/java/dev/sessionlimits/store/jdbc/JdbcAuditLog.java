package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.instant;
import static dev.sessionlimits.store.jdbc.Sql.setInstant;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.AuditLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The {@link AuditLog} on {@code sl_audit_events}; ids come from its identity column. */
final class JdbcAuditLog implements AuditLog {

  private static final String VALUES = "(?, ?, ?, ?, ?, ?, ?)";
  private static final int COLUMNS = 7;
  private static final String INSERT =
      "INSERT INTO sl_audit_events (occurred_at, event_type, actor,"
          + " client_ip, subject, session_id, details) VALUES "
          + VALUES;

  /** The most events one INSERT carries, well inside the 65,535 parameters PostgreSQL binds. */
  private static final int MAX_ROWS_PER_STATEMENT = 1000;

  private static final String RECENT =
      "SELECT id, occurred_at, event_type, actor, client_ip,"
          + " subject, session_id, details FROM sl_audit_events WHERE id < ?"
          + " ORDER BY id DESC FETCH FIRST ? ROWS ONLY";

  private final Database db;

  JdbcAuditLog(Database db) {
    this.db = db;
  }

  @Override
  public AuditEvent record(AuditEvent event) {
    requireNonNull(event, "event");
    AuditEvent exact = exact(event);
    long id =
        db.autocommit(
            () -> "record a " + event.type() + " audit event",
            connection -> {
              try (PreparedStatement insert =
                  connection.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
                bind(insert, 0, exact);
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
  public List<AuditEvent> recordAll(List<AuditEvent> events) {
    if (events.size() <= 1) {
      return events.isEmpty() ? List.of() : List.of(record(events.get(0)));
    }
    List<AuditEvent> rows = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      rows.add(exact(requireNonNull(events.get(i), "event " + i)));
    }
    long[] ids =
        (rows.size() <= MAX_ROWS_PER_STATEMENT)
            ? db.autocommit(
                () -> "record " + describe(rows), connection -> insertAll(connection, rows))
            : db.transaction(
                () -> "record " + describe(rows), connection -> insertBatch(connection, rows));
    List<AuditEvent> recorded = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      recorded.add(rows.get(i).withId(ids[i]));
    }
    return recorded;
  }

  /**
   * Inserts {@code rows} with one multi-row statement, atomic on its own, in one round trip; their
   * ids in the order of {@code rows} (the identity column numbers a statement's rows in order).
   */
  private long[] insertAll(Connection connection, List<AuditEvent> rows) throws SQLException {
    StringBuilder sql = new StringBuilder(INSERT);
    for (int i = 1; i < rows.size(); i++) {
      sql.append(", ").append(VALUES);
    }
    try (PreparedStatement insert =
        connection.prepareStatement(sql.toString(), Statement.RETURN_GENERATED_KEYS)) {
      for (int i = 0; i < rows.size(); i++) {
        bind(insert, i * COLUMNS, rows.get(i));
      }
      insert.executeUpdate();
      long[] ids = generatedKeys(insert, rows.size());
      Arrays.sort(ids);
      db.persist(connection);
      return ids;
    }
  }

  /** Inserts {@code rows} as a JDBC batch, in the caller's transaction; their ids in order. */
  private static long[] insertBatch(Connection connection, List<AuditEvent> rows)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
      for (AuditEvent row : rows) {
        bind(insert, 0, row);
        insert.addBatch();
      }
      insert.executeBatch();
      return generatedKeys(insert, rows.size());
    }
  }

  private static long[] generatedKeys(PreparedStatement insert, int expected) throws SQLException {
    long[] assigned = new long[expected];
    int n = 0;
    try (ResultSet keys = insert.getGeneratedKeys()) {
      for (; keys.next(); n++) {
        if (n < assigned.length) {
          assigned[n] = keys.getLong(1);
        }
      }
    }
    if (n != expected) {
      throw new SQLException(
          "the database returned " + n + " ids for " + expected + " new audit events");
    }
    return assigned;
  }

  @Override
  public List<AuditEvent> recent(int limit, long beforeId) {
    if (limit <= 0) {
      return List.of();
    }
    return db.autocommit(
        () -> "read " + limit + " audit events before id " + beforeId,
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(RECENT)) {
            select.setLong(1, beforeId > 0 ? beforeId : Long.MAX_VALUE);
            select.setInt(2, limit);
            List<AuditEvent> events = new ArrayList<>(Math.min(limit, 256));
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                events.add(
                    new AuditEvent(
                        rows.getLong("id"),
                        instant(rows, "occurred_at"),
                        rows.getString("event_type"),
                        rows.getString("actor"),
                        rows.getString("client_ip"),
                        rows.getString("subject"),
                        rows.getString("session_id"),
                        rows.getString("details")));
              }
            }
            return events;
          }
        });
  }

  private static AuditEvent exact(AuditEvent event) {
    return new AuditEvent(
        0,
        Sql.micros(event.at()),
        event.type(),
        event.actor(),
        event.clientIp(),
        event.subject(),
        event.sessionId(),
        event.details());
  }

  /** Binds {@code event} to the parameters after {@code offset}. */
  private static void bind(PreparedStatement insert, int offset, AuditEvent event)
      throws SQLException {
    setInstant(insert, offset + 1, event.at());
    insert.setString(offset + 2, event.type());
    insert.setString(offset + 3, event.actor());
    insert.setString(offset + 4, event.clientIp());
    insert.setString(offset + 5, event.subject());
    insert.setString(offset + 6, event.sessionId());
    insert.setString(offset + 7, event.details());
  }

  private static String describe(List<AuditEvent> events) {
    StringBuilder types = new StringBuilder();
    for (AuditEvent event : events) {
      types.append(types.length() == 0 ? "" : ", ").append(event.type());
    }
    return events.size() + " audit events (" + types + ")";
  }
}
