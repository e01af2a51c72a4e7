package dev.sessionlimits.server;

import dev.sessionlimits.store.jdbc.JdbcStore;
import dev.sessionlimits.store.jdbc.TestPostgres;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ServiceConcurrencyTest} on PostgreSQL: every test on an emptied database of its own. */
class ServiceConcurrencyPostgresTest extends ServiceConcurrencyTest {

  @RegisterExtension static final TestPostgres database = TestPostgres.perClass();

  @Override
  Stores stores() throws Exception {
    database.truncate();
    JdbcStore store = JdbcStore.postgres(database.url());
    return Stores.of(store, store::isHealthy);
  }
}
