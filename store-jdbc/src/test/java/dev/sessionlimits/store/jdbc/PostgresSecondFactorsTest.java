package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.SecondFactors;
import dev.sessionlimits.core.SecondFactorsContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresSecondFactorsTest extends SecondFactorsContract {

  @RegisterExtension static final TestPostgres postgres = TestPostgres.perClass();

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @Override
  protected SecondFactors createStore() throws Exception {
    postgres.truncate();
    return stores.add(JdbcStore.postgres(postgres.url())).secondFactors();
  }
}
