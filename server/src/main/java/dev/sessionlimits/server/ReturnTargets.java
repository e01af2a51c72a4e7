package dev.sessionlimits.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Which addresses the sign-in page may send a browser back to ({@code next}): a path on this same
 * origin, never another site. The web UI's {@code safeNext} (js/session.js) applies the same rule.
 *
 * <p>Design note. Browsers read {@code //host} and {@code /\host} as another host, and some decode a
 * path before acting on it, so a target is accepted only if it is safe as it is, decoded once and
 * decoded twice: {@code /%2F/evil.example} and {@code /%5Cevil.example} are refused like
 * {@code //evil.example} and {@code /\evil.example}.
 */
final class ReturnTargets {

  /** The longest target accepted. */
  static final int MAX_LENGTH = 2048;

  private ReturnTargets() {}

  /**
   * Whether {@code target} is a same-origin absolute path: exactly one leading {@code /}, no
   * {@code \}, no control characters or white space, at most {@link #MAX_LENGTH} characters, and all
   * of that still true after percent-decoding it once and twice.
   */
  static boolean isSafe(String target) {
    if (target == null || target.length() > MAX_LENGTH) {
      return false;
    }
    String once = percentDecoded(target);
    return isSafePath(target) && isSafePath(once) && isSafePath(percentDecoded(once));
  }

  private static boolean isSafePath(String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return false;
    }
    if (path.length() > 1 && path.charAt(1) == '/') {
      return false;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\' || Character.isISOControl(c) || Character.isWhitespace(c)
          || Character.isSpaceChar(c) || Character.getType(c) == Character.FORMAT) {
        return false;
      }
    }
    return true;
  }

  /** {@code text} with each {@code %XX} decoded as UTF-8; a {@code %} not followed by two hex digits stays. */
  static String percentDecoded(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '%' && i + 2 < raw.length) {
        int high = Character.digit(raw[i + 1], 16);
        int low = Character.digit(raw[i + 2], 16);
        if (high >= 0 && low >= 0) {
          bytes.write(high * 16 + low);
          i += 2;
          continue;
        }
      }
      bytes.write(raw[i]);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
