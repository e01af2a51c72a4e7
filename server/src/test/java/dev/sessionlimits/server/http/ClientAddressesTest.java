package dev.sessionlimits.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAddressesTest {

  private final ClientAddresses proxies =
      new ClientAddresses(List.of("10.0.0.0/8", "192.168.1.1", "fd00::/8", "::1/128"));

  @Test
  void theSocketPeerIsTheClientWhenItIsNotATrustedProxy() {
    assertThat(proxies.clientIp("203.0.113.5", List.of("198.51.100.1"))).isEqualTo("203.0.113.5");
  }

  @Test
  void theNearestUntrustedHopIsTheClient() {
    assertThat(proxies.clientIp("10.1.2.3", List.of("1.1.1.1, 203.0.113.7, 10.9.9.9")))
        .isEqualTo("203.0.113.7");
    assertThat(proxies.clientIp("192.168.1.1", List.of("1.1.1.1", "203.0.113.7")))
        .isEqualTo("203.0.113.7");
  }

  @Test
  void worksForIpv6Peers() {
    assertThat(proxies.clientIp("0:0:0:0:0:0:0:1", List.of("2001:db8::5, fd12::1")))
        .isEqualTo("2001:db8::5");
    assertThat(proxies.clientIp("[fd00::7]", List.of("[2001:DB8:0:0:0:0:0:5]")))
        .isEqualTo("2001:db8::5");
    assertThat(proxies.clientIp("2001:db8::9", List.of("203.0.113.7"))).isEqualTo("2001:db8::9");
  }

  @Test
  void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
    assertThat(proxies.clientIp("10.0.0.1", List.of("10.0.0.2, 10.0.0.3"))).isEqualTo("10.0.0.2");
    assertThat(proxies.clientIp("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
  }

  @Test
  void garbageStopsTheWalkAtTheLastGoodHop() {
    assertThat(proxies.clientIp("10.0.0.1", List.of("203.0.113.7, evil.example, 10.0.0.2")))
        .isEqualTo("10.0.0.2");
    assertThat(proxies.clientIp("10.0.0.1", List.of("not an address"))).isEqualTo("10.0.0.1");
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, 127.0.0.1",
    "0:0:0:0:0:0:0:1, ::1",
    "[::1], ::1",
    "2001:0DB8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1",
    "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
    "2001:db8:1:1:1:1:1:1, 2001:db8:1:1:1:1:1:1",
    "::ffff:192.0.2.1, 192.0.2.1",
    "fe80::1%eth0, fe80::1",
    "0:0:0:0:0:0:0:0, ::",
  })
  void addressesHaveOneCanonicalSpelling(String written, String canonical) {
    assertThat(ClientAddresses.canonical(written)).contains(canonical);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "localhost",
        "cafe",
        "256.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "01234.1.1.1",
        "1:2:3:4:5:6:7:8:9",
        "::g",
        "example.com"
      })
  void namesAndMalformedAddressesAreNotAddresses(String text) {
    assertThat(ClientAddresses.canonical(text)).isEmpty();
  }

  @Test
  void cidrBlocksContainTheirAddresses() {
    assertThat(ClientAddresses.canonicalBlock("10.1.2.3/16")).isEqualTo("10.1.0.0/16");
    assertThat(ClientAddresses.canonicalBlock("2001:DB8:0:0:1::/64")).isEqualTo("2001:db8::/64");
    assertThat(ClientAddresses.canonicalBlock("::1")).isEqualTo("::1/128");
    ClientAddresses block = new ClientAddresses(List.of("10.1.2.3/16"));
    assertThat(block.isTrustedPeer("10.1.255.255")).isTrue();
    assertThat(block.isTrustedPeer("10.2.0.0")).isFalse();
    assertThat(block.isTrustedPeer("::1")).isFalse();
    assertThat(new ClientAddresses(List.of("2001:db8::/32")).isTrustedPeer("2001:db8:ffff::1"))
        .isTrue();
    assertThat(new ClientAddresses(List.of("0.0.0.0/0")).isTrustedPeer("203.0.113.1")).isTrue();
    assertThat(new ClientAddresses(List.of("10.0.0.0/9")).isTrustedPeer("10.127.0.1")).isTrue();
    assertThat(new ClientAddresses(List.of("10.0.0.0/9")).isTrustedPeer("10.128.0.1")).isFalse();
  }

  @Test
  void badBlocksAreRefusedWithAReason() {
    assertThatThrownBy(() -> ClientAddresses.canonicalBlock("10.0.0.0/33"))
        .hasMessageContaining("0..32");
    assertThatThrownBy(() -> ClientAddresses.canonicalBlock("::/129"))
        .hasMessageContaining("0..128");
    assertThatThrownBy(() -> ClientAddresses.canonicalBlock("10.0.0.0/x"))
        .hasMessageContaining("prefix");
    assertThatThrownBy(() -> ClientAddresses.canonicalBlock("proxy.local"))
        .hasMessageContaining("not an IP address");
  }
}
