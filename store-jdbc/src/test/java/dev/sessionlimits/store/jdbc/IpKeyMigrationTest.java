package dev.sessionlimits.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.IpMatch;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionQuery;
import dev.sessionlimits.core.SessionSort;
import dev.sessionlimits.core.TokenHash;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions open at the upgrade to schema version 9 are found by address block like new ones. */
class IpKeyMigrationTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  @TempDir Path dataDir;

  @Test
  void aSessionOpenBeforeTheUpgradeIsFoundByItsAddressBlockAfterIt() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + dataDir.resolve("test"));
    try (HikariDataSource pool = new HikariDataSource(config)) {
      Flyway.configure(JdbcStore.class.getClassLoader())
          .dataSource(pool)
          .locations(Dialect.H2.migrations())
          .table("sessionlimits_schema_history")
          .target("7")
          .load()
          .migrate();
      try (Connection connection = pool.getConnection()) {
        JdbcStoreUnderTest.insertRow(connection, session("old-v4", "198.51.100.7"));
        JdbcStoreUnderTest.insertRow(connection, session("old-v6", "2001:db8:5::1"));
      }

      try (JdbcStore store = JdbcStore.using(pool)) {
        assertThat(find(store, "198.51.100.0", "198.51.100.255")).containsExactly("old-v4");
        assertThat(find(store, "2001:db8:5::", "2001:db8:5:ffff:ffff:ffff:ffff:ffff"))
            .containsExactly("old-v6");
      }
    }
  }

  private static List<String> find(JdbcStore store, String low, String high) throws Exception {
    SessionQuery query =
        new SessionQuery(
            10,
            SessionSort.NEWEST_FIRST,
            Optional.empty(),
            Optional.empty(),
            Optional.of(
                IpMatch.Block.of(
                    InetAddress.getByName(low).getAddress(),
                    InetAddress.getByName(high).getAddress())),
            Optional.empty());
    return store.sessions().livePage(query, T0.plusSeconds(60)).sessions().stream()
        .map(Session::id)
        .toList();
  }

  private static Session session(String id, String ip) {
    return new Session(
        id,
        TokenHash.of("token-" + id),
        "alice",
        ip,
        "curl/8.5",
        null,
        "password",
        T0,
        T0,
        T0.plus(Duration.ofHours(1)),
        null,
        null);
  }
}
