package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SessionStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class H2SessionStoreTest extends SessionStoreContract {

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @TempDir Path dataDir;

  @Override
  protected SessionStore createStore() {
    return stores.add(JdbcStore.embedded(dataDir)).sessions();
  }

  @Override
  public boolean answersLiveSessionsWithoutWaiting() {
    return true;
  }
}
