package dev.sessionlimits.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a session token. This is all a store keeps of a token, so a dump of the store
 * grants nothing. Held as four longs (a store keeps one per session, so size matters); {@link
 * #hex()} is the lower-case hex form stores write. {@link #toString()} shows only a prefix, fit for
 * logs.
 */
public final class TokenHash {

  private static final int HEX_LENGTH = 64;
  private static final HexFormat HEX = HexFormat.of();

  private final long h0;
  private final long h1;
  private final long h2;
  private final long h3;

  /** The hash in its hex form: 64 lower-case hex digits. */
  public TokenHash(String hex) {
    if (hex == null || hex.length() != HEX_LENGTH || !isLowerHex(hex)) {
      throw new IllegalArgumentException(
          "a token hash is 64 lower-case hex digits, got "
              + (hex == null ? "null" : hex.length() + " characters"));
    }
    this.h0 = Long.parseUnsignedLong(hex, 0, 16, 16);
    this.h1 = Long.parseUnsignedLong(hex, 16, 32, 16);
    this.h2 = Long.parseUnsignedLong(hex, 32, 48, 16);
    this.h3 = Long.parseUnsignedLong(hex, 48, 64, 16);
  }

  private TokenHash(byte[] digest) {
    this.h0 = longAt(digest, 0);
    this.h1 = longAt(digest, 8);
    this.h2 = longAt(digest, 16);
    this.h3 = longAt(digest, 24);
  }

  /** The hash of a token as the client presents it. */
  public static TokenHash of(String token) {
    return new TokenHash(sha256().digest(token.getBytes(StandardCharsets.US_ASCII)));
  }

  /** The 64 lower-case hex digits of the hash. */
  public String hex() {
    return HEX.toHexDigits(h0) + HEX.toHexDigits(h1) + HEX.toHexDigits(h2) + HEX.toHexDigits(h3);
  }

  /** The first eight hex digits: enough to correlate log lines, useless to an attacker. */
  public String prefix() {
    return HEX.toHexDigits((int) (h0 >>> 32));
  }

  @Override
  public boolean equals(Object o) {
    return (o instanceof TokenHash t) && h0 == t.h0 && h1 == t.h1 && h2 == t.h2 && h3 == t.h3;
  }

  @Override
  public int hashCode() {
    // SHA-256 output is uniformly distributed: any 32 of its bits make a good hash code.
    return (int) h0;
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

  private static long longAt(byte[] b, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[offset + i] & 0xFF);
    }
    return v;
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
