package dev.sessionlimits.server.service;

import static dev.sessionlimits.server.http.Json.map;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.ApiKey;
import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.core.ApiKeyStore;
import dev.sessionlimits.core.ApiKeyToken;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.Views;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Services' API keys, whoever asks (the API, the command line): creation (the key itself returned
 * once, here, and never again), the list, and revocation (404 {@code api_key_not_found} for an
 * unknown id). The store keeps only each key's SHA-256 ({@link ApiKeyToken}). Creations and
 * revocations are audited here ({@code api_key_created}, {@code api_key_revoked}), naming the key
 * by its id, name, scopes and expiry, never the key.
 */
public final class ApiKeys {

  /** How many fresh ids creation draws before it gives up (two 64-bit ids never collide). */
  private static final int ATTEMPTS = 3;

  private final ApiKeyStore store;
  private final Auditor auditor;
  private final InstantSource clock;
  private final SecureRandom random;

  /** Keys in {@code store}, created and revoked at the time of {@code clock}. */
  public ApiKeys(ApiKeyStore store, Auditor auditor, InstantSource clock, SecureRandom random) {
    this.store = requireNonNull(store, "store");
    this.auditor = requireNonNull(auditor, "auditor");
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

  /**
   * Creates a live key named {@code name} with {@code scopes} that expires {@code lifetime} from
   * now, or never, by {@code actor} (who is its creator) from {@code clientIp} (null on the command
   * line); audited.
   */
  public Created create(
      String name,
      Set<ApiKeyScope> scopes,
      Optional<Duration> lifetime,
      String actor,
      String clientIp) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      ApiKeyToken token = ApiKeyToken.generate(random);
      Instant now = clock.instant();
      ApiKey key = ApiKey.created(token, name, scopes, now, actor, lifetime.map(now::plus));
      if (store.create(key)) {
        auditor.record(
            "api_key_created",
            actor,
            clientIp,
            key.id(),
            null,
            map(
                "name",
                key.name(),
                "scopes",
                codes(key),
                "expires_at",
                key.expiresAt().map(Views::time).orElse(null)));
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
   * Revokes the key of {@code id} now, by {@code actor} from {@code clientIp}: the key as revoked
   * by this call (audited), or empty if it was revoked already (nothing recorded); 404 {@code
   * api_key_not_found} if there is none.
   */
  public Optional<ApiKey> revoke(String id, String actor, String clientIp) {
    ApiKey key = existing(id);
    if (!store.revoke(key.id(), clock.instant())) {
      return Optional.empty();
    }
    Optional<ApiKey> revoked = store.find(key.id());
    auditor.record(
        "api_key_revoked",
        actor,
        clientIp,
        key.id(),
        null,
        map("name", key.name(), "scopes", codes(key)));
    return revoked;
  }

  /** The API names of the key's scopes. */
  public static List<String> codes(ApiKey key) {
    return key.scopes().stream().map(ApiKeyScope::code).toList();
  }
}
