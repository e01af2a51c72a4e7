package dev.sessionlimits.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.store.jdbc.SqlFailures.Kind;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlFailuresTest {

  @ParameterizedTest(name = "SQLSTATE {0} is {1}")
  @CsvSource({
    "08006, UNAVAILABLE", // PostgreSQL: connection failure
    "08001, UNAVAILABLE", // cannot connect
    "57P01, UNAVAILABLE", // admin shutdown
    "57P03, UNAVAILABLE", // cannot connect now
    "53100, UNAVAILABLE", // disk full
    "53300, UNAVAILABLE", // too many connections
    "58030, UNAVAILABLE", // I/O error
    "25006, UNAVAILABLE", // read-only standby
    "90098, UNAVAILABLE", // H2: database closed
    "90028, UNAVAILABLE", // H2: I/O error
    "90030, UNAVAILABLE", // H2: file corrupted
    "90100, UNAVAILABLE", // H2: no disk space
    "57014, BUSY", // statement timeout
    "55P03, BUSY", // PostgreSQL: lock not available
    "HYT00, BUSY", // H2: lock timeout
    "40001, CONFLICT",
    "40P01, CONFLICT",
    "90131, CONFLICT",
    "42P01, ERROR", // undefined table
    "42703, ERROR", // undefined column
    "42S22, ERROR", // H2: column not found
    "42000, ERROR", // syntax error
    "22001, ERROR", // value too long
    "23502, ERROR", // not null violation
    "0A000, ERROR", // feature not supported: HikariCP evicts, but here it is a programming error
  })
  void classifiesBySqlState(String state, Kind kind) {
    assertThat(SqlFailures.classify(new SQLException("test", state))).isEqualTo(kind);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "a pool that timed out connecting, UNAVAILABLE",
    "a pool with every connection in use, BUSY",
    "an I/O failure without a state, UNAVAILABLE",
    "a bug without a state, ERROR",
    "a conflict chained after an error, CONFLICT",
  })
  void classifiesByExceptionAndCause(String what, Kind kind) {
    SQLException e =
        switch (what) {
          case "a pool that timed out connecting" ->
              new SQLTransientConnectionException(
                  "timed out", "08001", new SQLException("Connection refused", "08001"));
          case "a pool with every connection in use" ->
              new SQLTransientConnectionException("request timed out after 500ms", null, null);
          case "an I/O failure without a state" ->
              new SQLException("could not write", new IOException("No space left on device"));
          case "a bug without a state" -> new SQLException("something unexpected");
          default -> {
            SQLException first = new SQLException("syntax", "42000");
            first.setNextException(new SQLTransactionRollbackException("deadlock", "40P01"));
            yield first;
          }
        };
    assertThat(SqlFailures.classify(e)).isEqualTo(kind);
  }
}
