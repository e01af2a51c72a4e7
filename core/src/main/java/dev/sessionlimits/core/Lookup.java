package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

/** What a store knows of a token: a live session, an ended one (a tombstone), or nothing. */
public sealed interface Lookup {

  /** No session has, or recently had, this token. */
  Lookup UNKNOWN = Unknown.INSTANCE;

  /** The session is live. */
  record Live(Session session) implements Lookup {
    public Live {
      requireNonNull(session, "session");
    }
  }

  /** The session has ended; {@code session.end()} says when and why. */
  record Ended(Session session) implements Lookup {
    public Ended {
      if (session.end() == null) {
        throw new IllegalArgumentException("an ended lookup needs a session with an end");
      }
    }
  }

  /** No session has, or recently had, this token. */
  enum Unknown implements Lookup {
    INSTANCE
  }
}
