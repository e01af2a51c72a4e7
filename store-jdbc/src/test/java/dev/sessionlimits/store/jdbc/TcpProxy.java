package dev.sessionlimits.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a database, so a test can take the database away from a
 * store without stopping it: {@link #cut} closes every connection and refuses new ones (accepted
 * and closed at once) until {@link #restore}; {@link #freeze} keeps every connection open but
 * forwards nothing, as a network that silently drops packets does, until {@link #restore}. It also
 * counts {@link #roundTrips} and, on a connection without TLS ({@code sslmode=disable}), the
 * server's {@link #readyForQuery} messages. In the test-jar, for the server's tests too.
 */
public final class TcpProxy implements AutoCloseable {

  private final String targetHost;
  private final int targetPort;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "test-tcp-proxy");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicLong roundTrips = new AtomicLong();
  private final AtomicLong readyForQuery = new AtomicLong();
  private volatile boolean refusing;
  private volatile boolean frozen;
  private volatile boolean closed;

  private TcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    threads.execute(this::acceptLoop);
  }

  /** A proxy to the host and port of the PostgreSQL JDBC URL {@code jdbcUrl}. */
  public static TcpProxy to(String jdbcUrl) throws IOException {
    String authority = authority(jdbcUrl);
    int colon = authority.lastIndexOf(':');
    String host = (colon < 0) ? authority : authority.substring(0, colon);
    int port = (colon < 0) ? 5432 : Integer.parseInt(authority.substring(colon + 1));
    return new TcpProxy(host, port);
  }

  /** {@code jdbcUrl} with its host and port replaced by this proxy's. */
  public String route(String jdbcUrl) {
    String authority = authority(jdbcUrl);
    int start = jdbcUrl.indexOf("//") + 2;
    return jdbcUrl.substring(0, start)
        + "127.0.0.1:"
        + server.getLocalPort()
        + jdbcUrl.substring(start + authority.length());
  }

  /**
   * How many times, over all connections so far, a client has sent something after the server last
   * answered on that connection: the round trips, if the server speaks only when spoken to.
   */
  public long roundTrips() {
    return roundTrips.get();
  }

  /**
   * How many ReadyForQuery messages PostgreSQL has sent over all connections so far: one each time
   * it has run what a client sent up to a Sync, or a simple query, and flushed its answers. Counted
   * only on connections without TLS.
   */
  public long readyForQuery() {
    return readyForQuery.get();
  }

  /** Closes every proxied connection and refuses new ones until {@link #restore}. */
  public void cut() {
    refusing = true;
    for (Socket socket : open) {
      closeQuietly(socket);
    }
  }

  /** Stops forwarding anything, in either direction, but keeps the connections open. */
  public void freeze() {
    frozen = true;
  }

  /** Accepts and forwards again; connections cut stay closed, frozen ones carry on. */
  public void restore() {
    refusing = false;
    frozen = false;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    cut();
    threads.shutdownNow();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (refusing) {
        closeQuietly(client);
        continue;
      }
      threads.execute(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    Socket upstream = new Socket();
    try {
      upstream.connect(new InetSocketAddress(targetHost, targetPort), 2000);
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(upstream);
      return;
    }
    open.add(client);
    open.add(upstream);
    if (refusing) {
      cut();
      return;
    }
    AtomicBoolean clientSpoke = new AtomicBoolean();
    threads.execute(
        () ->
            pump(
                client,
                upstream,
                (buffer, n) -> {
                  if (clientSpoke.compareAndSet(false, true)) {
                    roundTrips.incrementAndGet();
                  }
                }));
    BackendMessages answers = new BackendMessages();
    threads.execute(
        () ->
            pump(
                upstream,
                client,
                (buffer, n) -> {
                  clientSpoke.set(false);
                  answers.read(buffer, n);
                }));
  }

  /** What a pump does with each chunk it has read, before forwarding it. */
  private interface OnRead {
    void read(byte[] buffer, int n);
  }

  /**
   * Splits a PostgreSQL server's side of a connection into its messages (a type byte, then a length
   * that counts itself) and counts the ReadyForQuery ({@code 'Z'}) ones. A server asked for TLS
   * first answers one byte: {@code 'N'}, and the messages follow in the clear; or {@code 'S'}, and
   * nothing after it can be read here, so the connection counts nothing.
   */
  private final class BackendMessages {
    private final byte[] header = new byte[5];
    private int headerFill;
    private long bodyLeft;
    private boolean tls;
    private boolean started;

    void read(byte[] buffer, int n) {
      int i = 0;
      if (!started && n > 0) {
        started = true;
        tls = buffer[0] == 'S';
        i = (buffer[0] == 'N') ? 1 : 0;
      }
      while (i < n && !tls) {
        if (bodyLeft > 0) {
          int skip = (int) Math.min(bodyLeft, n - i);
          bodyLeft -= skip;
          i += skip;
          continue;
        }
        header[headerFill++] = buffer[i++];
        if (headerFill == header.length) {
          if (header[0] == 'Z') {
            readyForQuery.incrementAndGet();
          }
          bodyLeft =
              (((header[1] & 0xffL) << 24)
                      | ((header[2] & 0xff) << 16)
                      | ((header[3] & 0xff) << 8)
                      | (header[4] & 0xff))
                  - 4;
          headerFill = 0;
        }
      }
    }
  }

  private void pump(Socket from, Socket to, OnRead onRead) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        onRead.read(buffer, n);
        while (frozen && !refusing && !closed) {
          TimeUnit.MILLISECONDS.sleep(5);
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away: close both below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static String authority(String jdbcUrl) {
    int start = jdbcUrl.indexOf("//");
    if (start < 0) {
      throw new IllegalArgumentException("not a jdbc:postgresql://host:port/... URL");
    }
    int end = jdbcUrl.indexOf('/', start + 2);
    return jdbcUrl.substring(start + 2, end < 0 ? jdbcUrl.length() : end);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
