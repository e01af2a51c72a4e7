package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.ExternalIdentities;
import dev.sessionlimits.core.ExternalIdentitiesContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresExternalIdentitiesTest extends ExternalIdentitiesContract {

  @RegisterExtension static final TestPostgres postgres = TestPostgres.perClass();

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @Override
  protected ExternalIdentities createStore() throws Exception {
    postgres.truncate();
    return stores.add(JdbcStore.postgres(postgres.url())).identities();
  }
}
