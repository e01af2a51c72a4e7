package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.instant;
import static dev.sessionlimits.store.jdbc.Sql.setInstant;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.AuditQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

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

  // A search (AuditQuery): SEARCH, then the filters given, then SEARCH_ORDER.
  /** Parameter: before id. */
  private static final String SEARCH =
      "SELECT id, occurred_at, event_type, actor, client_ip,"
          + " subject, session_id, details FROM sl_audit_events WHERE id < ?";

  /** Parameters: the user name twice. */
  private static final String SEARCH_USER = " AND (actor = ? OR subject = ?)";

  /** {@code %s}: one {@code ?} per type. */
  private static final String SEARCH_TYPES = " AND event_type IN (%s)";

  private static final String SEARCH_SINCE = " AND occurred_at >= ?";
  private static final String SEARCH_UNTIL = " AND occurred_at < ?";

  /** Parameter: how many rows. */
  private static final String SEARCH_ORDER = " ORDER BY id DESC FETCH FIRST ? ROWS ONLY";

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
    return read(
        () -> "read " + limit + " audit events before id " + beforeId,
        new BoundQuery(RECENT, beforeId > 0 ? beforeId : Long.MAX_VALUE, limit));
  }

  @Override
  public List<AuditEvent> search(AuditQuery query) {
    BoundQuery select =
        new BoundQuery(SEARCH, query.beforeId() > 0 ? query.beforeId() : Long.MAX_VALUE);
    query.user().ifPresent(user -> select.add(SEARCH_USER, user, user));
    if (!query.types().isEmpty()) {
      List<String> types = query.types().stream().sorted().toList();
      select.add(
          SEARCH_TYPES.formatted(String.join(", ", Collections.nCopies(types.size(), "?"))),
          types.toArray());
    }
    query.since().ifPresent(since -> select.add(SEARCH_SINCE, since));
    query.until().ifPresent(until -> select.add(SEARCH_UNTIL, until));
    select.add(SEARCH_ORDER, query.limit());
    return read(() -> "search " + query.limit() + " audit events", select);
  }

  private List<AuditEvent> read(Supplier<String> what, BoundQuery select) {
    return db.autocommit(
        what,
        connection -> {
          try (PreparedStatement statement = select.prepare(connection)) {
            List<AuditEvent> events = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
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
