package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.core.UserStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresUserStoreTest extends UserStoreContract {

  @RegisterExtension static final TestPostgres postgres = TestPostgres.perClass();

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @Override
  protected UserStore createStore() throws Exception {
    postgres.truncate();
    return stores.add(JdbcStore.postgres(postgres.url())).users();
  }
}
