package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A session opened by an OpenID Connect sign-in, and the provider's session behind it: what
 * back-channel logout names ({@code sid}, else {@code sub}) and what RP-initiated logout needs (the
 * ID token as a hint).
 *
 * @param sessionId this server's session id
 * @param issuer the provider's issuer identifier
 * @param sid the provider's session id, when its ID token carried one
 * @param subject the user's stable id at the provider ({@code sub})
 * @param idTokenHint the ID token received at sign-in, sent back with RP-initiated logout
 */
public record ProviderSession(
    String sessionId, String issuer, Optional<String> sid, String subject, String idTokenHint) {

  /** The longest session id, issuer, sid or subject, in UTF-16 units. */
  public static final int MAX_LENGTH = 255;

  /** The longest ID token kept. */
  public static final int MAX_ID_TOKEN_LENGTH = 16_384;

  public ProviderSession {
    requireText(sessionId, "sessionId", MAX_LENGTH);
    requireText(issuer, "issuer", MAX_LENGTH);
    requireNonNull(sid, "sid");
    sid.ifPresent(value -> requireText(value, "sid", MAX_LENGTH));
    requireText(subject, "subject", MAX_LENGTH);
    requireText(idTokenHint, "idTokenHint", MAX_ID_TOKEN_LENGTH);
  }

  /** Without the ID token, which is a bearer credential at some providers. */
  @Override
  public String toString() {
    return "ProviderSession[sessionId="
        + sessionId
        + ", issuer="
        + issuer
        + ", sid="
        + sid
        + ", subject="
        + subject
        + "]";
  }

  private static void requireText(String value, String name, int max) {
    requireNonNull(value, name);
    if (value.isEmpty() || value.length() > max) {
      throw new IllegalArgumentException(
          name + " must be 1 to " + max + " characters, got " + value.length());
    }
  }
}
