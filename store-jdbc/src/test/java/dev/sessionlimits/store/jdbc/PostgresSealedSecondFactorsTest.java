package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.SecondFactors;
import dev.sessionlimits.core.SecondFactorsContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on PostgreSQL with every TOTP secret stored sealed. */
class PostgresSealedSecondFactorsTest extends SecondFactorsContract {

  @RegisterExtension static final TestPostgres postgres = TestPostgres.perClass();

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @Override
  protected SecondFactors createStore() throws Exception {
    postgres.truncate();
    return stores.add(JdbcStore.postgres(postgres.url())).secondFactors(SecretsKey.generate());
  }
}
