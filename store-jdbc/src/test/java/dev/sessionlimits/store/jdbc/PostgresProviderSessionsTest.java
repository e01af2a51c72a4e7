package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.ProviderSessions;
import dev.sessionlimits.core.ProviderSessionsContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresProviderSessionsTest extends ProviderSessionsContract {

  @RegisterExtension static final TestPostgres postgres = TestPostgres.perClass();

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  private JdbcStore jdbc;

  @Override
  protected ProviderSessions createStore() throws Exception {
    postgres.truncate();
    jdbc = stores.add(JdbcStore.postgres(postgres.url()));
    return jdbc.providerSessions();
  }

  @Override
  protected String openSession(String user) {
    return H2ProviderSessionsTest.open(jdbc, user);
  }
}
