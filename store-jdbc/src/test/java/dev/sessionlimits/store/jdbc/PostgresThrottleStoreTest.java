package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.ThrottleStore;
import dev.sessionlimits.core.ThrottleStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on PostgreSQL, the concurrent cases split over two stores (two nodes). */
class PostgresThrottleStoreTest extends ThrottleStoreContract {

  @RegisterExtension static final TestPostgres postgres = TestPostgres.perClass();

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @Override
  protected ThrottleStore createStore() throws Exception {
    postgres.truncate();
    return stores.add(JdbcStore.postgres(postgres.url())).throttle();
  }

  @Override
  protected ThrottleStore sameData() {
    return stores.add(JdbcStore.postgres(postgres.url())).throttle();
  }
}
