package dev.sessionlimits.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An address as fixed-width text that sorts like the address: {@code 4} and 8 lower-case hex digits
 * for IPv4, {@code 6} and 32 for IPv6. A range of addresses (a CIDR block) is then a range of keys,
 * which a database index can scan ({@link IpMatch.Block}).
 */
public final class IpKey {

  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]{2,45}");

  private IpKey() {}

  /** The key of the address bytes (4 or 16). */
  public static String of(byte[] address) {
    if (address.length != 4 && address.length != 16) {
      throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + address.length);
    }
    return (address.length == 4 ? "4" : "6") + HexFormat.of().formatHex(address);
  }

  /**
   * The key of the address written as {@code text} (a dotted quad or an IPv6 literal, as a
   * session's canonical client address is); empty for anything else. Never asks DNS.
   */
  public static Optional<String> of(String text) {
    if (text == null) {
      return Optional.empty();
    }
    byte[] ipv4 = dottedQuad(text);
    if (ipv4 != null) {
      return Optional.of(of(ipv4));
    }
    if (text.indexOf(':') < 0 || !IPV6_CHARS.matcher(text).matches()) {
      return Optional.empty();
    }
    try {
      // A literal with a colon is parsed as IPv6, never looked up.
      byte[] bytes = InetAddress.getByName(text).getAddress();
      return Optional.of(of(bytes));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /**
   * The 4 bytes of a dotted quad ({@code 0} to {@code 255} four times, no leading zero, no sign,
   * nothing else), or null. Parsed by hand rather than by a pattern and a split: it runs for every
   * login, and the pattern took a few percent of a login's client CPU.
   */
  static byte[] dottedQuad(String text) {
    int length = text.length();
    if (length < 7 || length > 15) {
      return null;
    }
    byte[] bytes = new byte[4];
    int at = 0;
    for (int part = 0; part < 4; part++) {
      if (part > 0) {
        if (at >= length || text.charAt(at) != '.') {
          return null;
        }
        at++;
      }
      int start = at;
      int value = 0;
      while (at < length && at - start < 3) {
        char c = text.charAt(at);
        if (c < '0' || c > '9') {
          break;
        }
        value = value * 10 + (c - '0');
        at++;
      }
      int digits = at - start;
      if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
        return null;
      }
      bytes[part] = (byte) value;
    }
    return (at == length) ? bytes : null;
  }
}
