package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.LoginReads.IP;
import static dev.sessionlimits.store.jdbc.LoginReads.USER;
import static dev.sessionlimits.store.jdbc.Sql.setInstant;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SessionStore.PurgeResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link SessionStore#purge}: records the expiries nobody has found yet, in batches that lock their
 * rows in ascending id order (one JDBC batch of updates each; the other nodes poll for the ends
 * they record); forgets tombstones after {@link SessionStore#TOMBSTONE_RETENTION}; and deletes the
 * quota lock rows, at least {@link #LOCK_ROW_AGE} old, of subjects without live sessions (see
 * {@link JdbcLogins} for why that is safe).
 */
final class SessionPurge {

  /**
   * How old a lock row must be before purge may delete it (when its subject has no live session).
   * Logins that find their row deleted make it again, now; so a login starts over at most once per
   * this period because of purge, and purge can never keep a login out.
   */
  static final Duration LOCK_ROW_AGE = Duration.ofHours(1);

  private final Database db;
  private final NodeView view;
  private final SessionEnds ends;
  private final int batchSize;

  SessionPurge(Database db, NodeView view, SessionEnds ends, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    this.db = db;
    this.view = view;
    this.ends = ends;
    this.batchSize = batchSize;
  }

  PurgeResult purge(Instant now) {
    requireNonNull(now, "now");
    if (view.touches() != null) {
      // Expiries are judged after this node's queued touches are in the database.
      view.touches().flush();
    }
    int expired = recordExpiries(now);
    Instant cutoff = now.minus(SessionStore.TOMBSTONE_RETENTION);
    int forgotten = 0;
    int deleted;
    do {
      deleted =
          db.autocommit(
              () -> "forget the sessions ended by " + cutoff,
              connection -> {
                try (PreparedStatement delete =
                    connection.prepareStatement(SessionSql.FORGET_BATCH)) {
                  setInstant(delete, 1, cutoff);
                  delete.setInt(2, batchSize);
                  return delete.executeUpdate();
                }
              });
      forgotten += deleted;
    } while (deleted >= batchSize);
    Instant lockCutoff = now.minus(LOCK_ROW_AGE);
    sweepLocks(USER, SessionSql.SWEEP_USERS, SessionSql.SWEEP_USERS_DELETE, lockCutoff);
    sweepLocks(IP, SessionSql.SWEEP_IPS, SessionSql.SWEEP_IPS_DELETE, lockCutoff);
    return new PurgeResult(expired, forgotten);
  }

  /** Ends the sessions expired by {@code now}, a batch per transaction; how many it ended. */
  private int recordExpiries(Instant now) {
    int expired = 0;
    while (true) {
      List<Session> due =
          db.autocommit(
              () -> "find the sessions expired at " + now,
              connection -> {
                try (PreparedStatement select =
                    connection.prepareStatement(SessionSql.EXPIRED_BATCH)) {
                  setInstant(select, 1, now);
                  select.setInt(2, batchSize);
                  return SessionRows.readAll(select);
                }
              });
      if (due.isEmpty()) {
        return expired;
      }
      due.sort(Comparator.comparing(Session::id));
      List<Session> ended =
          db.transaction(
              () -> "record " + due.size() + " sessions expired at " + now,
              connection -> {
                List<Session> expiring = new ArrayList<>(due.size());
                List<SessionEnds.Ending> endings = new ArrayList<>(due.size());
                for (Session row : due) {
                  Session session = view.overlay(row);
                  if (session.isLive(now)) {
                    continue;
                  }
                  SessionEnd expiry = session.endAt(now);
                  expiring.add(session.withEnd(expiry));
                  endings.add(new SessionEnds.Ending(row.id(), expiry, row.expiresAt()));
                }
                boolean[] recorded = ends.endAll(connection, endings);
                List<Session> done = new ArrayList<>(expiring.size());
                for (int k = 0; k < recorded.length; k++) {
                  if (recorded[k]) {
                    done.add(expiring.get(k));
                  }
                }
                return done;
              });
      view.ended(ended);
      expired += ended.size();
      if (due.size() < batchSize || ended.isEmpty()) {
        return expired;
      }
    }
  }

  /**
   * Deletes the lock rows of {@code scope} that are older than {@code cutoff} and whose subject has
   * no unended session, in windows of at most {@code batchSize} rows walked once in subject order:
   * each statement locks only the rows it deletes, and no window reads the rows of the ones before.
   */
  private void sweepLocks(String scope, String window, String delete, Instant cutoff) {
    Supplier<String> what =
        () ->
            "delete the quota lock rows of "
                + (scope.equals(USER) ? "users" : "addresses")
                + " without live sessions, made before "
                + cutoff;
    String after = "";
    while (true) {
      String from = after;
      List<String> subjects =
          db.autocommit(
              what,
              connection -> {
                try (PreparedStatement select = connection.prepareStatement(window)) {
                  select.setString(1, scope);
                  select.setString(2, from);
                  setInstant(select, 3, cutoff);
                  select.setInt(4, batchSize);
                  List<String> found = new ArrayList<>();
                  try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                      found.add(rows.getString("subject"));
                    }
                  }
                  return found;
                }
              });
      if (subjects.isEmpty()) {
        return;
      }
      String upTo = subjects.get(subjects.size() - 1);
      db.autocommit(
          what,
          connection -> {
            try (PreparedStatement deleting = connection.prepareStatement(delete)) {
              deleting.setString(1, scope);
              deleting.setString(2, from);
              setInstant(deleting, 3, cutoff);
              deleting.setString(4, upTo);
              return deleting.executeUpdate();
            }
          });
      if (subjects.size() < batchSize) {
        return;
      }
      after = upTo;
    }
  }
}
