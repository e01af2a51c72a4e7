package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.AdminListContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresAdminListTest extends AdminListContract {

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
  protected Stores createStores() throws Exception {
    postgres.truncate();
    JdbcStore store = stores.add(JdbcStore.postgres(postgres.url()));
    return new Stores(store.sessions(), store.audit());
  }
}
