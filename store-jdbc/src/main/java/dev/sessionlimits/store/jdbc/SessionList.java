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
 * <p>A search ({@code q}) on PostgreSQL is two queries at most: the planner cannot tell how many
 * sessions a substring keeps, so the list reads the first {@value #WINDOW} rows in its order and
 * searches among them, which fills the page when the text is common; when it does not, the text is
 * rare and the trigram indexes find every match, which are few (migration V8). A rare text of fewer
 * than three characters has no trigram to look up: that search reads every live session.
 *
 * <p>Design note. Rows are ordered and the next position is taken from the rows as stored; the
 * sessions answered are then seen through this node's queued touches ({@link NodeView#overlay}), so
 * a touch not yet written shows in the session but does not move it in the order. The live
 * condition is the stored expiry: a session whose stored expiry passed but whose queued touch
 * extends it is left out until the touch is written (a second or so).
 */
final class SessionList {

  /**
   * How many rows of the list a search reads in order before it asks the trigram indexes instead: a
   * search that keeps 1% of the sessions or more fills a page of 100 within them.
   */
  static final int WINDOW = 10_000;

  private final Database db;
  private final NodeView view;

  SessionList(Database db, NodeView view) {
    this.db = db;
    this.view = view;
  }

  SessionPage page(SessionQuery query, Instant now) {
    List<Session> rows;
    if (query.text().isPresent() && db.dialect().searchesInTwoSteps()) {
      rows = read(query, window(query, now));
      if (rows.size() <= query.limit()) {
        rows = read(query, everyMatch(query, now));
      }
    } else {
      rows = read(query, plain(query, now));
    }
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

  private List<Session> read(SessionQuery query, BoundQuery select) {
    return db.autocommit(
        () -> "list the live sessions (" + query.sort().code() + ")",
        connection -> {
          try (PreparedStatement statement = select.prepare(connection)) {
            return SessionRows.readAll(statement);
          }
        });
  }

  /** Every filter, the position and the order: one query. */
  static BoundQuery plain(SessionQuery query, Instant now) {
    BoundQuery select = filtered(query, now);
    query
        .text()
        .map(BoundQuery::containing)
        .ifPresent(like -> select.add(SessionSql.LIST_TEXT, like, like, like));
    return select.add(SessionSql.listOrder(query.sort()), query.limit() + 1);
  }

  /** The search among the first {@value #WINDOW} rows of the list without it. */
  static BoundQuery window(SessionQuery query, Instant now) {
    String like = BoundQuery.containing(query.text().orElseThrow());
    return new BoundQuery(SessionSql.SEARCH_WINDOW)
        .add(filtered(query, now))
        .add(SessionSql.listOrder(query.sort()), WINDOW)
        .add(SessionSql.SEARCH_WINDOW_END)
        .add(SessionSql.LIST_TEXT, like, like, like)
        .add(SessionSql.listOrder(query.sort()), query.limit() + 1);
  }

  /** Every match, found by the search's indexes, then ordered. */
  static BoundQuery everyMatch(SessionQuery query, Instant now) {
    String like = BoundQuery.containing(query.text().orElseThrow());
    return new BoundQuery(SessionSql.SEARCH_ALL)
        .add(filtered(query, now))
        .add(SessionSql.LIST_TEXT, like, like, like)
        .add(SessionSql.SEARCH_ALL_END)
        .add(SessionSql.listOrder(query.sort()), query.limit() + 1);
  }

  /** The live sessions, the filters other than the search, and the position; no order. */
  private static BoundQuery filtered(SessionQuery query, Instant now) {
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
        .after()
        .ifPresent(
            after ->
                select.add(
                    SessionSql.listAfter(query.sort()),
                    query.afterTime().isPresent() ? query.afterTime().get() : after.key(),
                    after.id()));
    return select;
  }
}
