package dev.sessionlimits.server.http;

import dev.sessionlimits.core.IpMatch;
import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who the client is: the socket's peer, or, when the peer is a trusted proxy, the {@code
 * X-Forwarded-For} hop that the nearest untrusted party is known by. The header is read from the
 * right: each trusted proxy appends the address it saw, so the first hop from the right that is not
 * a trusted proxy is the one a trusted proxy vouched for. Anything further left was written by the
 * client and is ignored, and the header is ignored entirely when the peer is not trusted.
 *
 * <p>Addresses are parsed by the IPAddress library, never looked up by name, and kept in one
 * canonical spelling (dotted quad, or RFC 5952 lower-case compressed IPv6; IPv4-mapped IPv6 becomes
 * IPv4), so that one client always counts as one address for {@code SESSIONS_PER_IP}.
 */
public final class ClientAddresses {

  /** Plain literals only: no ranges, wildcards, masks, prefixes, or inet_aton forms. */
  private static final IPAddressStringParameters LITERAL =
      new IPAddressStringParameters.Builder()
          .allowEmpty(false)
          .allowAll(false)
          .allowMask(false)
          .allowPrefix(false)
          .allowSingleSegment(false)
          .allowWildcardedSeparator(false)
          .setRangeOptions(IPAddressStringParameters.RangeParameters.NO_RANGE)
          .getIPv4AddressParametersBuilder()
          .allow_inet_aton(false)
          .getParentBuilder()
          .getIPv6AddressParametersBuilder()
          .allowZone(true)
          .getParentBuilder()
          .toParams();

  private final List<IPAddress> trusted;

  /** Trusts the proxies in {@code trustedProxies} (addresses or CIDR blocks). */
  public ClientAddresses(List<String> trustedProxies) {
    List<IPAddress> list = new ArrayList<>();
    for (String cidr : trustedProxies) {
      list.add(block(cidr));
    }
    this.trusted = List.copyOf(list);
  }

  /**
   * The client address of a request from {@code peer} carrying these {@code X-Forwarded-For} header
   * values (in the order received), in canonical form.
   */
  String clientIp(String peer, List<String> forwardedFor) {
    IPAddress peerAddress = address(peer);
    if (peerAddress == null) {
      return peer;
    }
    if (!isTrusted(peerAddress) || forwardedFor.isEmpty()) {
      return peerAddress.toCanonicalString();
    }
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) {
        hops.add(hop.trim());
      }
    }
    IPAddress client = peerAddress;
    for (int i = hops.size() - 1; i >= 0; i--) {
      IPAddress hop = address(hops.get(i));
      if (hop == null) {
        break;
      }
      client = hop;
      if (!isTrusted(hop)) {
        break;
      }
    }
    return client.toCanonicalString();
  }

  /** Whether {@code peer} is a trusted proxy, whose forwarding headers are believed. */
  public boolean isTrustedPeer(String peer) {
    IPAddress address = address(peer);
    return address != null && isTrusted(address);
  }

  private boolean isTrusted(IPAddress address) {
    for (IPAddress block : trusted) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The canonical spelling of the address written as {@code text} (a dotted quad, or an IPv6
   * literal with or without brackets and zone); empty if it is not an IP address literal.
   */
  public static Optional<String> canonical(String text) {
    return Optional.ofNullable(address(text)).map(IPAddress::toCanonicalString);
  }

  /**
   * The canonical spelling of the block written as {@code text}: {@code 192.0.2.0/24}, {@code
   * 2001:db8::/32}, or a bare address (a block of one); host bits are cleared.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static String canonicalBlock(String text) {
    IPAddress block = block(text);
    return block.getLower().withoutPrefixLength().toCanonicalString()
        + "/"
        + block.getNetworkPrefixLength();
  }

  /**
   * The sessions' address filter written as {@code text}: a CIDR block ({@code 10.0.0.0/8}, {@code
   * 2001:db8::/32}), an address (exactly it), or else the start of canonical spellings ({@code
   * 10.1.}, {@code 2001:db8:}: hex digits, dots and colons, compared in lower case).
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static IpMatch match(String text) {
    if (text.indexOf('/') >= 0) {
      IPAddress block = block(text);
      return IpMatch.Block.of(block.getLower().getBytes(), block.getUpper().getBytes());
    }
    Optional<String> exact = canonical(text);
    if (exact.isPresent()) {
      return new IpMatch.Exact(exact.get());
    }
    return new IpMatch.Prefix(text.trim().toLowerCase(Locale.ROOT));
  }

  private static IPAddress block(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String written = (slash < 0) ? t : t.substring(0, slash);
    IPAddress address = address(written);
    if (address == null) {
      throw new IllegalArgumentException("\"" + written + "\" is not an IP address");
    }
    int bits = address.getBitCount();
    int prefix = bits;
    if (slash >= 0) {
      String p = t.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("the prefix length after / must be a number 0.." + bits);
      }
      prefix = Integer.parseInt(p);
      if (prefix > bits) {
        throw new IllegalArgumentException(
            "the prefix length must be 0.." + bits + ", got " + prefix);
      }
    }
    return address.toPrefixBlock(prefix);
  }

  /** The address written as {@code text}, without its zone; null if it is not an IP literal. */
  private static IPAddress address(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    IPAddress address;
    try {
      address = new IPAddressString(t, LITERAL).toAddress();
    } catch (AddressStringException e) {
      return null;
    }
    if (address instanceof IPv6Address v6) {
      return v6.isIPv4Mapped() ? v6.getEmbeddedIPv4Address() : v6.removeZone();
    }
    return address;
  }
}
