package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.ApiKeyStore;
import dev.sessionlimits.core.ApiKeyStoreContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresApiKeyStoreTest extends ApiKeyStoreContract {

  @RegisterExtension static final TestPostgres postgres = TestPostgres.perClass();

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @Override
  protected ApiKeyStore createStore() throws Exception {
    postgres.truncate();
    return stores.add(JdbcStore.postgres(postgres.url())).apiKeys();
  }
}
