package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.instant;
import static dev.sessionlimits.store.jdbc.Sql.setInstant;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.SecondFactors;
import dev.sessionlimits.core.TotpFactor;
import dev.sessionlimits.core.User;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link SecondFactors} on {@code sl_totp_factors} and {@code sl_recovery_codes}.
 *
 * <h2>Once only</h2>
 *
 * Accepting a code and using a recovery code are each one conditional statement (an UPDATE that
 * needs the step to be later than the stored one, a DELETE of the code's row): the row lock makes
 * concurrent ones on any number of nodes wait for each other, and the loser's condition is then
 * false, so it changes no row. A code's secret is read first and compared here (a sealed secret
 * differs from the one it seals); the UPDATE then needs the row to hold the same stored value, so a
 * factor replaced between the two is not accepted.
 *
 * <h2>Sealed secrets</h2>
 *
 * With a {@link SecretsKey}, every secret is stored sealed and opened when read; a secret stored
 * before sealing (or sealed with an older key) is read as it is and sealed again by {@link
 * #sealAll}. Without one, secrets are stored as given, and a sealed one cannot be read.
 */
final class JdbcSecondFactors implements SecondFactors {

  private static final String FIND =
      "SELECT username, secret, enrolled_at, confirmed_at, last_used_step FROM sl_totp_factors"
          + " WHERE username = ?";

  private static final String DELETE_PENDING =
      "DELETE FROM sl_totp_factors WHERE username = ? AND confirmed_at IS NULL";

  /** Parameters: user name, secret, enrolled at, user name; one row unless she has a factor. */
  private static final String INSERT_PENDING =
      "INSERT INTO sl_totp_factors (username, secret, enrolled_at, confirmed_at, last_used_step)"
          + " SELECT ?, ?, ?, NULL, -1"
          + " WHERE NOT EXISTS (SELECT 1 FROM sl_totp_factors WHERE username = ?)";

  private static final String SECRET = "SELECT secret FROM sl_totp_factors WHERE username = ?";

  /** Parameter: the prefix of what the current key seals, {@code v1:<key id>:%}. */
  private static final String NOT_SEALED_NOW =
      "SELECT username, secret FROM sl_totp_factors WHERE secret NOT LIKE ?";

  /** Parameters: the new stored value, user name, the value read. */
  private static final String RESEAL =
      "UPDATE sl_totp_factors SET secret = ? WHERE username = ? AND secret = ?";

  private static final String COUNT_SEALED =
      "SELECT COUNT(*) AS sealed FROM sl_totp_factors WHERE secret LIKE '"
          + SecretsKey.PREFIX
          + "%'";

  /** Parameters: step, now, user name, the stored secret, step. */
  private static final String ACCEPT_STEP =
      "UPDATE sl_totp_factors SET last_used_step = ?, confirmed_at = COALESCE(confirmed_at, ?)"
          + " WHERE username = ? AND secret = ? AND last_used_step < ?";

  private static final String DELETE_CODES = "DELETE FROM sl_recovery_codes WHERE username = ?";
  private static final String INSERT_CODE =
      "INSERT INTO sl_recovery_codes (username, code_hash) VALUES (?, ?)";
  private static final String USE_CODE =
      "DELETE FROM sl_recovery_codes WHERE username = ? AND code_hash = ?";
  private static final String COUNT_CODES =
      "SELECT COUNT(*) AS unused FROM sl_recovery_codes WHERE username = ?";
  private static final String DELETE_FACTOR = "DELETE FROM sl_totp_factors WHERE username = ?";

  private final Database db;
  private final Optional<SecretsKey> key;

  JdbcSecondFactors(Database db, Optional<SecretsKey> key) {
    this.db = db;
    this.key = requireNonNull(key, "key");
  }

  @Override
  public Optional<TotpFactor> find(String username) {
    requireNonNull(username, "username");
    return db.autocommit(
        () -> "read the second factor of " + username,
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(FIND)) {
            select.setString(1, username);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next() ? Optional.of(factor(rows)) : Optional.<TotpFactor>empty();
            }
          }
        });
  }

  /**
   * Deletes a pending factor and inserts the new one unless a factor is left (a confirmed one). Two
   * enrolments at once may collide (on the key, or the second finding the first's new pending row):
   * the loser runs again and replaces the winner's pending factor, as if it had come second.
   */
  @Override
  public boolean beginEnrolment(String username, String secret, Instant now) {
    TotpFactor pending = new TotpFactor(username, secret, now, Optional.empty(), -1);
    return db.transaction(
        () -> "begin the second-factor enrolment of " + username,
        connection -> {
          update(connection, DELETE_PENDING, username);
          try (PreparedStatement insert = connection.prepareStatement(INSERT_PENDING)) {
            insert.setString(1, username);
            insert.setString(2, key.map(k -> k.seal(username, secret)).orElse(secret));
            setInstant(insert, 3, pending.enrolledAt());
            insert.setString(4, username);
            if (insert.executeUpdate() == 1) {
              return true;
            }
          } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
              throw new Database.RunAgain("another enrolment of " + username + " came first");
            }
            throw e;
          }
          if (isPending(connection, username)) {
            throw new Database.RunAgain("another enrolment of " + username + " came first");
          }
          return false;
        });
  }

  @Override
  public boolean acceptStep(String username, String secret, long step, Instant now) {
    requireNonNull(username, "username");
    requireNonNull(secret, "secret");
    requireNonNull(now, "now");
    return db.autocommit(
        () -> "accept a one-time code of " + username,
        connection -> {
          String stored;
          try (PreparedStatement select = connection.prepareStatement(SECRET)) {
            select.setString(1, username);
            try (ResultSet rows = select.executeQuery()) {
              if (!rows.next()) {
                return false;
              }
              stored = rows.getString("secret");
            }
          }
          if (!open(username, stored).equals(secret)) {
            return false;
          }
          try (PreparedStatement accept = connection.prepareStatement(ACCEPT_STEP)) {
            accept.setLong(1, step);
            setInstant(accept, 2, now);
            accept.setString(3, username);
            accept.setString(4, stored);
            accept.setLong(5, step);
            boolean accepted = accept.executeUpdate() == 1;
            db.persist(connection);
            return accepted;
          }
        });
  }

  @Override
  public void replaceRecoveryCodes(String username, List<String> codeHashes) {
    User.requireValidUsername(username);
    List<String> hashes = List.copyOf(codeHashes);
    db.transaction(
        () -> "replace the recovery codes of " + username,
        connection -> {
          update(connection, DELETE_CODES, username);
          try (PreparedStatement insert = connection.prepareStatement(INSERT_CODE)) {
            for (String hash : hashes) {
              insert.setString(1, username);
              insert.setString(2, hash);
              insert.addBatch();
            }
            insert.executeBatch();
          }
          return null;
        });
  }

  @Override
  public boolean useRecoveryCode(String username, String codeHash) {
    requireNonNull(username, "username");
    requireNonNull(codeHash, "codeHash");
    return db.autocommit(
        () -> "use a recovery code of " + username,
        connection -> {
          try (PreparedStatement use = connection.prepareStatement(USE_CODE)) {
            use.setString(1, username);
            use.setString(2, codeHash);
            boolean used = use.executeUpdate() == 1;
            db.persist(connection);
            return used;
          }
        });
  }

  @Override
  public int unusedRecoveryCodes(String username) {
    requireNonNull(username, "username");
    return db.autocommit(
        () -> "count the recovery codes of " + username,
        connection -> {
          try (PreparedStatement count = connection.prepareStatement(COUNT_CODES)) {
            count.setString(1, username);
            try (ResultSet rows = count.executeQuery()) {
              rows.next();
              return rows.getInt("unused");
            }
          }
        });
  }

  @Override
  public void forget(String username) {
    requireNonNull(username, "username");
    db.transaction(
        () -> "forget the second factor of " + username,
        connection -> {
          update(connection, DELETE_FACTOR, username);
          update(connection, DELETE_CODES, username);
          return null;
        });
  }

  /**
   * With a key, seals every secret stored before sealing or with an older key, and returns how
   * many; without one, changes nothing and returns 0.
   *
   * @throws IllegalStateException without a key, if a secret is stored sealed (it could not be
   *     read); with one, if a sealed secret does not open with any of its keys
   */
  int sealAll() {
    if (key.isEmpty()) {
      long sealed =
          db.autocommit(
              () -> "count the sealed TOTP secrets",
              connection -> {
                try (PreparedStatement count = connection.prepareStatement(COUNT_SEALED);
                    ResultSet rows = count.executeQuery()) {
                  rows.next();
                  return rows.getLong("sealed");
                }
              });
      if (sealed > 0) {
        throw new IllegalStateException(
            sealed + " TOTP secrets in the database are sealed, and no key to open them was given");
      }
      return 0;
    }
    SecretsKey k = key.get();
    return db.transaction(
        () -> "seal the TOTP secrets",
        connection -> {
          Map<String, String> toSeal = new LinkedHashMap<>();
          try (PreparedStatement select = connection.prepareStatement(NOT_SEALED_NOW)) {
            select.setString(1, k.sealedPrefix() + "%");
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                toSeal.put(rows.getString("username"), rows.getString("secret"));
              }
            }
          }
          int sealed = 0;
          try (PreparedStatement reseal = connection.prepareStatement(RESEAL)) {
            for (Map.Entry<String, String> row : toSeal.entrySet()) {
              String user = row.getKey();
              reseal.setString(1, k.seal(user, k.open(user, row.getValue())));
              reseal.setString(2, user);
              reseal.setString(3, row.getValue());
              sealed += reseal.executeUpdate();
            }
          }
          return sealed;
        });
  }

  private String open(String username, String stored) {
    if (key.isPresent()) {
      return key.get().open(username, stored);
    }
    if (SecretsKey.isSealed(stored)) {
      throw new IllegalStateException(
          "the TOTP secret of " + username + " is sealed, and no key to open it was given");
    }
    return stored;
  }

  private static void update(Connection connection, String sql, String username)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, username);
      statement.executeUpdate();
    }
  }

  private static boolean isPending(Connection connection, String username) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(FIND)) {
      select.setString(1, username);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() && instant(rows, "confirmed_at") == null;
      }
    }
  }

  private TotpFactor factor(ResultSet rows) throws SQLException {
    String username = rows.getString("username");
    return new TotpFactor(
        username,
        open(username, rows.getString("secret")),
        instant(rows, "enrolled_at"),
        Optional.ofNullable(instant(rows, "confirmed_at")),
        rows.getLong("last_used_step"));
  }
}
