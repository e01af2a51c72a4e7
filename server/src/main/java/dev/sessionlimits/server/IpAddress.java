package dev.sessionlimits.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An IPv4 or IPv6 address parsed from text without any name lookup, in one canonical spelling
 * (dotted quad, or RFC 5952 lower-case compressed IPv6; IPv4-mapped IPv6 becomes IPv4), so that one
 * client always counts as one address for {@code SESSIONS_PER_IP}.
 */
final class IpAddress {

  private final byte[] bytes;
  private final String text;

  private IpAddress(byte[] bytes) {
    this.bytes = bytes;
    this.text = format(bytes);
  }

  /**
   * The address written as {@code text}: a dotted quad, or an IPv6 literal with or without brackets
   * and zone.
   *
   * @throws IllegalArgumentException if it is not an IP address literal
   */
  static IpAddress parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no address");
    }
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    int zone = t.indexOf('%');
    if (zone >= 0) {
      t = t.substring(0, zone);
    }
    if (t.isEmpty() || t.length() > 45) {
      throw new IllegalArgumentException("\"" + text + "\" is not an IP address");
    }
    if (t.indexOf(':') < 0) {
      return new IpAddress(parseIpv4(t, text));
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
        throw new IllegalArgumentException("\"" + text + "\" is not an IP address");
      }
    }
    try {
      // A literal containing ':' is parsed as IPv6 by the JDK and never looked up by name.
      byte[] raw = InetAddress.getByName(t).getAddress();
      return new IpAddress(raw);
    } catch (UnknownHostException | SecurityException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not an IP address");
    }
  }

  /** Like {@link #parse}, or null when {@code text} is not an address. */
  static IpAddress tryParse(String text) {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] parseIpv4(String t, String original) {
    String[] parts = t.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("\"" + original + "\" is not an IP address");
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("\"" + original + "\" is not an IP address");
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        throw new IllegalArgumentException("\"" + original + "\" is not an IP address");
      }
      out[i] = (byte) v;
    }
    return out;
  }

  byte[] bytes() {
    return bytes.clone();
  }

  boolean isIpv4() {
    return bytes.length == 4;
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpAddress other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  private static String format(byte[] b) {
    if (b.length == 4) {
      return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    // RFC 5952: the longest run (of two or more) of zero groups, the first one on a tie, becomes "::".
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    HexFormat hex = HexFormat.of();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(stripZeros(hex.toHexDigits((short) groups[i])));
    }
    return sb.toString();
  }

  private static String stripZeros(String group) {
    int i = 0;
    while (i < group.length() - 1 && group.charAt(i) == '0') {
      i++;
    }
    return group.substring(i);
  }
}
