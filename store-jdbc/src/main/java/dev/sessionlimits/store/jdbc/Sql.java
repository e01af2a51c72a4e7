package dev.sessionlimits.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Parameter and column conversions shared by the stores. Times are TIMESTAMP WITH TIME ZONE, which
 * both databases keep to the microsecond: instants are truncated to that before they are written,
 * so what is read back equals what was returned to the caller.
 */
final class Sql {

  private static final ZoneOffset UTC = ZoneOffset.UTC;

  private Sql() {}

  static Instant micros(Instant instant) {
    return (instant == null) ? null : instant.truncatedTo(ChronoUnit.MICROS);
  }

  static void setInstant(PreparedStatement statement, int index, Instant instant)
      throws SQLException {
    if (instant == null) {
      statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      // Not OffsetDateTime.ofInstant: it asks the offset for its rules, a new object each time.
      Instant at = micros(instant);
      LocalDateTime utc = LocalDateTime.ofEpochSecond(at.getEpochSecond(), at.getNano(), UTC);
      statement.setObject(index, OffsetDateTime.of(utc, UTC));
    }
  }

  static Instant instant(ResultSet rows, String column) throws SQLException {
    OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
    return (value == null) ? null : value.toInstant();
  }

  static void setInteger(PreparedStatement statement, int index, Integer value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.INTEGER);
    } else {
      statement.setInt(index, value);
    }
  }

  static Integer integer(ResultSet rows, String column) throws SQLException {
    int value = rows.getInt(column);
    return rows.wasNull() ? null : value;
  }
}
