package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.ExternalIdentities;
import dev.sessionlimits.core.ExternalIdentitiesContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class H2ExternalIdentitiesTest extends ExternalIdentitiesContract {

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @TempDir Path dataDir;

  @Override
  protected ExternalIdentities createStore() {
    return stores.add(JdbcStore.embedded(dataDir)).identities();
  }
}
