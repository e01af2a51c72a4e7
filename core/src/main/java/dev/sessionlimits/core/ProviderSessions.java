package dev.sessionlimits.core;

import java.util.List;
import java.util.Optional;

/**
 * The sessions opened through an OpenID Connect provider, by the provider session behind each
 * ({@link ProviderSession}): which sessions a back-channel logout ends, and the ID token hint of a
 * session's RP-initiated logout. Shared by all nodes of a cluster; in a database, a session's row
 * goes with the session's own when that is purged. Every method throws {@link
 * StoreUnavailableException} when the store cannot be reached or failed ("try again"; nothing
 * changed).
 */
public interface ProviderSessions {

  /** A new store in this JVM's memory. */
  static ProviderSessions inMemory() {
    return new InMemoryProviderSessions();
  }

  /** Records {@code session}, replacing what was recorded for its session id. */
  void remember(ProviderSession session);

  /** The ids of the sessions opened in the provider session {@code sid} of {@code issuer}. */
  List<String> sessionsOf(String issuer, String sid);

  /** The ids of the sessions opened for the provider's user {@code subject} of {@code issuer}. */
  List<String> sessionsOfSubject(String issuer, String subject);

  /** The ID token the session {@code sessionId} was opened with, if it was opened by a provider. */
  Optional<String> idTokenHintOf(String sessionId);

  /** Forgets the session {@code sessionId}; nothing if it is unknown. */
  void forget(String sessionId);
}
