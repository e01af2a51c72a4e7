package dev.sessionlimits.store.jdbc;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes the JDBC stores a test made, after the test: a contract closes only the one store
 * interface it was given ({@link JdbcStore#sessions} and the like), not the pool behind it.
 */
final class ClosedAfterEach implements AfterEachCallback {

  private final List<JdbcStore> stores = new ArrayList<>();

  /** {@code store}, to be closed after the test. */
  JdbcStore add(JdbcStore store) {
    stores.add(store);
    return store;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (JdbcStore store : stores) {
      store.close();
    }
    stores.clear();
  }
}
