package dev.sessionlimits.core;

import java.util.Collection;
import java.util.List;

/** An {@link ExhaustionAction}'s answer: refuse the login, or end these sessions to make room. */
public sealed interface ActionDecision {

  /** Refuse the login. */
  static ActionDecision deny() {
    return Deny.INSTANCE;
  }

  /** End {@code sessions}, which must come from the exhausted set. */
  static ActionDecision end(Collection<Session> sessions) {
    return new End(sessions.stream().map(Session::id).toList());
  }

  /** Refuse the login. */
  enum Deny implements ActionDecision {
    INSTANCE
  }

  /** End the sessions with these ids. */
  record End(List<String> sessionIds) implements ActionDecision {
    public End {
      sessionIds = List.copyOf(sessionIds);
    }
  }
}
