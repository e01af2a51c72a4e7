package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.instant;
import static dev.sessionlimits.store.jdbc.Sql.setInstant;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.ApiKey;
import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.core.ApiKeyStore;
import dev.sessionlimits.core.TokenHash;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@link ApiKeyStore} on the {@code sl_api_keys} table (V10, {@code expires_at} V12). Scopes
 * are one column, their API names separated by single spaces, as OAuth writes scopes. Revocation
 * and use are single conditional UPDATEs, so neither needs a transaction of its own: a second
 * revocation finds no row to change, and an earlier use never overwrites a later one.
 */
final class JdbcApiKeys implements ApiKeyStore {

  private static final String COLUMNS =
      "id, name, scopes, key_hash, created_at, created_by, last_used_at, revoked_at, expires_at";

  private static final String INSERT =
      "INSERT INTO sl_api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static final String FIND = "SELECT " + COLUMNS + " FROM sl_api_keys WHERE id = ?";

  private static final String LIST =
      "SELECT " + COLUMNS + " FROM sl_api_keys ORDER BY created_at, id";

  private static final String REVOKE =
      "UPDATE sl_api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";

  private static final String RECORD_USE =
      "UPDATE sl_api_keys SET last_used_at = ?"
          + " WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)";

  private final Database db;

  JdbcApiKeys(Database db) {
    this.db = db;
  }

  @Override
  public boolean create(ApiKey key) {
    requireNonNull(key, "key");
    return db.autocommit(
        () -> "create API key " + key.id(),
        connection -> {
          try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, key.id());
            insert.setString(2, key.name());
            insert.setString(3, scopes(key.scopes()));
            insert.setString(4, key.hash().hex());
            setInstant(insert, 5, key.createdAt());
            insert.setString(6, key.createdBy());
            setInstant(insert, 7, key.lastUsedAt().orElse(null));
            setInstant(insert, 8, key.revokedAt().orElse(null));
            setInstant(insert, 9, key.expiresAt().orElse(null));
            insert.executeUpdate();
            db.persist(connection);
            return true;
          } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
              return false;
            }
            throw e;
          }
        });
  }

  @Override
  public Optional<ApiKey> find(String id) {
    requireNonNull(id, "id");
    return db.autocommit(
        () -> "read API key " + id,
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(FIND)) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next() ? Optional.of(key(rows)) : Optional.<ApiKey>empty();
            }
          }
        });
  }

  @Override
  public List<ApiKey> list() {
    return db.autocommit(
        () -> "list the API keys",
        connection -> {
          List<ApiKey> keys = new ArrayList<>();
          try (PreparedStatement select = connection.prepareStatement(LIST);
              ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
              keys.add(key(rows));
            }
          }
          return keys;
        });
  }

  @Override
  public boolean revoke(String id, Instant at) {
    requireNonNull(id, "id");
    requireNonNull(at, "at");
    return db.autocommit(
        () -> "revoke API key " + id,
        connection -> {
          try (PreparedStatement update = connection.prepareStatement(REVOKE)) {
            setInstant(update, 1, at);
            update.setString(2, id);
            boolean revoked = update.executeUpdate() == 1;
            db.persist(connection);
            return revoked;
          }
        });
  }

  @Override
  public void recordUse(String id, Instant at) {
    requireNonNull(id, "id");
    requireNonNull(at, "at");
    db.autocommit(
        () -> "record the use of API key " + id,
        connection -> {
          try (PreparedStatement update = connection.prepareStatement(RECORD_USE)) {
            setInstant(update, 1, at);
            update.setString(2, id);
            setInstant(update, 3, at);
            update.executeUpdate();
          }
          return null;
        });
  }

  private static ApiKey key(ResultSet rows) throws SQLException {
    return new ApiKey(
        rows.getString("id"),
        rows.getString("name"),
        scopes(rows.getString("scopes")),
        new TokenHash(rows.getString("key_hash")),
        instant(rows, "created_at"),
        rows.getString("created_by"),
        Optional.ofNullable(instant(rows, "last_used_at")),
        Optional.ofNullable(instant(rows, "revoked_at")),
        Optional.ofNullable(instant(rows, "expires_at")));
  }

  private static String scopes(Set<ApiKeyScope> scopes) {
    return scopes.stream().map(ApiKeyScope::code).collect(Collectors.joining(" "));
  }

  private static Set<ApiKeyScope> scopes(String column) {
    Set<ApiKeyScope> scopes = EnumSet.noneOf(ApiKeyScope.class);
    for (String code : column.split(" ")) {
      scopes.add(
          ApiKeyScope.ofCode(code)
              .orElseThrow(() -> new IllegalStateException("unknown API key scope " + code)));
    }
    return scopes;
  }
}
