package dev.sessionlimits.server.auth;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.ApiKeyScope;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A service that called with a valid API key ({@link ServiceKeys#require}): the key's public id and
 * name (what the audit names, never the key) and its scopes.
 *
 * @param keyId the key's public id
 * @param name the key's name
 * @param scopes what the key lets the service do
 */
public record ServiceCaller(String keyId, String name, Set<ApiKeyScope> scopes) {

  public ServiceCaller {
    requireNonNull(keyId, "keyId");
    requireNonNull(name, "name");
    requireNonNull(scopes, "scopes");
    scopes = scopes.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(scopes));
  }
}
