package dev.sessionlimits.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a session token, in lower-case hex. This is all a store keeps of a token, so a dump
 * of the store grants nothing. {@link #toString()} shows only a prefix, fit for logs.
 */
public record TokenHash(String hex) {

  private static final int HEX_LENGTH = 64;
  private static final HexFormat HEX = HexFormat.of();

  public TokenHash {
    if (hex == null || hex.length() != HEX_LENGTH || !isLowerHex(hex)) {
      throw new IllegalArgumentException("a token hash is 64 lower-case hex digits, got "
          + (hex == null ? "null" : hex.length() + " characters"));
    }
  }

  /** The hash of a token as the client presents it. */
  public static TokenHash of(String token) {
    return new TokenHash(HEX.formatHex(sha256().digest(token.getBytes(StandardCharsets.US_ASCII))));
  }

  /** The first eight hex digits: enough to correlate log lines, useless to an attacker. */
  public String prefix() {
    return hex.substring(0, 8);
  }

  @Override
  public String toString() {
    return "TokenHash[" + prefix() + "…]";
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
