package dev.sessionlimits.core;

import java.time.Instant;
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

  /**
   * Records that the back-channel logout token {@code jti} of {@code issuer} has been received, and
   * answers whether this is its first receipt: false for a replay, a token recorded before and kept
   * until after {@code now}. The record is kept until {@code keptUntil} (the token is refused as
   * expired after that anyway) and may be forgotten from then on. Of two concurrent receipts of one
   * token, exactly one is the first, on every node of a cluster.
   */
  boolean firstReceipt(String issuer, String jti, Instant keptUntil, Instant now);
}
