package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.ThrottleStore;
import dev.sessionlimits.core.ThrottleStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on PostgreSQL, the concurrent cases split over two stores (two nodes). */
class PostgresThrottleStoreTest extends ThrottleStoreContract {

  @RegisterExtension
  static final TestPostgres postgres = TestPostgres.perClass();

  private JdbcStore otherNode;

  @Override
  protected ThrottleStore createStore() throws Exception {
    postgres.truncate();
    return JdbcStore.postgres(postgres.url());
  }

  @Override
  protected ThrottleStore sameData() {
    otherNode = JdbcStore.postgres(postgres.url());
    return otherNode;
  }

  @AfterEach
  void closeOtherNode() {
    if (otherNode != null) {
      otherNode.close();
    }
  }
}
