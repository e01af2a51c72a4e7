package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.ApiKeyStore;
import dev.sessionlimits.core.ApiKeyStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class H2ApiKeyStoreTest extends ApiKeyStoreContract {

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @TempDir Path dataDir;

  @Override
  protected ApiKeyStore createStore() {
    return stores.add(JdbcStore.embedded(dataDir)).apiKeys();
  }
}
