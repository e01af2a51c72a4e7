package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SessionStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2SessionStoreTest extends SessionStoreContract {

  @TempDir
  Path dataDir;

  @Override
  protected SessionStore createStore() {
    return JdbcStore.embedded(dataDir);
  }

  @Override
  protected boolean answersLiveSessionsWithoutWaiting() {
    return true;
  }
}
