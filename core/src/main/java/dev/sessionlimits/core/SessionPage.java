package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * One page of live sessions ({@link SessionStore#livePage}), and the position to ask the next page
 * from ({@link SessionQuery#from}); empty when this is the last page.
 */
public record SessionPage(List<Session> sessions, Optional<SessionQuery.After> next) {

  public SessionPage {
    sessions = List.copyOf(sessions);
    requireNonNull(next, "next");
  }

  /**
   * The page {@code query} selects from {@code live} (a superset of the live sessions it may keep):
   * filtered, ordered, after the query's position, cut at its limit. For stores that hold their
   * sessions in memory.
   */
  public static SessionPage select(Collection<Session> live, SessionQuery query) {
    List<Session> kept =
        live.stream()
            .filter(query::matches)
            .filter(s -> query.after().map(a -> query.sort().isAfter(s, a)).orElse(true))
            .sorted(query.sort().comparator())
            .limit(query.limit() + 1L)
            .toList();
    return cut(kept, query);
  }

  /**
   * The page of {@code rows}, which hold up to {@code query.limit() + 1} sessions in order: the
   * extra one, if there, only says that a next page exists.
   */
  public static SessionPage cut(List<Session> rows, SessionQuery query) {
    if (rows.size() <= query.limit()) {
      return new SessionPage(rows, Optional.empty());
    }
    List<Session> page = rows.subList(0, query.limit());
    return new SessionPage(
        page, Optional.of(SessionQuery.After.of(page.get(page.size() - 1), query.sort())));
  }
}
