package dev.sessionlimits.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * The floor of the server's HTTP stack: the Jetty 12 the server runs on, answering every request
 * with a verify's 200 and its headers (fixed values) and doing nothing else. Measured next to nginx
 * and the real {@code /auth/verify}, it splits the gap to nginx into what Jetty costs and what the
 * check costs. Two modes: {@code blocking}, a handler Jetty hands to a pool thread, as the server
 * hands a request that may wait for the database, and {@code nonblocking}, answered on the selector
 * thread, as the server answers a verify that its node caches can answer.
 *
 * <p>Usage: {@code JettyFloor <blocking|nonblocking> <ready file>}; listens on 127.0.0.1 on a free
 * port and writes {@code port=} and a {@code cookie=} line to the ready file, as {@code
 * BenchServer} does.
 */
public final class JettyFloor {

  private JettyFloor() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !(args[0].equals("blocking") || args[0].equals("nonblocking"))) {
      System.err.println("usage: JettyFloor <blocking|nonblocking> <ready file>");
      System.exit(2);
    }
    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(args[0].equals("blocking") ? new Blocking() : new NonBlocking());
    server.start();
    Path ready = Path.of(args[1]);
    Path partial = ready.resolveSibling(ready.getFileName() + ".partial");
    Files.writeString(
        partial, "port=" + connector.getLocalPort() + "\ncookie=" + "x".repeat(43) + "\n");
    Files.move(partial, ready);
    server.join();
  }

  static boolean answer(Response response, Callback callback) {
    HttpFields.Mutable headers = response.getHeaders();
    headers.put("Cache-Control", "no-store");
    headers.put("Session-Timeout", 1800);
    headers.put("X-Session-User", "alice-0");
    headers.put("X-Session-Id", "Len-vwk9X7tbqYPsJw0jLQ");
    response.setStatus(200);
    response.write(true, BufferUtil.EMPTY_BUFFER, callback);
    return true;
  }

  private static final class Blocking extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      return answer(response, callback);
    }
  }

  private static final class NonBlocking extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      return answer(response, callback);
    }
  }
}
