package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.ThrottleStore;
import dev.sessionlimits.core.ThrottleStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class H2ThrottleStoreTest extends ThrottleStoreContract {

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @TempDir Path dataDir;

  @Override
  protected ThrottleStore createStore() {
    return stores.add(JdbcStore.embedded(dataDir)).throttle();
  }
}
