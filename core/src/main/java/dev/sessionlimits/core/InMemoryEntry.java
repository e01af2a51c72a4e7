package dev.sessionlimits.core;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One session of the {@link InMemorySessionStore}: an atomic reference to its current, immutable
 * {@link Session}, and the time of its last password entry.
 */
final class InMemoryEntry extends AtomicReference<Session> {
  private static final long serialVersionUID = 1L;

  /** The last recorded password entry; null: none since the login. */
  private Instant passwordEntry;

  InMemoryEntry(Session session) {
    super(session);
  }

  synchronized void recordPasswordEntry(Instant at) {
    if (passwordEntry == null || passwordEntry.isBefore(at)) {
      passwordEntry = at;
    }
  }

  synchronized Instant lastPasswordEntry() {
    return (passwordEntry == null) ? get().createdAt() : passwordEntry;
  }
}
