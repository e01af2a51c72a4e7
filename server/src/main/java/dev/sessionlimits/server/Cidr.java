package dev.sessionlimits.server;

/** A block of addresses such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a block of one. */
final class Cidr {

  private final byte[] network;
  private final int prefix;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * Parses {@code 192.0.2.0/24}, {@code 2001:db8::/32} or a bare address. Host bits are cleared.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    IpAddress address = IpAddress.parse(slash < 0 ? t : t.substring(0, slash));
    int bits = address.bytes().length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = t.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("the prefix length after / must be a number 0.." + bits);
      }
      prefix = Integer.parseInt(p);
      if (prefix > bits) {
        throw new IllegalArgumentException("the prefix length must be 0.." + bits + ", got " + prefix);
      }
    }
    byte[] network = address.bytes();
    for (int i = 0; i < network.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - 8 * i));
      network[i] &= (byte) (0xff << (8 - keep));
    }
    return new Cidr(network, prefix);
  }

  boolean contains(IpAddress address) {
    byte[] b = address.bytes();
    if (b.length != network.length) {
      return false;
    }
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - 8 * i));
      int mask = (0xff << (8 - keep)) & 0xff;
      if ((b[i] & mask) != (network[i] & 0xff)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return IpAddress.parse(formatNetwork()) + "/" + prefix;
  }

  private String formatNetwork() {
    if (network.length == 4) {
      return (network[0] & 0xff) + "." + (network[1] & 0xff) + "." + (network[2] & 0xff) + "."
          + (network[3] & 0xff);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 16; i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(Integer.toHexString(((network[i] & 0xff) << 8) | (network[i + 1] & 0xff)));
    }
    return sb.toString();
  }
}
