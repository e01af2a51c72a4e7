package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * One page of the live sessions an administrator asks for ({@link SessionStore#livePage}): at most
 * {@code limit} sessions in {@code sort} order, after the position {@code after} (the last session
 * of the previous page), that match every filter given: {@code text} a case-insensitive substring
 * of the user name, the device or the user agent; {@code ip} the client address; {@code user}
 * exactly the user name.
 */
public record SessionQuery(
    int limit,
    SessionSort sort,
    Optional<After> after,
    Optional<String> text,
    Optional<IpMatch> ip,
    Optional<String> user) {

  /** The most sessions one page holds. */
  public static final int MAX_LIMIT = 1000;

  /** The longest search text. */
  public static final int MAX_TEXT = 100;

  /**
   * A position in a sort: the sort key of a session ({@link SessionSort#keyOf}) and its id. Whether
   * the key fits the sort is checked by the query that holds it.
   */
  public record After(String key, String id) {
    public After {
      requireNonNull(key, "key");
      LoginAttempt.requireNonBlank(id, "id");
    }

    /** The position of {@code s} in {@code sort}. */
    public static After of(Session s, SessionSort sort) {
      return new After(sort.keyOf(s), s.id());
    }
  }

  public SessionQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
    requireNonNull(sort, "sort");
    requireNonNull(after, "after");
    requireNonNull(ip, "ip");
    requireNonNull(user, "user");
    text = requireNonNull(text, "text").map(t -> t.toLowerCase(Locale.ROOT));
    if (text.isPresent() && (text.get().isBlank() || text.get().length() > MAX_TEXT)) {
      throw new IllegalArgumentException("the search text must be 1.." + MAX_TEXT + " characters");
    }
    if (text.isPresent() && text.get().chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("the search text must not hold control characters");
    }
    if (user.isPresent() && user.get().isBlank()) {
      throw new IllegalArgumentException("the user must not be blank");
    }
    if (after.isPresent() && sort.key().isTime()) {
      try {
        Instant.parse(after.get().key());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "the position of a sort by time must be an instant, got " + after.get().key(), e);
      }
    }
  }

  /** The first page of every live session in the default order. */
  public static SessionQuery firstPage(int limit) {
    return new SessionQuery(
        limit,
        SessionSort.NEWEST_FIRST,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /** This query from the position {@code next} on. */
  public SessionQuery from(After next) {
    return new SessionQuery(limit, sort, Optional.of(next), text, ip, user);
  }

  /** The position as an instant (for sorts by time). */
  public Optional<Instant> afterTime() {
    return after.filter(a -> sort.key().isTime()).map(a -> Instant.parse(a.key()));
  }

  /** Whether {@code s} passes every filter (not the position). */
  public boolean matches(Session s) {
    if (user.isPresent() && !user.get().equals(s.user())) {
      return false;
    }
    if (ip.isPresent() && !ip.get().matches(s.clientIp())) {
      return false;
    }
    return text.isEmpty()
        || contains(s.user(), text.get())
        || contains(s.device(), text.get())
        || contains(s.userAgent(), text.get());
  }

  private static boolean contains(String field, String lowerText) {
    return field != null && field.toLowerCase(Locale.ROOT).contains(lowerText);
  }
}
