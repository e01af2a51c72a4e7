package dev.sessionlimits.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What differs between the databases the store runs on. The SQL of the sessions, users, settings
 * and audit log is shared; each dialect adds its own migration scripts, its clock, whether it can
 * tell the other nodes of a change ({@code pg_notify}), whether one prepared statement may carry
 * several statements in one round trip, and (in {@link Database}) what makes a commit durable.
 */
enum Dialect {
  /** The embedded database of a single server, in this process: no round trips to save. */
  H2("H2", "h2", "CURRENT_TIMESTAMP", false),
  /** The cluster database: notifications, and several statements sent in one round trip. */
  POSTGRESQL("PostgreSQL", "postgresql", "clock_timestamp()", true);

  private final String productName;
  private final String migrationFolder;
  private final String clock;
  private final boolean postgres;

  Dialect(String productName, String migrationFolder, String clock, boolean postgres) {
    this.productName = productName;
    this.migrationFolder = migrationFolder;
    this.clock = clock;
    this.postgres = postgres;
  }

  /** The Flyway location of this database's migration scripts. */
  String migrations() {
    return "classpath:dev/sessionlimits/store/jdbc/migration/" + migrationFolder;
  }

  /**
   * The SQL for the database's time when the statement runs: on PostgreSQL not the transaction's
   * start, which may be before a wait for locks.
   */
  String clock() {
    return clock;
  }

  /**
   * The SQL for the id of the statement's transaction, assigned if it had none: on PostgreSQL its
   * 64-bit id ({@code pg_current_xact_id()}), which {@link ClusterListener} compares with its
   * snapshots; on H2, with no other node to tell, NULL.
   */
  String transactionId() {
    return postgres ? "pg_current_xact_id()" : "NULL";
  }

  /**
   * Whether a transaction can tell every node of what it changed, delivered on commit ({@code
   * pg_notify}; the settings use it); without it the other nodes (there are none on H2) hear
   * nothing.
   */
  boolean notifies() {
    return postgres;
  }

  /**
   * Whether one prepared statement may hold several statements separated by {@code ;}, sent and
   * answered in one round trip (PostgreSQL's extended protocol, one Sync for all). On H2, in this
   * process, there is no round trip to save.
   */
  boolean sendsStatementsTogether() {
    return postgres;
  }

  /** Whether the database takes arrays as parameters ({@code unnest(?::text[])}, {@code = ANY}). */
  boolean takesArrays() {
    return postgres;
  }

  /**
   * Whether a search is best asked in two steps ({@link SessionList}): PostgreSQL has trigram
   * indexes for it and a planner that must not walk the list's order for a rare text; H2, with an
   * embedded store's few sessions, is read in one query.
   */
  boolean searchesInTwoSteps() {
    return postgres;
  }

  @Override
  public String toString() {
    return productName;
  }

  static Dialect of(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName();
    for (Dialect dialect : values()) {
      if (dialect.productName.equalsIgnoreCase(product)) {
        return dialect;
      }
    }
    throw new IllegalArgumentException(
        "The data source is a " + product + " database; the JDBC store runs on H2 or PostgreSQL");
  }
}
