package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Records ends in the database, by the one statement {@link SessionSql#END}, and (on a dialect that
 * {@linkplain Dialect#notifies notifies}) tells every node of them on commit, the payload naming
 * this node so that its own {@link ClusterListener} skips them.
 *
 * <p>Design note. A session ends by a conditional UPDATE of its row ({@code ... AND ended_at IS
 * NULL}): the first ender wins, and only it tells the listeners. Ends decided from the expiry the
 * caller read also require {@code expires_at} to be unchanged, so a concurrent touch makes them
 * read again rather than end a session that was just extended; evictions do not, since they must
 * end the session whatever its activity. Ending takes no quota lock: it only lowers counts. Each
 * end also records the database's own time in {@code end_recorded_at} (on PostgreSQL the
 * statement's, not the transaction's, which may have waited for locks), which a node that lost its
 * listener searches after reconnecting.
 */
final class SessionEnds {

  private final String nodeId;
  private final boolean notifies;
  private final String end;
  private final String endAndNotify;

  SessionEnds(Dialect dialect, String nodeId) {
    this.nodeId = nodeId;
    this.notifies = dialect.notifies();
    this.end = SessionSql.forDialect(SessionSql.END, dialect);
    this.endAndNotify = SessionSql.forDialect(SessionSql.END_AND_NOTIFY, dialect);
  }

  /** The node id this store's notifications carry. */
  String nodeId() {
    return nodeId;
  }

  /** The payload of the notification that {@code sessionId} ended. */
  String payload(String sessionId) {
    return EndNotices.payloads(nodeId, List.of(sessionId)).get(0);
  }

  /**
   * Records {@code end} if the session has not ended yet and, unless {@code storedExpiry} is null,
   * if its stored {@code expires_at} is still {@code storedExpiry}; true if this call ended it.
   * With {@code notifyNow}, the same statement sends the notification of the end where there is
   * one.
   */
  boolean end(
      Connection connection,
      String sessionId,
      SessionEnd end,
      Instant storedExpiry,
      boolean notifyNow)
      throws SQLException {
    boolean notifying = notifyNow && notifies;
    try (PreparedStatement update =
        connection.prepareStatement(notifying ? endAndNotify : this.end)) {
      int index = SessionRows.bindEnd(update, 1, sessionId, end, storedExpiry);
      if (!notifying) {
        return update.executeUpdate() == 1;
      }
      update.setString(index++, EndNotices.CHANNEL);
      update.setString(index, payload(sessionId));
      try (ResultSet rows = update.executeQuery()) {
        return rows.next();
      }
    }
  }

  /** One end {@link #endAll} records: as {@link #end}'s arguments. */
  record Ending(String sessionId, SessionEnd end, Instant storedExpiry) {}

  /**
   * {@link #end} without notifying, for every one of {@code endings} in one JDBC batch (which the
   * PostgreSQL driver sends without waiting for each answer, so a purge batch costs a round trip or
   * two rather than one per session); whether each was ended by this call, in order.
   */
  boolean[] endAll(Connection connection, List<Ending> endings) throws SQLException {
    boolean[] ended = new boolean[endings.size()];
    if (endings.isEmpty()) {
      return ended;
    }
    try (PreparedStatement update = connection.prepareStatement(end)) {
      for (Ending e : endings) {
        SessionRows.bindEnd(update, 1, e.sessionId(), e.end(), e.storedExpiry());
        update.addBatch();
      }
      int[] counts = update.executeBatch();
      for (int k = 0; k < counts.length; k++) {
        ended[k] = counts[k] == 1;
      }
    }
    return ended;
  }

  /** Where there are notifications, tells every node on commit that {@code ended} ended. */
  void notifyEnded(Connection connection, List<Session> ended) throws SQLException {
    if (!notifies || ended.isEmpty()) {
      return;
    }
    List<String> ids = new ArrayList<>(ended.size());
    for (Session session : ended) {
      ids.add(session.id());
    }
    try (PreparedStatement notify = connection.prepareStatement(SessionSql.NOTIFY)) {
      for (String payload : EndNotices.payloads(nodeId, ids)) {
        notify.setString(1, EndNotices.CHANNEL);
        notify.setString(2, payload);
        notify.executeQuery().close();
      }
    }
  }
}
