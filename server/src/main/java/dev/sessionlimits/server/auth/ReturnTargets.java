package dev.sessionlimits.server.auth;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Which addresses the sign-in page may send a browser back to ({@code next}): a path on this same
 * origin, never another site. The web UI's {@code safeNext} (js/session.js) applies the same rule.
 *
 * <p>Design note. Browsers read {@code //host} and {@code /\host} as another host, and some decode
 * a path before acting on it, so a target is accepted only if it is safe as it is, decoded once and
 * decoded twice: {@code /%2F/evil.example} and {@code /%5Cevil.example} are refused like {@code
 * //evil.example} and {@code /\evil.example}.
 */
final class ReturnTargets {

  /** The longest target accepted. */
  static final int MAX_LENGTH = 2048;

  private ReturnTargets() {}

  /**
   * Whether {@code target} is a same-origin absolute path: at most {@link #MAX_LENGTH} characters,
   * exactly one leading {@code /}, no {@code \}, no control characters and no white space as sent;
   * and, after percent-decoding it once and twice, still one leading {@code /}, no {@code \} and no
   * control characters. A decoded space is fine ({@code /files/Q3%20report.pdf}): it cannot lead a
   * browser to another origin. A malformed escape (a lone {@code %}, {@code %zz}, bytes that are
   * not UTF-8) makes the target unsafe, as it does for the sign-in page's {@code
   * decodeURIComponent}.
   */
  static boolean isSafe(String target) {
    if (target == null || target.length() > MAX_LENGTH || !isSafePath(target, true)) {
      return false;
    }
    Optional<String> once = percentDecoded(target);
    Optional<String> twice = once.flatMap(ReturnTargets::percentDecoded);
    return once.isPresent()
        && isSafePath(once.get(), false)
        && twice.isPresent()
        && isSafePath(twice.get(), false);
  }

  private static boolean isSafePath(String path, boolean asSent) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return false;
    }
    if (path.length() > 1 && (path.charAt(1) == '/' || path.charAt(1) == '\\')) {
      return false;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\' || Character.isISOControl(c)) {
        return false;
      }
      if (asSent
          && (Character.isWhitespace(c)
              || Character.isSpaceChar(c)
              || Character.getType(c) == Character.FORMAT)) {
        return false;
      }
    }
    return true;
  }

  /** {@code text} with each {@code %XX} decoded as UTF-8; empty when an escape is malformed. */
  static Optional<String> percentDecoded(String text) {
    if (text.indexOf('%') < 0) {
      return Optional.of(text);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] != '%') {
        bytes.write(raw[i]);
        continue;
      }
      int high = (i + 2 < raw.length) ? Character.digit(raw[i + 1], 16) : -1;
      int low = (i + 2 < raw.length) ? Character.digit(raw[i + 2], 16) : -1;
      if (high < 0 || low < 0) {
        return Optional.empty();
      }
      bytes.write(high * 16 + low);
      i += 2;
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
