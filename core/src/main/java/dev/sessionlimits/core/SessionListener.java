package dev.sessionlimits.core;

/**
 * Told of every session a store ends (logout, eviction, revocation, expiry), after the fact, for
 * push notification and cache invalidation. Called outside the store's locks; a listener that
 * throws is logged and does not disturb the store or the other listeners.
 */
@FunctionalInterface
public interface SessionListener {

  /** {@code session} has just ended; {@code session.end()} says why. */
  void sessionEnded(Session session);
}
