package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

/**
 * Who is signing in, from where and how. {@code userAgent} may be empty and {@code device} (a label
 * the user chose) may be null.
 */
public record LoginAttempt(
    String user, String clientIp, String userAgent, String device, String authMethod) {

  public LoginAttempt {
    requireNonBlank(user, "user");
    requireNonBlank(clientIp, "clientIp");
    requireNonBlank(authMethod, "authMethod");
    userAgent = (userAgent == null) ? "" : userAgent;
  }

  /** A password login without a device label. */
  public static LoginAttempt password(String user, String clientIp, String userAgent) {
    return new LoginAttempt(user, clientIp, userAgent, null, "password");
  }

  static void requireNonBlank(String value, String name) {
    requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
