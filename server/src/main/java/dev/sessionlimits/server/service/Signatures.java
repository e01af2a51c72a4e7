package dev.sessionlimits.server.service;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the signed tokens of a sign-in share ({@link MfaTickets}, {@link ResolveTokens}): their
 * HMAC-SHA256 and the digest that binds a token to one client (its address and user agent).
 */
final class Signatures {

  static final String ALGORITHM = "HmacSHA256";

  private Signatures() {}

  /** The HMAC-SHA256 of {@code body} under {@code key}. */
  static byte[] mac(SecretKeySpec key, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is in every JDK", e);
    }
  }

  /** The SHA-256 (hex) of the client's address and user agent, which a token must be shown by. */
  static String client(String clientIp, String userAgent) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] digest =
          sha256.digest((clientIp + "\n" + (userAgent == null ? "" : userAgent)).getBytes(UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Every JDK has SHA-256", e);
    }
  }
}
