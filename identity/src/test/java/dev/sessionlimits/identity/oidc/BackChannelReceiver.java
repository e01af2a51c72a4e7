package dev.sessionlimits.identity.oidc;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.nimbusds.jwt.JWTParser;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A tiny JDK HTTP server on a free loopback port standing in for the application's public URL: it
 * answers {@link OidcConfig#BACKCHANNEL_LOGOUT_PATH} with 200 and keeps the logout tokens posted
 * there, for a test to wait on. Public for the server's tests, which replay a token it caught.
 */
public final class BackChannelReceiver implements AutoCloseable {

  private static final long WAIT_SECONDS = 30;

  private final HttpServer server;
  private final BlockingQueue<String> tokens = new LinkedBlockingQueue<>();
  private final List<String> seen = new ArrayList<>();

  private BackChannelReceiver(HttpServer server) {
    this.server = server;
  }

  /** A receiver listening on a free loopback port. */
  public static BackChannelReceiver start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    BackChannelReceiver receiver = new BackChannelReceiver(server);
    server.createContext(
        OidcConfig.BACKCHANNEL_LOGOUT_PATH,
        exchange -> {
          String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
          for (String pair : body.split("&")) {
            if (pair.startsWith("logout_token=")) {
              receiver.tokens.add(URLDecoder.decode(pair.substring(13), UTF_8));
            }
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    return receiver;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI publicUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * The first logout token received (now or within 30 s) whose {@code sid} is {@code sid}; tokens
   * for other sessions (other tests' sign-ins) are passed over.
   */
  synchronized String awaitTokenWithSid(String sid) throws Exception {
    for (String token : seen) {
      if (sid.equals(JWTParser.parse(token).getJWTClaimsSet().getClaim("sid"))) {
        return token;
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (true) {
      String token = tokens.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (token == null) {
        throw new AssertionError("no logout token for sid " + sid + " within 30 s; got " + seen);
      }
      seen.add(token);
      if (sid.equals(JWTParser.parse(token).getJWTClaimsSet().getClaim("sid"))) {
        return token;
      }
    }
  }

  /** The next logout token received, now or within 30 s, whichever session it names. */
  public synchronized String awaitAnyToken() throws InterruptedException {
    String token = tokens.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (token == null) {
      throw new AssertionError("no logout token within 30 s");
    }
    seen.add(token);
    return token;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
