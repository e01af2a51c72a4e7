package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that send a request slowly, a byte at a time ("slowloris"), are cut off once a request's
 * header, or its body, has taken longer than the bound; and they do not hold up anyone else.
 */
class SlowClientTest {

  private static final Duration BOUND = Duration.ofMillis(500);

  /** How long a test waits for the server to close a connection before calling it held open. */
  private static final Duration PATIENCE = Duration.ofSeconds(5);

  private static final String LONG_HEADER = "X-Slow: " + "a".repeat(10_000);

  private TestServer t;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /** Plays a slow client: one byte per socket every 100 ms. */
  private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void start() {
    t = TestServer.start(Stores.inMemory(), Map.of(), b -> b.requestReadTimeout(BOUND));
  }

  @AfterEach
  void stop() throws Exception {
    trickler.shutdownNow();
    assertThat(trickler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    for (Socket socket : sockets) {
      socket.close();
    }
    t.close();
  }

  @Test
  void aConnectionThatSendsHalfARequestLineAndThenTricklesIsClosedWithinTheBound()
      throws Exception {
    Socket slow = open("GET /api/v1/me HT");
    trickle("TP/1.1\r\n" + LONG_HEADER);

    assertThat(millisUntilClosed(slow)).isLessThan(BOUND.toMillis() + 1_000);
  }

  @Test
  void aConnectionThatSendsNothingIsClosedWithinTheBound() throws Exception {
    Socket silent = open("");

    assertThat(millisUntilClosed(silent)).isLessThan(BOUND.toMillis() + 1_000);
  }

  @Test
  void aBodyThatTricklesIsCutOffWithinTheBound() throws Exception {
    Socket slow =
        open(
            "POST /api/v1/login HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: 60000\r\n\r\n"
                + "{\"username\":\"");
    trickle("a".repeat(60_000));

    assertThat(millisUntilClosed(slow)).isLessThan(BOUND.toMillis() + 1_000);
  }

  @Test
  void twoHundredSlowConnectionsDoNotStopOtherRequestsAndAllAreClosed() throws Exception {
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      slow.add(open("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
    }
    trickle("a".repeat(10_000));

    Browser browser = t.browser();
    long started = System.nanoTime();
    assertThat(browser.get("/healthz").status()).isEqualTo(200);
    assertThat(browser.login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);
    assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    for (Socket socket : slow) {
      assertThat(millisUntilClosed(socket)).isLessThan(BOUND.toMillis() + 2_000);
    }
    assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void aRequestSentAtOnceOnAConnectionKeptAliveIsAnsweredAfterLongerThanTheBound()
      throws Exception {
    Socket socket = open("");
    String request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    assertThat(readResponseHead(socket)).startsWith("HTTP/1.1 200");
    // Idle between requests for twice the bound (that is the idle timeout's business): the server
    // neither closes the connection nor sends anything, so the read waits out its whole timeout.
    socket.setSoTimeout((int) BOUND.toMillis() * 2);
    assertThatThrownBy(() -> socket.getInputStream().read())
        .as("the kept-alive connection stays open while idle")
        .isInstanceOf(SocketTimeoutException.class);
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    assertThat(readResponseHead(socket)).startsWith("HTTP/1.1 200");
  }

  private Socket open(String start) throws IOException {
    Socket socket = new Socket("127.0.0.1", t.server.port());
    sockets.add(socket);
    if (!start.isEmpty()) {
      socket.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
    }
    return socket;
  }

  /** Sends {@code rest} on every open socket, one byte every 100 ms, until each is closed. */
  private void trickle(String rest) {
    byte[] bytes = rest.getBytes(StandardCharsets.US_ASCII);
    AtomicInteger next = new AtomicInteger();
    trickler.scheduleAtFixedRate(
        () -> {
          int i = next.getAndIncrement();
          if (i >= bytes.length) {
            throw new IllegalStateException("all sent"); // ends the schedule
          }
          for (Socket socket : sockets) {
            try {
              socket.getOutputStream().write(bytes[i]);
              socket.getOutputStream().flush();
            } catch (IOException e) {
              // closed by the server: what the test waits for
            }
          }
        },
        0,
        100,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Milliseconds from now until the server closes {@code socket}; fails after {@link #PATIENCE}.
   */
  private static long millisUntilClosed(Socket socket) throws IOException {
    long started = System.nanoTime();
    socket.setSoTimeout((int) PATIENCE.toMillis());
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // an error answer (400, 408) may come first
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server still held the connection open after " + PATIENCE, e);
    } catch (SocketException e) {
      // reset by the server: closed too
    }
    return Duration.ofNanos(System.nanoTime() - started).toMillis();
  }

  private static String readResponseHead(Socket socket) throws IOException {
    socket.setSoTimeout((int) PATIENCE.toMillis());
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    int length =
        Integer.parseInt(head.toString().replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
    in.readNBytes(length);
    return head.toString();
  }
}
