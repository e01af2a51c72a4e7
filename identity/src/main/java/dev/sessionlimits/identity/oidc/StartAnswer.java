package dev.sessionlimits.identity.oidc;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/** What {@link OidcClient#start} answers: where to send the browser, or why it cannot go. */
public sealed interface StartAnswer permits StartAnswer.OidcStart, Unavailable {

  /**
   * Send the browser to {@code redirectTo} (a 302) and keep {@code pending} in a cookie until the
   * callback.
   *
   * @param redirectTo the provider's authorization endpoint with the request in its query
   * @param pending what the callback is checked against
   */
  record OidcStart(URI redirectTo, PendingLogin pending) implements StartAnswer {
    public OidcStart {
      requireNonNull(redirectTo, "redirectTo");
      requireNonNull(pending, "pending");
    }
  }
}
