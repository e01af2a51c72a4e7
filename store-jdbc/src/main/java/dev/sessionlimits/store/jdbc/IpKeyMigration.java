package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.IpKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Schema version 9, on both databases: fills {@code sl_sessions.ip_key} (added by V8) for every
 * session not ended at the upgrade, so that a CIDR filter finds them too. Written in Java because
 * the key ({@link IpKey}) is computed from the address text, which neither database's SQL parses
 * the same way. Ended sessions keep a null key: no list shows them.
 */
final class IpKeyMigration implements JavaMigration {

  static final String UNKEYED =
      "SELECT id, client_ip FROM sl_sessions WHERE ended_at IS NULL AND ip_key IS NULL";
  static final String SET_KEY = "UPDATE sl_sessions SET ip_key = ? WHERE id = ?";

  private static final int BATCH = 1000;

  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion("9");
  }

  @Override
  public String getDescription() {
    return "session ip keys";
  }

  @Override
  public Integer getChecksum() {
    return 9;
  }

  @Override
  public boolean canExecuteInTransaction() {
    return true;
  }

  @Override
  public void migrate(Context context) throws Exception {
    Connection connection = context.getConnection();
    Map<String, String> keys = new LinkedHashMap<>();
    try (PreparedStatement select = connection.prepareStatement(UNKEYED);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        String id = rows.getString("id");
        IpKey.of(rows.getString("client_ip")).ifPresent(key -> keys.put(id, key));
      }
    }
    try (PreparedStatement update = connection.prepareStatement(SET_KEY)) {
      int pending = 0;
      for (Map.Entry<String, String> e : keys.entrySet()) {
        update.setString(1, e.getValue());
        update.setString(2, e.getKey());
        update.addBatch();
        if (++pending == BATCH) {
          update.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        update.executeBatch();
      }
    }
  }
}
