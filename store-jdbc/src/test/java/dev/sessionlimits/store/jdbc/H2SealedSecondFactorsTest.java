package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.SecondFactors;
import dev.sessionlimits.core.SecondFactorsContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The contract on H2 with every TOTP secret stored sealed. */
class H2SealedSecondFactorsTest extends SecondFactorsContract {

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @TempDir Path dataDir;

  @Override
  protected SecondFactors createStore() {
    return stores.add(JdbcStore.embedded(dataDir)).secondFactors(SecretsKey.generate());
  }
}
