package dev.sessionlimits.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The databases the store runs on. The SQL is shared; the migration scripts differ, and so does
 * what makes a commit durable ({@link Database#persist}).
 */
enum Vendor {
  H2("H2", "h2"),
  POSTGRESQL("PostgreSQL", "postgresql");

  private final String productName;
  private final String migrationFolder;

  Vendor(String productName, String migrationFolder) {
    this.productName = productName;
    this.migrationFolder = migrationFolder;
  }

  /** The Flyway location of this database's migration scripts. */
  String migrations() {
    return "classpath:dev/sessionlimits/store/jdbc/migration/" + migrationFolder;
  }

  @Override
  public String toString() {
    return productName;
  }

  static Vendor of(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName();
    for (Vendor vendor : values()) {
      if (vendor.productName.equalsIgnoreCase(product)) {
        return vendor;
      }
    }
    throw new IllegalArgumentException("The data source is a " + product
        + " database; the JDBC store runs on H2 or PostgreSQL");
  }
}
