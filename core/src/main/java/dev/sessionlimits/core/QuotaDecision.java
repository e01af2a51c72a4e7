package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The outcome of {@link Quota#decide}: admit the login (ending some sessions first), or deny it.
 */
public sealed interface QuotaDecision {

  /** Open the session after ending {@code evictions}, which may be empty. */
  record Admit(List<Eviction> evictions) implements QuotaDecision {
    public Admit {
      evictions = List.copyOf(evictions);
    }
  }

  /**
   * Refuse the login: {@code active} live sessions already fill the {@code limit} of {@code scope}.
   * {@code explanation} says why, for logs and audit; it names a failed custom action if one
   * failed.
   */
  record Deny(Scope scope, int limit, int active, String explanation) implements QuotaDecision {
    public Deny {
      requireNonNull(scope, "scope");
      requireNonNull(explanation, "explanation");
    }
  }

  /** One session to end, and the limit whose exhaustion ends it. */
  record Eviction(Session session, Scope scope, int limit) {
    public Eviction {
      requireNonNull(session, "session");
      requireNonNull(scope, "scope");
    }
  }
}
