package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.GroupStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresGroupStoreTest extends GroupStoreContract {

  @RegisterExtension static final TestPostgres postgres = TestPostgres.perClass();

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @Override
  protected GroupStore createStore() throws Exception {
    postgres.truncate();
    return stores.add(JdbcStore.postgres(postgres.url())).groups();
  }
}
