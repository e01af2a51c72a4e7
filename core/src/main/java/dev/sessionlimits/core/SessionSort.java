package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The order of a list of sessions: by a {@link Key}, ascending or descending, ties broken by the
 * session id (in the same direction), so that every session has one place and keyset paging ({@link
 * SessionQuery#after}) visits each exactly once.
 */
public record SessionSort(Key key, boolean descending) {

  /** The default order of the administrators' list: newest login first. */
  public static final SessionSort NEWEST_FIRST = new SessionSort(Key.CREATED, true);

  /** What sessions are ordered by. */
  public enum Key {
    /** The login time. */
    CREATED("created"),
    /** The last recorded activity. */
    LAST_SEEN("last_seen"),
    /** The expiry ({@link Session#expiresAt()}). */
    EXPIRES("expires"),
    /** The user name (in the store's collation). */
    USER("user");

    private final String code;

    Key(String code) {
      this.code = code;
    }

    /** The name in the API: {@code created}, {@code last_seen}, {@code expires}, {@code user}. */
    public String code() {
      return code;
    }

    /** Whether the key is a time (else the user name). */
    public boolean isTime() {
      return this != USER;
    }
  }

  public SessionSort {
    requireNonNull(key, "key");
  }

  /** The order written as {@code code}: a key's code, with a leading {@code -} for descending. */
  public static Optional<SessionSort> parse(String code) {
    boolean descending = code.startsWith("-");
    String name = descending ? code.substring(1) : code;
    return Arrays.stream(Key.values())
        .filter(k -> k.code.equals(name))
        .findFirst()
        .map(k -> new SessionSort(k, descending));
  }

  /** Every code {@link #parse} takes, ascending and descending. */
  public static List<String> codes() {
    return Arrays.stream(Key.values())
        .flatMap(k -> List.of(k.code, "-" + k.code).stream())
        .toList();
  }

  /** This order as {@link #parse} reads it. */
  public String code() {
    return (descending ? "-" : "") + key.code;
  }

  /** The time of {@code s} this order compares; for {@link Key#USER}, the login time. */
  public Instant timeOf(Session s) {
    return switch (key) {
      case LAST_SEEN -> s.lastSeenAt();
      case EXPIRES -> s.expiresAt();
      default -> s.createdAt();
    };
  }

  /** The key of {@code s} as a cursor holds it: an RFC 3339 instant, or the user name. */
  public String keyOf(Session s) {
    return key.isTime() ? timeOf(s).toString() : s.user();
  }

  /** Sessions in this order, in memory (user names by {@link String#compareTo}). */
  public Comparator<Session> comparator() {
    Comparator<Session> byKey =
        key.isTime() ? Comparator.comparing(this::timeOf) : Comparator.comparing(Session::user);
    Comparator<Session> total = byKey.thenComparing(Session::id);
    return descending ? total.reversed() : total;
  }

  /** Whether {@code s} comes after the position {@code after} in this order. */
  public boolean isAfter(Session s, SessionQuery.After after) {
    int byKey =
        key.isTime()
            ? timeOf(s).compareTo(Instant.parse(after.key()))
            : s.user().compareTo(after.key());
    int c = (byKey != 0) ? byKey : s.id().compareTo(after.id());
    return descending ? c < 0 : c > 0;
  }
}
