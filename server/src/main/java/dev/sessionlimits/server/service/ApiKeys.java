package dev.sessionlimits.server.service;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.ApiKey;
import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.core.ApiKeyStore;
import dev.sessionlimits.core.ApiKeyToken;
import dev.sessionlimits.server.http.ApiError;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Services' API keys, whoever asks: creation (the key itself returned once, here, and never again),
 * the list, and revocation (404 {@code api_key_not_found} for an unknown id). The store keeps only
 * each key's SHA-256 ({@link ApiKeyToken}).
 */
public final class ApiKeys {

  /** How many fresh ids creation draws before it gives up (two 64-bit ids never collide). */
  private static final int ATTEMPTS = 3;

  private final ApiKeyStore store;
  private final InstantSource clock;
  private final SecureRandom random;

  /** Keys in {@code store}, created and revoked at the time of {@code clock}. */
  public ApiKeys(ApiKeyStore store, InstantSource clock, SecureRandom random) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    this.random = requireNonNull(random, "random");
  }

  /**
   * A key just created and the key itself, {@code slk_<id>_<secret>}, to hand to the administrator
   * once. {@link #toString()} leaves the key out.
   *
   * @param key what the store keeps
   * @param value the key itself
   */
  public record Created(ApiKey key, String value) {
    @Override
    public String toString() {
      return "Created[" + key + "]";
    }
  }

  /** Creates a live key named {@code name} with {@code scopes}, by {@code createdBy}. */
  public Created create(String name, Set<ApiKeyScope> scopes, String createdBy) {
    return create(name, scopes, createdBy, Optional.empty());
  }

  /**
   * Creates a live key named {@code name} with {@code scopes}, by {@code createdBy}, that expires
   * {@code lifetime} from now, or never.
   */
  public Created create(
      String name, Set<ApiKeyScope> scopes, String createdBy, Optional<Duration> lifetime) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      ApiKeyToken token = ApiKeyToken.generate(random);
      Instant now = clock.instant();
      ApiKey key = ApiKey.created(token, name, scopes, now, createdBy, lifetime.map(now::plus));
      if (store.create(key)) {
        return new Created(key, token.value());
      }
    }
    throw new IllegalStateException(ATTEMPTS + " random API key ids were all taken");
  }

  /** Every key, live, expired and revoked, oldest first. */
  public List<ApiKey> list() {
    return store.list();
  }

  /** The key of {@code id}; 404 {@code api_key_not_found} if there is none. */
  public ApiKey existing(String id) {
    Optional<ApiKey> key = ApiKeyToken.isValidId(id) ? store.find(id) : Optional.empty();
    return key.orElseThrow(() -> ApiError.API_KEY_NOT_FOUND.exception(id));
  }

  /**
   * Revokes the key of {@code id} now: the key as revoked by this call, or empty if it was revoked
   * already; 404 {@code api_key_not_found} if there is none.
   */
  public Optional<ApiKey> revoke(String id) {
    ApiKey key = existing(id);
    if (!store.revoke(key.id(), clock.instant())) {
      return Optional.empty();
    }
    return store.find(key.id());
  }
}
