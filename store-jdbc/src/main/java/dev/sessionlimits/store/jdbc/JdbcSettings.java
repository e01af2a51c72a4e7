package dev.sessionlimits.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.SettingsStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link SettingsStore} on {@code sl_settings} (one row per setting) and {@code
 * sl_settings_version} (one row). A save bumps the version row first, conditionally on the expected
 * version: that UPDATE both checks the version and holds the row lock that serializes saves, so a
 * concurrent save with the same expectation waits, then finds the version moved and fails. On
 * PostgreSQL the same transaction announces the change on {@link ChangeNotices#CHANNEL}, so every
 * node hears of it when it commits.
 */
final class JdbcSettings implements SettingsStore {

  private static final String LOAD =
      "SELECT v.version, s.setting_name, s.setting_value"
          + " FROM sl_settings_version v LEFT JOIN sl_settings s ON TRUE WHERE v.id = 1";

  /** Parameter: the expected version. Also holds the row lock that serializes saves. */
  private static final String BUMP_VERSION =
      "UPDATE sl_settings_version SET version = version + 1 WHERE id = 1 AND version = ?";

  /** Parameters: value, name. */
  private static final String UPDATE_SETTING =
      "UPDATE sl_settings SET setting_value = ? WHERE setting_name = ?";

  /** Parameters: value, name. */
  private static final String INSERT_SETTING =
      "INSERT INTO sl_settings (setting_value, setting_name) VALUES (?, ?)";

  /** Parameter: name. A setting back at its default has no row. */
  private static final String DELETE_SETTING = "DELETE FROM sl_settings WHERE setting_name = ?";

  private static final String NOTIFY = "SELECT pg_notify(?, ?)";

  private final Database db;
  private final String nodeId;
  private final boolean notifies;

  /** Moved by the cluster listener: see {@link #changeStamp}. */
  private final AtomicLong changes = new AtomicLong();

  JdbcSettings(Database db, String nodeId) {
    this.db = db;
    this.nodeId = nodeId;
    this.notifies = db.dialect().notifies();
  }

  /**
   * On PostgreSQL with a cluster listener, moves when another node saves the settings (usually
   * within milliseconds of its commit) and whenever the listener connects anew; else never.
   */
  @Override
  public long changeStamp() {
    return changes.get();
  }

  /** Another node saved the settings, or news of a save may have been missed. */
  void heardOfChange() {
    changes.incrementAndGet();
  }

  @Override
  public Stored load() {
    return db.autocommit(() -> "load the settings", JdbcSettings::load);
  }

  @Override
  public Stored save(Map<String, String> changes, long expectedVersion) {
    requireNonNull(changes, "changes");
    changes.forEach(
        (name, value) -> {
          requireNonNull(name, "a setting name is null");
        });
    return db.transaction(
        () -> "save " + changes.size() + " settings at version " + expectedVersion,
        connection -> {
          try (PreparedStatement bump = connection.prepareStatement(BUMP_VERSION)) {
            bump.setLong(1, expectedVersion);
            if (bump.executeUpdate() != 1) {
              throw new ConcurrentSettingsChangeException(
                  expectedVersion, load(connection).version());
            }
          }
          for (Map.Entry<String, String> change : changes.entrySet()) {
            if (change.getValue() == null) {
              try (PreparedStatement delete = connection.prepareStatement(DELETE_SETTING)) {
                delete.setString(1, change.getKey());
                delete.executeUpdate();
              }
            } else if (!write(connection, UPDATE_SETTING, change)) {
              write(connection, INSERT_SETTING, change);
            }
          }
          if (notifies) {
            try (PreparedStatement notify = connection.prepareStatement(NOTIFY)) {
              notify.setString(1, ChangeNotices.CHANNEL);
              notify.setString(2, ChangeNotices.settings(nodeId));
              notify.executeQuery().close();
            }
          }
          return load(connection);
        });
  }

  private static boolean write(Connection connection, String sql, Map.Entry<String, String> change)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, change.getValue());
      statement.setString(2, change.getKey());
      return statement.executeUpdate() == 1;
    }
  }

  private static Stored load(Connection connection) throws SQLException {
    Map<String, String> values = new HashMap<>();
    long version = 0;
    try (PreparedStatement select = connection.prepareStatement(LOAD);
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        version = rows.getLong("version");
        String name = rows.getString("setting_name");
        if (name != null) {
          values.put(name, rows.getString("setting_value"));
        }
      }
    }
    return new Stored(values, version);
  }
}
