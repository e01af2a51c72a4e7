package dev.sessionlimits.core;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A freshly issued session token: 256 random bits, URL-safe base64 without padding. The secret goes
 * to the client once and is never stored or logged; only its {@link #hash()} is.
 */
public final class SessionToken {

  private static final int TOKEN_BYTES = 32;
  private static final int ID_BYTES = 16;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final String secret;
  private final TokenHash hash;

  private SessionToken(String secret) {
    this.secret = secret;
    this.hash = TokenHash.of(secret);
  }

  /** A new token drawn from {@code random}. */
  public static SessionToken generate(SecureRandom random) {
    byte[] bytes = new byte[TOKEN_BYTES];
    random.nextBytes(bytes);
    return new SessionToken(ENCODER.encodeToString(bytes));
  }

  /** A new public session id: 128 random bits, URL-safe. Not a secret. */
  public static String newSessionId(SecureRandom random) {
    byte[] bytes = new byte[ID_BYTES];
    random.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }

  /** The token to hand to the client (a cookie value). */
  public String secret() {
    return secret;
  }

  public TokenHash hash() {
    return hash;
  }

  @Override
  public String toString() {
    return "SessionToken[" + hash.prefix() + "…]";
  }
}
