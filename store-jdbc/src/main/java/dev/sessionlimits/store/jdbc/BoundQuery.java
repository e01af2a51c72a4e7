package dev.sessionlimits.store.jdbc;

import static dev.sessionlimits.store.jdbc.Sql.setInstant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGStatement;

/**
 * A statement put together from named fragments (a list query with the filters it was given) and
 * its parameters, in order: strings, longs, integers and instants. On PostgreSQL it is planned for
 * its values every time it runs (never a generic plan).
 */
final class BoundQuery {

  private final StringBuilder sql;
  private final List<Object> params = new ArrayList<>();

  BoundQuery(String start, Object... values) {
    this.sql = new StringBuilder(start);
    params.addAll(List.of(values));
  }

  /** Appends {@code fragment} and its parameters. */
  BoundQuery add(String fragment, Object... values) {
    sql.append(fragment);
    params.addAll(List.of(values));
    return this;
  }

  /** Appends {@code other}'s text and parameters. */
  BoundQuery add(BoundQuery other) {
    sql.append(other.sql);
    params.addAll(other.params);
    return this;
  }

  /** The statement's text. */
  String sql() {
    return sql.toString();
  }

  /** The statement, prepared on {@code connection} with every parameter set. */
  PreparedStatement prepare(Connection connection) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql.toString());
    try {
      if (statement.isWrapperFor(PGStatement.class)) {
        // Planned for the values each time: a plan for any value (PostgreSQL's generic plan of a
        // prepared statement) cannot tell a filter that keeps 1 row in a million from one that
        // keeps most, and walks the wrong index for one of them.
        statement.unwrap(PGStatement.class).setPrepareThreshold(0);
      }
      for (int i = 0; i < params.size(); i++) {
        Object value = params.get(i);
        if (value instanceof String text) {
          statement.setString(i + 1, text);
        } else if (value instanceof Long number) {
          statement.setLong(i + 1, number);
        } else if (value instanceof Integer number) {
          statement.setInt(i + 1, number);
        } else if (value instanceof Instant instant) {
          setInstant(statement, i + 1, instant);
        } else {
          throw new IllegalArgumentException("cannot bind " + value);
        }
      }
      return statement;
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  /** {@code text} as a LIKE pattern that finds it anywhere, {@code \} escaping {@code % _ \}. */
  static String containing(String text) {
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }
}
