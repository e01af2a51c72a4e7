package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.ApiKey;
import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.core.ApiKeyStore;
import dev.sessionlimits.core.ApiKeyToken;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.server.auth.ServiceKeys;
import io.javalin.Javalin;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ServiceKeys} when the store fails: a key that cannot be looked up is 503 {@code
 * store_unavailable} (never a 401 that would tell the service its key is bad), and a use that
 * cannot be recorded still answers the call and is recorded at the next one.
 */
class ServiceKeysOutageTest {

  private static final Instant T0 = Instant.parse("2026-03-02T14:00:00Z");

  private final FlakyApiKeys store = new FlakyApiKeys();
  private final MutableClock clock = new MutableClock(T0);
  private Javalin probe;
  private Browser service;
  private String key;

  @BeforeEach
  void start() {
    ApiKeyToken token = ApiKeyToken.generate(new SecureRandom());
    store.keys.create(
        ApiKey.created(token, "billing", Set.of(ApiKeyScope.SESSIONS_READ), T0, "admin"));
    key = token.value();
    probe = ApiKeysApiTest.probe(new ServiceKeys(store, clock));
    service = ApiKeysApiTest.client(probe);
  }

  @AfterEach
  void stop() {
    probe.stop();
  }

  private Browser.Response use() {
    return service.get("/probe/sessions:read", "Authorization", "Bearer " + key);
  }

  @Test
  void aKeyThatCannotBeLookedUpIs503AndNot401() {
    store.findFails = true;

    Browser.Response r = use();

    assertThat(r.status()).as(r.toString()).isEqualTo(503);
    assertThat(r.error()).isEqualTo("store_unavailable");
    assertThat(r.text()).doesNotContain(key.substring(21));
  }

  @Test
  void aUseThatCannotBeRecordedStillAnswersAndIsRecordedAtTheNextCall() {
    store.recordFails = true;
    assertThat(use().status()).isEqualTo(200);
    assertThat(store.recordAttempts.get()).isEqualTo(1);
    assertThat(store.keys.list().get(0).lastUsedAt()).isEmpty();

    store.recordFails = false;
    clock.advanceSeconds(1);
    assertThat(use().status()).isEqualTo(200);

    assertThat(store.recordAttempts.get()).isEqualTo(2);
    assertThat(store.keys.list().get(0).lastUsedAt()).contains(T0.plusSeconds(1));
  }

  /** The in-memory store, whose lookups or recorded uses can be made to fail. */
  private static final class FlakyApiKeys implements ApiKeyStore {
    final ApiKeyStore keys = ApiKeyStore.inMemory();
    final AtomicInteger recordAttempts = new AtomicInteger();
    volatile boolean findFails;
    volatile boolean recordFails;

    @Override
    public boolean create(ApiKey key) {
      return keys.create(key);
    }

    @Override
    public Optional<ApiKey> find(String id) {
      if (findFails) {
        throw new StoreUnavailableException("the database is down", null);
      }
      return keys.find(id);
    }

    @Override
    public List<ApiKey> list() {
      return keys.list();
    }

    @Override
    public boolean revoke(String id, Instant at) {
      return keys.revoke(id, at);
    }

    @Override
    public void recordUse(String id, Instant at) {
      recordAttempts.incrementAndGet();
      if (recordFails) {
        throw new StoreUnavailableException("the database is down", null);
      }
      keys.recordUse(id, at);
    }
  }
}
