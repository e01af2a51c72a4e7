package dev.sessionlimits.server.http;

/** Checks on text that comes from clients, and how much of it an answer echoes. */
public final class Text {

  private Text() {}

  /**
   * Whether {@code text} holds a control character (C0, DEL or C1, as {@link
   * Character#isISOControl}).
   */
  public static boolean hasControl(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** {@code text} with its control characters removed. */
  public static String withoutControls(String text) {
    if (!hasControl(text)) {
      return text;
    }
    StringBuilder kept = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isISOControl(c)) {
        kept.append(c);
      }
    }
    return kept.toString();
  }

  /** {@code text} cut to {@code max} characters, with an ellipsis when cut: for echoing input. */
  public static String shorten(String text, int max) {
    return (text.length() > max) ? text.substring(0, max) + "…" : text;
  }
}
