package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.core.UserStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2UserStoreTest extends UserStoreContract {

  @TempDir
  Path dataDir;

  @Override
  protected UserStore createStore() {
    return JdbcStore.embedded(dataDir);
  }
}
