package dev.sessionlimits.server.auth;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.ApiKey;
import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.core.ApiKeyStore;
import dev.sessionlimits.core.ApiKeyToken;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is calling a service route: the API key of {@code Authorization: Bearer slk_<id>_<secret>}.
 *
 * <p>The key is looked up by its public id in the store on every call (so a revocation on any node
 * counts at once), and the SHA-256 of the presented key is compared with the stored one in constant
 * time ({@link MessageDigest#isEqual}), so the answer's timing tells nothing of the secret.
 * Missing, malformed, unknown, wrong, revoked and expired keys get the same answer: 401 {@code
 * api_key_invalid} with {@code WWW-Authenticate: Bearer}. A valid key without the route's scope
 * gets 403 {@code api_key_scope_missing}.
 *
 * <p>The key's {@code last_used_at} is written at most once a minute per key from this node ({@link
 * #USE_RECORDING_INTERVAL}), so a busy service costs no write per call; failing to write it is
 * logged and does not fail the call. Nothing here logs the key or puts it into an exception.
 */
public final class ServiceKeys {

  /** How often a key's use is written to the store, at most, per key and node. */
  public static final Duration USE_RECORDING_INTERVAL = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(ServiceKeys.class);
  private static final String BEARER = "Bearer ";

  private final ApiKeyStore keys;
  private final InstantSource clock;
  private final ConcurrentHashMap<String, Instant> recorded = new ConcurrentHashMap<>();

  /** Checks keys against {@code keys}, recording their use at the time of {@code clock}. */
  public ServiceKeys(ApiKeyStore keys, InstantSource clock) {
    this.keys = keys;
    this.clock = clock;
  }

  /**
   * The service calling with a live key that has {@code scope}.
   *
   * @throws ApiException 401 {@code api_key_invalid}, 403 {@code api_key_scope_missing}
   * @throws StoreUnavailableException if the key cannot be looked up
   */
  public ServiceCaller require(Context ctx, ApiKeyScope scope) {
    ApiKey key = presented(ctx.header("Authorization")).orElseThrow(ServiceKeys::invalid);
    if (!key.scopes().contains(scope)) {
      throw ApiError.API_KEY_SCOPE_MISSING
          .exception(scope.code())
          .withFields(map("required_scope", scope.code()));
    }
    recordUse(key.id());
    return new ServiceCaller(key.id(), key.name(), key.scopes());
  }

  /** The live key {@code authorization} presents; empty for anything else. */
  private Optional<ApiKey> presented(String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    Optional<ApiKeyToken> token =
        ApiKeyToken.parse(authorization.substring(BEARER.length()).trim());
    if (token.isEmpty()) {
      return Optional.empty();
    }
    Optional<ApiKey> key =
        keys.find(token.get().id()).filter(ApiKey::live).filter(k -> sameHash(k, token.get()));
    Instant now = clock.instant();
    if (key.isPresent() && !key.get().acceptedAt(now)) {
      // The holder is the service itself: tell its operators why, not the caller.
      LOG.info(
          "API key {} ({}) expired at {}: refused",
          key.get().id(),
          key.get().name(),
          key.get().expiresAt().orElseThrow());
      return Optional.empty();
    }
    return key;
  }

  private static boolean sameHash(ApiKey key, ApiKeyToken token) {
    return MessageDigest.isEqual(
        key.hash().hex().getBytes(StandardCharsets.US_ASCII),
        token.hash().hex().getBytes(StandardCharsets.US_ASCII));
  }

  private void recordUse(String id) {
    Instant now = clock.instant();
    Instant[] due = {null};
    recorded.compute(
        id,
        (k, last) -> {
          if (last != null && now.isBefore(last.plus(USE_RECORDING_INTERVAL))) {
            return last;
          }
          due[0] = now;
          return now;
        });
    if (due[0] == null) {
      return;
    }
    try {
      keys.recordUse(id, now);
    } catch (StoreUnavailableException e) {
      recorded.remove(id, now);
      LOG.warn("Recording the use of API key {} failed: {}", id, e.getMessage());
    }
  }

  private static ApiException invalid() {
    return ApiError.API_KEY_INVALID.exception().withHeaders(Map.of("WWW-Authenticate", "Bearer"));
  }
}
