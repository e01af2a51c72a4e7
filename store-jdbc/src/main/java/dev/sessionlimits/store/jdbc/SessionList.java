package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.IpMatch;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionPage;
import dev.sessionlimits.core.SessionQuery;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The administrators' list of live sessions ({@link dev.sessionlimits.core.SessionStore#livePage})
 * as one keyset query: the filters, then {@code (key, id)} after the position, in the sort's order,
 * {@code limit + 1} rows (the extra one only says that a next page exists). Always read from the
 * database, never from the node cache. On PostgreSQL each order walks a partial index of the live
 * sessions (migration V8), so a page costs about its length however deep it is.
 *
 * <p>Design note. Rows are ordered and the next position is taken from the rows as stored; the
 * sessions answered are then seen through this node's queued touches ({@link NodeView#overlay}), so
 * a touch not yet written shows in the session but does not move it in the order. The live
 * condition is the stored expiry: a session whose stored expiry passed but whose queued touch
 * extends it is left out until the touch is written (a second or so).
 */
final class SessionList {

  private final Database db;
  private final NodeView view;

  SessionList(Database db, NodeView view) {
    this.db = db;
    this.view = view;
  }

  SessionPage page(SessionQuery query, Instant now) {
    BoundQuery select = query(query, now);
    List<Session> rows =
        db.autocommit(
            () -> "list the live sessions (" + query.sort().code() + ")",
            connection -> {
              try (PreparedStatement statement = select.prepare(connection)) {
                return SessionRows.readAll(statement);
              }
            });
    SessionPage page = SessionPage.cut(rows, query);
    List<Session> live = new ArrayList<>(page.sessions().size());
    for (Session row : page.sessions()) {
      Session session = view.overlay(row);
      if (session.isLive(now)) {
        live.add(session);
      }
    }
    return new SessionPage(live, page.next());
  }

  static BoundQuery query(SessionQuery query, Instant now) {
    BoundQuery select = new BoundQuery(SessionSql.LIVE_LIST, now);
    query.user().ifPresent(user -> select.add(SessionSql.LIST_USER, user));
    IpMatch ip = query.ip().orElse(null);
    if (ip instanceof IpMatch.Exact exact) {
      select.add(SessionSql.LIST_IP, exact.address());
    } else if (ip instanceof IpMatch.Prefix prefix) {
      select.add(SessionSql.LIST_IP_PREFIX, prefix.text() + "%");
    } else if (ip instanceof IpMatch.Block block) {
      select.add(SessionSql.LIST_IP_BLOCK, block.low(), block.high());
    }
    query
        .text()
        .map(BoundQuery::containing)
        .ifPresent(like -> select.add(SessionSql.LIST_TEXT, like, like, like));
    query
        .after()
        .ifPresent(
            after ->
                select.add(
                    SessionSql.listAfter(query.sort()),
                    query.afterTime().isPresent() ? query.afterTime().get() : after.key(),
                    after.id()));
    return select.add(SessionSql.listOrder(query.sort()), query.limit() + 1);
  }
}
