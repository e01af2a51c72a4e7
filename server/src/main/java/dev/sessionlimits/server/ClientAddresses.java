package dev.sessionlimits.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Who the client is: the socket's peer, or, when the peer is a trusted proxy, the {@code
 * X-Forwarded-For} hop that the nearest untrusted party is known by. The header is read from the
 * right: each trusted proxy appends the address it saw, so the first hop from the right that is not a
 * trusted proxy is the one a trusted proxy vouched for. Anything further left was written by the
 * client and is ignored, and the header is ignored entirely when the peer is not trusted.
 */
final class ClientAddresses {

  private final List<Cidr> trusted;

  ClientAddresses(List<String> trustedProxies) {
    List<Cidr> list = new ArrayList<>();
    for (String cidr : trustedProxies) {
      list.add(Cidr.parse(cidr));
    }
    this.trusted = List.copyOf(list);
  }

  /**
   * The client address of a request from {@code peer} carrying these {@code X-Forwarded-For} header
   * values (in the order received), in canonical form.
   */
  String clientIp(String peer, List<String> forwardedFor) {
    IpAddress peerAddress = IpAddress.tryParse(peer);
    if (peerAddress == null) {
      return peer;
    }
    if (!isTrusted(peerAddress) || forwardedFor.isEmpty()) {
      return peerAddress.toString();
    }
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) {
        hops.add(hop.trim());
      }
    }
    IpAddress client = peerAddress;
    for (int i = hops.size() - 1; i >= 0; i--) {
      IpAddress hop = IpAddress.tryParse(hops.get(i));
      if (hop == null) {
        break;
      }
      client = hop;
      if (!isTrusted(hop)) {
        break;
      }
    }
    return client.toString();
  }

  /** Whether {@code peer} is a trusted proxy, whose forwarding headers are believed. */
  boolean isTrustedPeer(String peer) {
    IpAddress address = IpAddress.tryParse(peer);
    return address != null && isTrusted(address);
  }

  private boolean isTrusted(IpAddress address) {
    for (Cidr cidr : trusted) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
