package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** What {@link SessionStore#open} did: opened the session (after ending others), or refused it. */
public sealed interface OpenResult {

  /**
   * The session is open; {@code ended} are the sessions ended to make room, with their ends; {@code
   * superseded} is the session it replaced ({@link EndReason#SUPERSEDED}), or null.
   */
  record Opened(Session session, List<Session> ended, Session superseded) implements OpenResult {
    public Opened {
      requireNonNull(session, "session");
      ended = List.copyOf(ended);
    }

    /** Opened without replacing a session. */
    public Opened(Session session, List<Session> ended) {
      this(session, ended, null);
    }
  }

  /** The login was refused; nothing changed. */
  record Refused(QuotaDecision.Deny deny) implements OpenResult {
    public Refused {
      requireNonNull(deny, "deny");
    }
  }
}
