package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.core.UserStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class H2UserStoreTest extends UserStoreContract {

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @TempDir Path dataDir;

  @Override
  protected UserStore createStore() {
    return stores.add(JdbcStore.embedded(dataDir)).users();
  }
}
