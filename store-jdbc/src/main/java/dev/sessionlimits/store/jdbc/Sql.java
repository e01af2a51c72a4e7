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
import org.postgresql.PGStatement;
import org.postgresql.util.PGobject;

/**
 * Parameter and column conversions shared by the stores. Times are TIMESTAMP WITH TIME ZONE, which
 * both databases keep to the microsecond: instants are truncated to that before they are written,
 * so what is read back equals what was returned to the caller.
 *
 * <p>Design note: instants on PostgreSQL. pgjdbc binds an {@code OffsetDateTime} as text, which it
 * formats with a {@code TimestampUtils} that it builds once per statement, a {@code
 * GregorianCalendar} with it (locale and week data looked up each time). A login prepares a new
 * statement for each round trip, so that was 10% of the Java samples of an evicting open on 8
 * threads (issue 19's profile). The same text, {@code 2026-12-07 05:00:00.123456+00}, is written
 * here for the years 1 to 9999 and bound as a {@code timestamptz}: the same parameter type as
 * before, so the server-side prepared statements and their plans are the same. Other years, and H2,
 * go through the driver as before.
 */
final class Sql {

  private static final ZoneOffset UTC = ZoneOffset.UTC;

  private static final String TIMESTAMPTZ = "timestamptz";

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
      if (utc.getYear() >= 1
          && utc.getYear() <= 9999
          && statement.isWrapperFor(PGStatement.class)) {
        PGobject text = new PGobject();
        text.setType(TIMESTAMPTZ);
        text.setValue(postgresText(utc));
        statement.setObject(index, text);
      } else {
        statement.setObject(index, OffsetDateTime.of(utc, UTC));
      }
    }
  }

  /**
   * {@code utc}, of a year from 1 to 9999, as PostgreSQL reads a {@code timestamptz} whatever the
   * session's time zone and order of dates: {@code yyyy-MM-dd HH:mm:ss.SSSSSS+00}.
   */
  static String postgresText(LocalDateTime utc) {
    char[] text = new char[29];
    digits(text, 0, utc.getYear(), 4);
    text[4] = '-';
    digits(text, 5, utc.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, utc.getDayOfMonth(), 2);
    text[10] = ' ';
    digits(text, 11, utc.getHour(), 2);
    text[13] = ':';
    digits(text, 14, utc.getMinute(), 2);
    text[16] = ':';
    digits(text, 17, utc.getSecond(), 2);
    text[19] = '.';
    digits(text, 20, utc.getNano() / 1000, 6);
    text[26] = '+';
    text[27] = '0';
    text[28] = '0';
    return new String(text);
  }

  private static void digits(char[] text, int from, int value, int width) {
    for (int i = from + width - 1; i >= from; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
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
