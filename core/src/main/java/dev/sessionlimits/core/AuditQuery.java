package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Audit events an administrator asks for ({@link AuditLog#search}), newest first: at most {@code
 * limit}, older than the event {@code beforeId} (0: from the newest), and matching every filter
 * given: {@code user} is the actor or the subject, {@code type} one of {@code types} (empty: any),
 * {@code at} from {@code since} (included) to {@code until} (excluded).
 */
public record AuditQuery(
    int limit,
    long beforeId,
    Optional<String> user,
    Set<String> types,
    Optional<Instant> since,
    Optional<Instant> until) {

  public AuditQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    if (beforeId < 0) {
      throw new IllegalArgumentException("beforeId must not be negative, got " + beforeId);
    }
    requireNonNull(user, "user");
    types = Set.copyOf(types);
    requireNonNull(since, "since");
    requireNonNull(until, "until");
  }

  /** The newest {@code limit} events older than {@code beforeId}, unfiltered. */
  public static AuditQuery recent(int limit, long beforeId) {
    return new AuditQuery(
        limit, beforeId, Optional.empty(), Set.of(), Optional.empty(), Optional.empty());
  }

  /** This query with another limit and position. */
  public AuditQuery page(int newLimit, long newBeforeId) {
    return new AuditQuery(newLimit, newBeforeId, user, types, since, until);
  }

  /** Whether {@code e} passes every filter (not the position). */
  public boolean matches(AuditEvent e) {
    if (user.isPresent() && !user.get().equals(e.actor()) && !user.get().equals(e.subject())) {
      return false;
    }
    if (!types.isEmpty() && !types.contains(e.type())) {
      return false;
    }
    if (since.isPresent() && e.at().isBefore(since.get())) {
      return false;
    }
    return until.isEmpty() || e.at().isBefore(until.get());
  }

  /** Whether this query filters at all. */
  public boolean filters() {
    return user.isPresent() || !types.isEmpty() || since.isPresent() || until.isPresent();
  }

  /** The events of {@code newestFirst} this query keeps, up to its limit. */
  public List<AuditEvent> select(Iterable<AuditEvent> newestFirst) {
    List<AuditEvent> out = new ArrayList<>();
    for (AuditEvent e : newestFirst) {
      if (out.size() >= limit) {
        break;
      }
      if ((beforeId == 0 || e.id() < beforeId) && matches(e)) {
        out.add(e);
      }
    }
    return out;
  }
}
