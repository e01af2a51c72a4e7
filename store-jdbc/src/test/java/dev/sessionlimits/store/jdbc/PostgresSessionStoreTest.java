package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SessionStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresSessionStoreTest extends SessionStoreContract {

  private static TestPostgres postgres;

  @BeforeAll
  static void createDatabase() {
    postgres = TestPostgres.create();
    postgres.dataSource();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected SessionStore createStore() throws Exception {
    postgres.truncate();
    return JdbcStore.postgres(postgres.url());
  }
}
