package dev.sessionlimits.spring.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Redis at 127.0.0.1:6379 the Spring Session Redis tests use, each with a namespace of its
 * own. When it does not answer PING the test is skipped, with the reason, except under {@code
 * CI=true}, where a missing Redis fails the test.
 */
final class TestRedis {

  static final String HOST = "127.0.0.1";
  static final int PORT = 6379;

  private TestRedis() {}

  /** A fresh key namespace, e.g. {@code sl-test-1a2b3c4d5e6f}, after checking Redis answers. */
  static String namespace() {
    requireRunning();
    return "sl-test-"
        + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
  }

  private static void requireRunning() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, PORT), 2000);
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] answer = in.readNBytes(7);
      if (!new String(answer, StandardCharsets.US_ASCII).startsWith("+PONG")) {
        throw new IOException(
            "it answered PING with " + new String(answer, StandardCharsets.US_ASCII));
      }
    } catch (IOException e) {
      String reason =
          "Redis at "
              + HOST
              + ":"
              + PORT
              + " cannot be used ("
              + e.getMessage()
              + "). Start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ''";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("CI=true, so the Redis tests fail rather than skip: " + reason, e);
      }
      System.err.println("Skipping the Redis tests: " + reason);
      Assumptions.abort("Skipped: " + reason);
    }
  }
}
