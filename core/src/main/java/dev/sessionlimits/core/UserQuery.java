package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One page of users ({@link UserStore#page}): at most {@code limit} users by user name (descending
 * if {@code descending}), after the user name {@code after}, whose name holds {@code text}
 * (case-insensitive).
 */
public record UserQuery(
    int limit, boolean descending, Optional<String> after, Optional<String> text) {

  /** The most users one page holds. */
  public static final int MAX_LIMIT = 1000;

  public UserQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
    requireNonNull(after, "after");
    text = requireNonNull(text, "text").map(t -> t.toLowerCase(Locale.ROOT));
    if (text.isPresent()
        && (text.get().isBlank()
            || text.get().length() > SessionQuery.MAX_TEXT
            || text.get().chars().anyMatch(Character::isISOControl))) {
      throw new IllegalArgumentException(
          "the search text must be 1.." + SessionQuery.MAX_TEXT + " printable characters");
    }
  }

  /** This query from the user name {@code next} on. */
  public UserQuery from(String next) {
    return new UserQuery(limit, descending, Optional.of(next), text);
  }

  /** Whether {@code username} passes the filter and comes after the position. */
  public boolean selects(String username) {
    if (text.isPresent() && !username.toLowerCase(Locale.ROOT).contains(text.get())) {
      return false;
    }
    if (after.isEmpty()) {
      return true;
    }
    int c = username.compareTo(after.get());
    return descending ? c < 0 : c > 0;
  }

  /** One page of users, and the user name to ask the next page from; empty on the last page. */
  public record Page(List<User> users, Optional<String> next) {
    public Page {
      users = List.copyOf(users);
      requireNonNull(next, "next");
    }
  }

  /** The page of {@code rows}, up to {@code limit + 1} users in order (the extra one says more). */
  public Page cut(List<User> rows) {
    if (rows.size() <= limit) {
      return new Page(rows, Optional.empty());
    }
    List<User> page = rows.subList(0, limit);
    return new Page(page, Optional.of(page.get(limit - 1).username()));
  }

  /** The page this query selects from {@code all}, in memory. */
  public Page select(List<User> all) {
    Comparator<User> order = Comparator.comparing(User::username);
    return cut(
        all.stream()
            .filter(u -> selects(u.username()))
            .sorted(descending ? order.reversed() : order)
            .limit(limit + 1L)
            .toList());
  }
}
