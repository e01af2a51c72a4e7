package dev.sessionlimits.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Instants bound on PostgreSQL as the store's own text ({@link Sql#setInstant}) reach the server as
 * the instant they are, whatever the session's time zone and order of dates (pgjdbc itself refuses
 * a {@code DateStyle} that is not ISO), and as the driver's own binding of the same instant does;
 * years the text does not cover go through the driver.
 */
class PostgresInstantsTest {

  @RegisterExtension static final TestPostgres POSTGRES = TestPostgres.perClass();

  private static final String ROUND_TRIP =
      "SELECT CAST(? AS timestamptz) AS ours, CAST(? AS timestamptz) AS drivers,"
          + " pg_typeof(?)::text AS type";

  @Test
  void theTextIsTheIsoFormWithMicrosecondsInUtc() {
    assertThat(Sql.postgresText(LocalDateTime.of(2026, 12, 7, 5, 4, 3, 120_000)))
        .isEqualTo("2026-12-07 05:04:03.000120+00");
    assertThat(Sql.postgresText(LocalDateTime.of(1, 1, 1, 0, 0)))
        .isEqualTo("0001-01-01 00:00:00.000000+00");
    assertThat(Sql.postgresText(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000)))
        .isEqualTo("9999-12-31 23:59:59.999999+00");
  }

  @Test
  void instantsReadBackAsWrittenInAnyTimeZoneAndDateOrderAndAsTheDriverBindsThem()
      throws SQLException {
    List<Instant> instants = new ArrayList<>(edges());
    SplittableRandom random = new SplittableRandom(19);
    long first = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 500; i++) {
      instants.add(
          Instant.ofEpochSecond(random.nextLong(first, last + 1), random.nextInt(1_000_000_000)));
    }
    for (String setting :
        List.of(
            "SET TIME ZONE 'UTC'",
            "SET TIME ZONE 'America/St_Johns'",
            "SET TIME ZONE 'Asia/Kathmandu'",
            "SET DateStyle = 'ISO, DMY'",
            "SET DateStyle = 'ISO, MDY'",
            "SET DateStyle = 'ISO, YMD'")) {
      try (Connection connection = DriverManager.getConnection(POSTGRES.url());
          Statement session = connection.createStatement();
          PreparedStatement select = connection.prepareStatement(ROUND_TRIP)) {
        session.execute(setting);
        for (Instant instant : instants) {
          Sql.setInstant(select, 1, instant);
          select.setObject(2, OffsetDateTime.ofInstant(Sql.micros(instant), ZoneOffset.UTC));
          Sql.setInstant(select, 3, instant);
          try (ResultSet row = select.executeQuery()) {
            assertThat(row.next()).isTrue();
            assertThat(Sql.instant(row, "ours"))
                .as("%s under %s", instant, setting)
                .isEqualTo(Sql.micros(instant))
                .isEqualTo(Sql.instant(row, "drivers"));
            assertThat(row.getString("type")).isEqualTo("timestamp with time zone");
          }
        }
      }
    }
  }

  @Test
  void yearsBeyondTheTextGoThroughTheDriverAndNullStaysATimestamp() throws SQLException {
    try (Connection connection = DriverManager.getConnection(POSTGRES.url());
        PreparedStatement select = connection.prepareStatement(ROUND_TRIP)) {
      for (Instant instant :
          List.of(
              Instant.parse("+10000-01-01T00:00:00Z"),
              Instant.parse("+12345-06-07T08:09:10.111111Z"),
              Instant.parse("0000-12-31T23:59:59.999999Z"),
              Instant.parse("-0400-03-01T12:00:00Z"))) {
        Sql.setInstant(select, 1, instant);
        Sql.setInstant(select, 2, instant);
        Sql.setInstant(select, 3, instant);
        try (ResultSet row = select.executeQuery()) {
          assertThat(row.next()).isTrue();
          assertThat(Sql.instant(row, "ours")).as("%s", instant).isEqualTo(instant);
        }
      }
      Sql.setInstant(select, 1, null);
      Sql.setInstant(select, 2, null);
      Sql.setInstant(select, 3, null);
      try (ResultSet row = select.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(Sql.instant(row, "ours")).isNull();
        assertThat(row.getString("type")).isEqualTo("timestamp with time zone");
      }
    }
  }

  private static List<Instant> edges() {
    return List.of(
        Instant.parse("0001-01-01T00:00:00Z"),
        Instant.parse("9999-12-31T23:59:59.999999999Z"),
        Instant.EPOCH,
        Instant.parse("1969-12-31T23:59:59.000001Z"),
        Instant.parse("1969-12-31T23:59:59.999999999Z"),
        Instant.parse("2024-02-29T12:00:00.5Z"),
        Instant.parse("2026-12-07T05:04:03.000120Z"),
        Instant.parse("1582-10-04T23:59:59Z"),
        Instant.parse("1582-10-15T00:00:00Z"));
  }
}
