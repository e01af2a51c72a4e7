package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.SessionEnd;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Records ends in the database, by the one statement {@link SessionSql#END}, naming this node
 * ({@code end_node}) so that its own {@link ClusterListener} skips them.
 *
 * <p>Design note. A session ends by a conditional UPDATE of its row ({@code ... AND ended_at IS
 * NULL}): the first ender wins, and only it tells the listeners. Ends decided from the expiry the
 * caller read also require {@code expires_at} to be unchanged, so a concurrent touch makes them
 * read again rather than end a session that was just extended; evictions do not, since they must
 * end the session whatever its activity. Ending takes no quota lock: it only lowers counts. Each
 * end also records the database's own time in {@code end_recorded_at} (on PostgreSQL the
 * statement's, not the transaction's, which may have waited for locks), which a node that lost its
 * listener searches after reconnecting, and on PostgreSQL the id of its transaction ({@code
 * end_xid}), by which the other nodes' listeners find it. Nothing is sent: a NOTIFY in the ending
 * transaction would take PostgreSQL's global commit lock for notifications, which halves the rate
 * of evicting logins.
 */
final class SessionEnds {

  private final String nodeId;
  private final String end;

  SessionEnds(Dialect dialect, String nodeId) {
    this.nodeId = nodeId;
    this.end = SessionSql.forDialect(SessionSql.END, dialect);
  }

  /** The node id this store records with its ends. */
  String nodeId() {
    return nodeId;
  }

  /**
   * Records {@code end} if the session has not ended yet and, unless {@code storedExpiry} is null,
   * if its stored {@code expires_at} is still {@code storedExpiry}; true if this call ended it.
   */
  boolean end(Connection connection, String sessionId, SessionEnd end, Instant storedExpiry)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(this.end)) {
      SessionRows.bindEnd(update, 1, sessionId, end, storedExpiry, nodeId);
      return update.executeUpdate() == 1;
    }
  }

  /** One end {@link #endAll} records: as {@link #end}'s arguments. */
  record Ending(String sessionId, SessionEnd end, Instant storedExpiry) {}

  /**
   * {@link #end} for every one of {@code endings} in one JDBC batch (which the PostgreSQL driver
   * sends without waiting for each answer, so a purge batch costs a round trip or two rather than
   * one per session); whether each was ended by this call, in order.
   */
  boolean[] endAll(Connection connection, List<Ending> endings) throws SQLException {
    boolean[] ended = new boolean[endings.size()];
    if (endings.isEmpty()) {
      return ended;
    }
    try (PreparedStatement update = connection.prepareStatement(end)) {
      for (Ending e : endings) {
        SessionRows.bindEnd(update, 1, e.sessionId(), e.end(), e.storedExpiry(), nodeId);
        update.addBatch();
      }
      int[] counts = update.executeBatch();
      for (int k = 0; k < counts.length; k++) {
        ended[k] = counts[k] == 1;
      }
    }
    return ended;
  }
}
