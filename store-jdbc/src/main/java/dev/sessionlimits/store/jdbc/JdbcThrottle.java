package dev.sessionlimits.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.ThrottleStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@link ThrottleStore} on {@code sl_login_failures} (one row per key, {@code kind:value}) and
 * {@code sl_secrets}. A failure is one atomic upsert that answers the new count: PostgreSQL's
 * {@code INSERT ... ON CONFLICT DO UPDATE ... RETURNING}, H2's {@code MERGE} read through {@code
 * FINAL TABLE}. Counts are not flushed to H2's file at once: losing the last second of them to a
 * crash only gives a guesser a few more tries. A secret is: it must not change once handed out.
 */
final class JdbcThrottle implements ThrottleStore {

  /** Keys one {@link #READ} takes; fewer are padded by repeating the first. */
  private static final int READ_KEYS = 4;

  private static final String READ =
      "SELECT throttle_key, failures, last_failed_at"
          + " FROM sl_login_failures WHERE throttle_key IN (?, ?, ?, ?) AND last_failed_at >= ?";

  /** Parameters: key, now, since. */
  private static final String FAIL_POSTGRESQL =
      "INSERT INTO sl_login_failures AS f"
          + " (throttle_key, failures, last_failed_at) VALUES (?, 1, ?)"
          + " ON CONFLICT (throttle_key) DO UPDATE SET"
          + " failures = CASE WHEN f.last_failed_at < ? THEN 1 ELSE f.failures + 1 END,"
          + " last_failed_at = GREATEST(f.last_failed_at, EXCLUDED.last_failed_at)"
          + " RETURNING failures, last_failed_at";

  /** Parameters: key, now, since. */
  private static final String FAIL_H2 =
      "SELECT failures, last_failed_at FROM FINAL TABLE ("
          + "MERGE INTO sl_login_failures f USING (VALUES (CAST(? AS VARCHAR(255)),"
          + " CAST(? AS TIMESTAMP(6) WITH TIME ZONE))) AS n (throttle_key, failed_at)"
          + " ON f.throttle_key = n.throttle_key"
          + " WHEN MATCHED THEN UPDATE SET"
          + " failures = CASE WHEN f.last_failed_at < ? THEN 1 ELSE f.failures + 1 END,"
          + " last_failed_at = GREATEST(f.last_failed_at, n.failed_at)"
          + " WHEN NOT MATCHED THEN INSERT (throttle_key, failures, last_failed_at)"
          + " VALUES (n.throttle_key, 1, n.failed_at))";

  private static final String CLEAR = "DELETE FROM sl_login_failures WHERE throttle_key = ?";
  private static final String PURGE = "DELETE FROM sl_login_failures WHERE last_failed_at < ?";
  private static final String READ_SECRET =
      "SELECT secret_value FROM sl_secrets WHERE secret_name = ?";
  private static final String INSERT_SECRET =
      "INSERT INTO sl_secrets (secret_name, secret_value) VALUES (?, ?)";

  /** Tries of an H2 failure that met another's first insert of the same key. */
  private static final int FAIL_ATTEMPTS = 3;

  private final Database db;
  private final String fail;

  JdbcThrottle(Database db) {
    this.db = db;
    this.fail = (db.dialect() == Dialect.POSTGRESQL) ? FAIL_POSTGRESQL : FAIL_H2;
  }

  @Override
  public Map<Key, Failures> failures(Collection<Key> keys, Instant since) {
    requireNonNull(since, "since");
    List<Key> all = List.copyOf(keys);
    if (all.isEmpty()) {
      return Map.of();
    }
    return db.autocommit(
        () -> "read the login failures of " + all.size() + " keys",
        connection -> {
          Map<String, Key> byText = new HashMap<>();
          all.forEach(k -> byText.put(k.text(), k));
          Map<Key, Failures> found = new HashMap<>();
          List<String> texts = new ArrayList<>(byText.keySet());
          try (PreparedStatement select = connection.prepareStatement(READ)) {
            for (int from = 0; from < texts.size(); from += READ_KEYS) {
              for (int i = 0; i < READ_KEYS; i++) {
                int index = (from + i < texts.size()) ? from + i : from;
                select.setString(i + 1, texts.get(index));
              }
              Sql.setInstant(select, READ_KEYS + 1, since);
              try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                  found.put(byText.get(rows.getString("throttle_key")), failures(rows));
                }
              }
            }
          }
          return found;
        });
  }

  @Override
  public Failures countFailure(Key key, Instant now, Instant since) {
    requireNonNull(key, "key");
    requireNonNull(now, "now");
    requireNonNull(since, "since");
    return db.autocommit(
        () -> "count a login failure of " + key.text(),
        connection -> {
          for (int attempt = 1; ; attempt++) {
            try (PreparedStatement upsert = connection.prepareStatement(fail)) {
              upsert.setString(1, key.text());
              Sql.setInstant(upsert, 2, now);
              Sql.setInstant(upsert, 3, since);
              try (ResultSet rows = upsert.executeQuery()) {
                rows.next();
                return failures(rows);
              }
            } catch (SQLException e) {
              // H2's MERGE of a missing key can meet another's insert of it; then the row is there.
              if (!Database.isUniqueViolation(e) || attempt >= FAIL_ATTEMPTS) {
                throw e;
              }
            }
          }
        });
  }

  @Override
  public void clearFailures(Key key) {
    requireNonNull(key, "key");
    db.autocommit(
        () -> "clear the login failures of " + key.text(),
        connection -> {
          try (PreparedStatement delete = connection.prepareStatement(CLEAR)) {
            delete.setString(1, key.text());
            return delete.executeUpdate();
          }
        });
  }

  @Override
  public int purgeFailures(Instant before) {
    requireNonNull(before, "before");
    return db.autocommit(
        () -> "purge the login failures before " + before,
        connection -> {
          try (PreparedStatement delete = connection.prepareStatement(PURGE)) {
            Sql.setInstant(delete, 1, before);
            return delete.executeUpdate();
          }
        });
  }

  @Override
  public byte[] secret(String name, Supplier<byte[]> fresh) {
    requireNonNull(name, "name");
    requireNonNull(fresh, "fresh");
    String stored =
        db.autocommit(
            () -> "read or store the secret " + name,
            connection -> {
              String value = readSecret(connection, name);
              if (value != null) {
                return value;
              }
              String candidate = Base64.getEncoder().encodeToString(fresh.get());
              try (PreparedStatement insert = connection.prepareStatement(INSERT_SECRET)) {
                insert.setString(1, name);
                insert.setString(2, candidate);
                insert.executeUpdate();
                db.persist(connection);
                return candidate;
              } catch (SQLException e) {
                if (Database.isUniqueViolation(e)) {
                  return readSecret(connection, name);
                }
                throw e;
              }
            });
    return Base64.getDecoder().decode(stored);
  }

  private static String readSecret(Connection connection, String name) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(READ_SECRET)) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getString("secret_value") : null;
      }
    }
  }

  private static Failures failures(ResultSet rows) throws SQLException {
    return new Failures(rows.getInt("failures"), Sql.instant(rows, "last_failed_at"));
  }
}
