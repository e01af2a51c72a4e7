package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.AdminListContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class H2AdminListTest extends AdminListContract {

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @TempDir Path dataDir;

  @Override
  protected Stores createStores() {
    JdbcStore store = stores.add(JdbcStore.embedded(dataDir));
    return new Stores(store.sessions(), store.audit());
  }
}
