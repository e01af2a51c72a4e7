package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SESSIONLIMITS_BIND: the address the server listens on, and start-up errors that name it. */
class BindTest {

  @Test
  void theServerListensOnlyOnTheBoundAddress() throws IOException {
    try (TestServer t = TestServer.start(Map.of("SESSIONLIMITS_BIND", "127.0.0.2"))) {
      int port = t.server.port();
      assertThat(statusLine("127.0.0.2", port)).isEqualTo("HTTP/1.1 200 OK");
      assertThatThrownBy(() -> statusLine("127.0.0.1", port)).isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void byDefaultTheServerListensOnEveryInterface() throws IOException {
    try (TestServer t = TestServer.start()) {
      assertThat(statusLine("127.0.0.1", t.server.port())).isEqualTo("HTTP/1.1 200 OK");
      assertThat(statusLine("127.0.0.2", t.server.port())).isEqualTo("HTTP/1.1 200 OK");
    }
  }

  @Test
  void aHostNameIsLookedUpAndAnIpv6LiteralIsTaken() throws IOException {
    assertThat(ServerConfig.fromEnvironment(Map.of("SESSIONLIMITS_BIND", "localhost")).bind())
        .isEqualTo("localhost");
    assertThat(ServerConfig.fromEnvironment(Map.of("SESSIONLIMITS_BIND", "::1")).bind())
        .isEqualTo("::1");
    try (TestServer t = TestServer.start(Map.of("SESSIONLIMITS_BIND", "localhost"))) {
      assertThat(statusLine("127.0.0.1", t.server.port())).isEqualTo("HTTP/1.1 200 OK");
    }
  }

  @Test
  void anAddressThatIsNotThisMachinesStopsTheStartNamingTheVariables() {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never an address of this machine.
    assertThatThrownBy(() -> TestServer.start(Map.of("SESSIONLIMITS_BIND", "192.0.2.1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SESSIONLIMITS_BIND=192.0.2.1")
        .hasMessageContaining("SESSIONLIMITS_PORT=0");
  }

  @Test
  void aPortInUseStopsTheStartNamingTheVariables() {
    try (TestServer first = TestServer.start()) {
      String port = Integer.toString(first.server.port());
      assertThatThrownBy(() -> TestServer.start(Map.of("SESSIONLIMITS_PORT", port)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("SESSIONLIMITS_PORT=" + port)
          .hasMessageContaining("Another process may hold the port");
    }
  }

  @Test
  void aValueThatIsNeitherAnAddressNorAHostNameIsRefusedNamingTheVariable() {
    for (String bad :
        new String[] {
          "127.0.0.1:8080", "http://localhost", "exa mple", "-bad.example", "no-such-host.invalid"
        }) {
      assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("SESSIONLIMITS_BIND", bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("SESSIONLIMITS_BIND ")
          .hasMessageContaining("\"" + bad + "\"");
    }
  }

  /** The status line of {@code GET /healthz} sent to {@code address}. */
  private static String statusLine(String address, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(30_000);
      socket.connect(new InetSocketAddress(address, port), 5_000);
      socket
          .getOutputStream()
          .write(
              ("GET /healthz HTTP/1.1\r\nHost: " + address + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return answer.substring(0, answer.indexOf("\r\n"));
    }
  }
}
