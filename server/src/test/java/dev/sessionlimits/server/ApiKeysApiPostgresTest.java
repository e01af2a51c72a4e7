package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.server.auth.ServiceKeys;
import dev.sessionlimits.store.jdbc.JdbcStore;
import dev.sessionlimits.store.jdbc.TestPostgres;
import io.javalin.Javalin;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ApiKeysApiTest} on PostgreSQL, every test on an emptied database of its own; and a key
 * revoked through one node is refused by another at its next request.
 */
class ApiKeysApiPostgresTest extends ApiKeysApiTest {

  @RegisterExtension static final TestPostgres database = TestPostgres.perClass();

  @Override
  Stores stores() throws Exception {
    database.truncate();
    JdbcStore store = JdbcStore.postgres(database.url());
    return Stores.of(store, store::isHealthy);
  }

  @Test
  void aKeyRevokedThroughOneNodeIsRefusedByAnotherAtOnce() {
    String key = createdKey("billing", ApiKeyScope.SESSIONS_READ.code());
    try (JdbcStore other = JdbcStore.postgres(database.url())) {
      Javalin node = probe(new ServiceKeys(other.apiKeys(), InstantSource.system()));
      try {
        Browser service = client(node);
        String path = "/probe/" + ApiKeyScope.SESSIONS_READ.code();
        assertThat(service.get(path, "Authorization", "Bearer " + key).status()).isEqualTo(200);

        assertThat(admin.delete("/api/v1/api-keys/" + idOf(key)).status()).isEqualTo(204);

        assertInvalid(service.get(path, "Authorization", "Bearer " + key));
      } finally {
        node.stop();
      }
    }
  }
}
