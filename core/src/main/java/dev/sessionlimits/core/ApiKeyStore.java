package dev.sessionlimits.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where services' API keys are kept ({@link ApiKey}: never a key itself, only its hash). Shared by
 * all nodes of a cluster, so a key revoked on one node is refused by every other at once. Every
 * method throws {@link StoreUnavailableException} when the store cannot be reached or failed ("try
 * again"; nothing changed).
 */
public interface ApiKeyStore {

  /** A new store in this JVM's memory. */
  static ApiKeyStore inMemory() {
    return new InMemoryApiKeyStore();
  }

  /** Adds {@code key}; false if a key with its id exists already (nothing changed). */
  boolean create(ApiKey key);

  /** The key with this id, live or revoked. */
  Optional<ApiKey> find(String id);

  /** Every key, live and revoked, oldest first (then by id). */
  List<ApiKey> list();

  /**
   * Revokes the key {@code id} at {@code at}; false if there is none or it was revoked already (its
   * first revocation time stays).
   */
  boolean revoke(String id, Instant at);

  /**
   * Records that the key {@code id} was used at {@code at}; an earlier time never replaces a later
   * one, and an unknown id changes nothing.
   */
  void recordUse(String id, Instant at);
}
