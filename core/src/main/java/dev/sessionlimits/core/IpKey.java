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

  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
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
    if (IPV4.matcher(text).matches()) {
      String[] parts = text.split("\\.");
      byte[] bytes = new byte[4];
      for (int i = 0; i < 4; i++) {
        bytes[i] = (byte) Integer.parseInt(parts[i]);
      }
      return Optional.of(of(bytes));
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
}
