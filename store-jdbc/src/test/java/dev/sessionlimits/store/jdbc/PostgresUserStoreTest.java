package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.core.UserStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresUserStoreTest extends UserStoreContract {

  @RegisterExtension
  static final TestPostgres postgres = TestPostgres.perClass();

  @Override
  protected UserStore createStore() throws Exception {
    postgres.truncate();
    return JdbcStore.postgres(postgres.url());
  }
}
