package dev.sessionlimits.identity.oidc;

import static java.util.Objects.requireNonNull;

/**
 * The provider could not be asked: its discovery document, token endpoint or keys did not answer in
 * time, answered with a server error, or answered nonsense. Nothing is known about the user; the
 * server says so and the user may try again later.
 *
 * @param reason what failed, for the log (no secrets)
 */
public record Unavailable(String reason) implements StartAnswer, OidcAnswer, LogoutAnswer {

  public Unavailable {
    requireNonNull(reason, "reason");
  }
}
