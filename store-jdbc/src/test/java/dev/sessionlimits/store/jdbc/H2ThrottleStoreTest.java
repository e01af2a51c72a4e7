package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.ThrottleStore;
import dev.sessionlimits.core.ThrottleStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2ThrottleStoreTest extends ThrottleStoreContract {

  @TempDir
  Path dataDir;

  @Override
  protected ThrottleStore createStore() {
    return JdbcStore.embedded(dataDir);
  }
}
