package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.GroupStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class H2GroupStoreTest extends GroupStoreContract {

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @TempDir Path dataDir;

  @Override
  protected GroupStore createStore() {
    return stores.add(JdbcStore.embedded(dataDir)).groups();
  }
}
