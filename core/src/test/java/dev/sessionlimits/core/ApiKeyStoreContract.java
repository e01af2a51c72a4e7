package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ApiKeyStore} must have: a key is kept with its hash, never the key
 * itself; it is found by its id; a revocation counts once and keeps its first time; a use never
 * moves {@code lastUsedAt} back. A store's test class extends this and says how to make a fresh,
 * empty store.
 */
public abstract class ApiKeyStoreContract {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  protected ApiKeyStore store;

  /** A new, empty store; closed after the test if it is {@link AutoCloseable}. */
  protected abstract ApiKeyStore createStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = createStore();
  }

  @AfterEach
  void closeStore() throws Exception {
    if (store instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  private ApiKey created(String name, Instant at, ApiKeyScope... scopes) {
    ApiKey key =
        ApiKey.created(
            ApiKeyToken.generate(RANDOM), name, EnumSet.copyOf(Set.of(scopes)), at, "admin");
    assertThat(store.create(key)).isTrue();
    return key;
  }

  @Test
  void aCreatedKeyIsFoundByItsIdWithItsHashNameScopesAndCreator() {
    ApiKeyToken token = ApiKeyToken.generate(RANDOM);
    ApiKey key =
        ApiKey.created(
            token,
            "Billing (Node) – Zürich",
            EnumSet.of(ApiKeyScope.SESSIONS_OPEN, ApiKeyScope.SESSIONS_END),
            T0,
            "alice");

    assertThat(store.create(key)).isTrue();

    ApiKey found = store.find(token.id()).orElseThrow();
    assertThat(found).isEqualTo(key);
    assertThat(found.hash()).isEqualTo(TokenHash.of(token.value()));
    assertThat(found.scopes())
        .containsExactlyInAnyOrder(ApiKeyScope.SESSIONS_OPEN, ApiKeyScope.SESSIONS_END);
    assertThat(found.live()).isTrue();
    assertThat(found.lastUsedAt()).isEmpty();
    assertThat(store.find("0123456789abcdef")).isEmpty();
  }

  @Test
  void aKeysExpiryIsKeptThroughItsUseAndRevocationAndDecidesWhenItIsAccepted() {
    Instant expiry = T0.plus(Duration.ofDays(90));
    ApiKey key =
        ApiKey.created(
            ApiKeyToken.generate(RANDOM),
            "quarterly",
            EnumSet.of(ApiKeyScope.SESSIONS_OPEN),
            T0,
            "alice",
            Optional.of(expiry));
    assertThat(store.create(key)).isTrue();

    assertThat(store.find(key.id()).orElseThrow().expiresAt()).contains(expiry);
    assertThat(created("forever", T0, ApiKeyScope.SESSIONS_OPEN).expiresAt()).isEmpty();
    store.recordUse(key.id(), T0.plusSeconds(60));
    ApiKey used = store.find(key.id()).orElseThrow();
    assertThat(used.expiresAt()).contains(expiry);
    assertThat(used.acceptedAt(expiry.minusMillis(1))).isTrue();
    assertThat(used.acceptedAt(expiry)).as("at its expiry").isFalse();
    store.revoke(key.id(), T0.plusSeconds(120));
    ApiKey revoked = store.find(key.id()).orElseThrow();
    assertThat(revoked.expiresAt()).contains(expiry);
    assertThat(revoked.acceptedAt(T0.plusSeconds(121))).isFalse();
  }

  @Test
  void aSecondKeyWithTheSameIdIsRefusedAndTheFirstStays() {
    ApiKey first = created("first", T0, ApiKeyScope.SESSIONS_READ);
    ApiKey clash =
        new ApiKey(
            first.id(),
            "clash",
            Set.of(ApiKeyScope.SESSIONS_OPEN),
            TokenHash.of("another key"),
            T0.plusSeconds(1),
            "bob",
            Optional.empty(),
            Optional.empty());

    assertThat(store.create(clash)).isFalse();

    assertThat(store.find(first.id())).contains(first);
  }

  @Test
  void theListHoldsLiveAndRevokedKeysOldestFirst() {
    ApiKey second = created("second", T0.plusSeconds(60), ApiKeyScope.SESSIONS_READ);
    ApiKey first = created("first", T0, ApiKeyScope.SESSIONS_OPEN);
    ApiKey third = created("third", T0.plusSeconds(120), ApiKeyScope.SESSIONS_END);
    store.revoke(second.id(), T0.plusSeconds(600));

    assertThat(store.list())
        .extracting(ApiKey::name)
        .containsExactly(first.name(), second.name(), third.name());
    assertThat(store.list().get(1).revokedAt()).contains(T0.plusSeconds(600));
  }

  @Test
  void aKeyIsRevokedOnceAndKeepsItsFirstRevocationTime() {
    ApiKey key = created("ci", T0, ApiKeyScope.SESSIONS_OPEN);
    ApiKey other = created("other", T0, ApiKeyScope.SESSIONS_OPEN);

    assertThat(store.revoke(key.id(), T0.plusSeconds(10))).isTrue();
    assertThat(store.revoke(key.id(), T0.plusSeconds(20))).isFalse();
    assertThat(store.revoke("fedcba9876543210", T0.plusSeconds(20))).isFalse();

    ApiKey revoked = store.find(key.id()).orElseThrow();
    assertThat(revoked.live()).isFalse();
    assertThat(revoked.revokedAt()).contains(T0.plusSeconds(10));
    assertThat(revoked.hash()).isEqualTo(key.hash());
    assertThat(store.find(other.id()).orElseThrow().live()).isTrue();
  }

  @Test
  void aUseIsRecordedAndAnEarlierOneNeverReplacesALaterOne() {
    ApiKey key = created("ci", T0, ApiKeyScope.SESSIONS_OPEN);

    store.recordUse(key.id(), T0.plusSeconds(120));
    store.recordUse(key.id(), T0.plusSeconds(60));
    store.recordUse("fedcba9876543210", T0.plusSeconds(60));

    assertThat(store.find(key.id()).orElseThrow().lastUsedAt()).contains(T0.plusSeconds(120));
    store.recordUse(key.id(), T0.plusSeconds(180));
    assertThat(store.find(key.id()).orElseThrow().lastUsedAt()).contains(T0.plusSeconds(180));
  }

  @Test
  void aRevokedKeysUseAndRevocationAreBothKept() {
    ApiKey key = created("ci", T0, ApiKeyScope.SESSIONS_READ);
    store.recordUse(key.id(), T0.plusSeconds(30));
    store.revoke(key.id(), T0.plusSeconds(40));

    ApiKey found = store.find(key.id()).orElseThrow();
    assertThat(found.lastUsedAt()).contains(T0.plusSeconds(30));
    assertThat(found.revokedAt()).contains(T0.plusSeconds(40));
  }

  @Test
  void aKeyNeedsAValidIdNameAndAtLeastOneScope() {
    ApiKeyToken token = ApiKeyToken.generate(RANDOM);
    Set<ApiKeyScope> open = Set.of(ApiKeyScope.SESSIONS_OPEN);
    assertThatThrownBy(() -> ApiKey.created(token, "", open, T0, "admin"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ApiKey.created(token, " padded", open, T0, "admin"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ApiKey.created(token, "a\nb", open, T0, "admin"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ApiKey.created(token, "x".repeat(101), open, T0, "admin"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ApiKey.created(token, "ci", Set.of(), T0, "admin"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ApiKey.created(token, "x".repeat(100), open, T0, "admin").name()).hasSize(100);
  }
}
