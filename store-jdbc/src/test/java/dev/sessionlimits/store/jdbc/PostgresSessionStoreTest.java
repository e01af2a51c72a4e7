package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SessionStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresSessionStoreTest extends SessionStoreContract {

  private static TestPostgres postgres;

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

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
    return stores.add(JdbcStore.postgres(postgres.url())).sessions();
  }
}
