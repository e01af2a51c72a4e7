package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.core.UserStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresUserStoreTest extends UserStoreContract {

  private static TestPostgres postgres;

  @BeforeAll
  static void createDatabase() {
    postgres = TestPostgres.create();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected UserStore createStore() throws Exception {
    postgres.truncate();
    return JdbcStore.postgres(postgres.url());
  }
}
