package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** API keys in this JVM's memory, by id; each change is one atomic step on the key's entry. */
final class InMemoryApiKeyStore implements ApiKeyStore {

  private static final Comparator<ApiKey> OLDEST_FIRST =
      Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id);

  private final ConcurrentHashMap<String, ApiKey> keys = new ConcurrentHashMap<>();

  @Override
  public boolean create(ApiKey key) {
    return keys.putIfAbsent(requireNonNull(key, "key").id(), key) == null;
  }

  @Override
  public Optional<ApiKey> find(String id) {
    return Optional.ofNullable(keys.get(requireNonNull(id, "id")));
  }

  @Override
  public List<ApiKey> list() {
    return keys.values().stream().sorted(OLDEST_FIRST).toList();
  }

  @Override
  public boolean revoke(String id, Instant at) {
    requireNonNull(at, "at");
    boolean[] revoked = {false};
    keys.computeIfPresent(
        requireNonNull(id, "id"),
        (k, key) -> {
          if (!key.live()) {
            return key;
          }
          revoked[0] = true;
          return key.revoked(at);
        });
    return revoked[0];
  }

  @Override
  public void recordUse(String id, Instant at) {
    requireNonNull(at, "at");
    keys.computeIfPresent(
        requireNonNull(id, "id"),
        (k, key) ->
            key.lastUsedAt().filter(last -> !last.isBefore(at)).isPresent() ? key : key.usedAt(at));
  }
}
