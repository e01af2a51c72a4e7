package dev.sessionlimits.core;

import java.util.List;

/** The four actions of SPEC section 3, implemented through the public interface like any other. */
enum BuiltInAction implements ExhaustionAction {
  DENY_ACCESS {
    @Override
    public ActionDecision onExhausted(Exhaustion exhaustion) {
      return ActionDecision.deny();
    }
  },
  DESTROY_NEXT_EXPIRING {
    @Override
    public ActionDecision onExhausted(Exhaustion exhaustion) {
      return ActionDecision.end(first(exhaustion, true));
    }
  },
  DESTROY_OLDEST_SESSION {
    @Override
    public ActionDecision onExhausted(Exhaustion exhaustion) {
      return ActionDecision.end(first(exhaustion, false));
    }
  },
  DESTROY_OLD_SESSIONS {
    @Override
    public ActionDecision onExhausted(Exhaustion exhaustion) {
      return ActionDecision.end(exhaustion.live());
    }
  };

  private static List<Session> first(Exhaustion exhaustion, boolean byExpiry) {
    return exhaustion.live().stream()
        .sorted(byExpiry ? Session.BY_EXPIRY : Session.BY_CREATION)
        .limit(exhaustion.toEnd())
        .toList();
  }
}
