package dev.sessionlimits.core;

import java.util.Optional;

/**
 * What an API key lets a service do. {@link #code()} is the name the API, the store and the audit
 * use ({@code sessions:open}); it is never renamed.
 */
public enum ApiKeyScope {
  /** Open sessions for users the service authenticated. */
  SESSIONS_OPEN("sessions:open"),
  /** Check a session by its token or id. */
  SESSIONS_READ("sessions:read"),
  /** End a session. */
  SESSIONS_END("sessions:end");

  private final String code;

  ApiKeyScope(String code) {
    this.code = code;
  }

  /** The scope's name in the API, e.g. {@code sessions:open}. */
  public String code() {
    return code;
  }

  /** The scope named {@code code} in the API; empty for any other string (and null). */
  public static Optional<ApiKeyScope> ofCode(String code) {
    for (ApiKeyScope scope : values()) {
      if (scope.code.equals(code)) {
        return Optional.of(scope);
      }
    }
    return Optional.empty();
  }
}
