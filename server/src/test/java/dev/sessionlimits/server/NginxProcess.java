package dev.sessionlimits.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real nginx ({@code /usr/sbin/nginx}) in the foreground, run as {@code nginx -p DIR -c
 * DIR/nginx.conf} with a temporary prefix directory DIR, so every relative path of the file (pid,
 * logs, temp files) stays in DIR and is deleted by {@link #close}. The configuration is a complete
 * file; {@code LISTEN_PORT} in it becomes a free port. {@link #httpFile} makes such a file around
 * {@code server} blocks.
 */
final class NginxProcess implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/sbin/nginx");

  /**
   * The placeholder in a configuration that {@link #start} replaces with the port nginx listens on.
   */
  static final String LISTEN_PORT = "LISTEN_PORT";

  private static final Duration STARTUP = Duration.ofSeconds(30);
  private static final Duration SHUTDOWN = Duration.ofSeconds(20);
  private static final Pattern USER_DIRECTIVE = Pattern.compile("(?m)^\\s*user\\s");
  private static final Pattern DAEMON_DIRECTIVE = Pattern.compile("(?m)^\\s*daemon\\s");
  private static final int PORT_ATTEMPTS = 5;

  private final Process process;
  private final Path dir;
  private final int port;

  private NginxProcess(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /**
   * Whether nginx is installed. When it is not, this fails the calling test when {@code CI=true}
   * (where it must be present), and otherwise says how to install it and answers false (a skip).
   */
  static boolean installedOrSkipping() {
    if (Files.isExecutable(BINARY)) {
      return true;
    }
    String missing =
        "Proxy tests need "
            + BINARY
            + " (Debian: apt-get install nginx-light), and it"
            + " is missing";
    if ("true".equals(String.valueOf(System.getenv("CI")).trim().toLowerCase(Locale.ROOT))) {
      fail(missing + "; CI=true, so this is a failure rather than a skip.");
    }
    System.err.println("[WARNING] " + missing + "; skipping the nginx tests.");
    return false;
  }

  /**
   * A complete nginx.conf around {@code serverBlocks}: foreground, one worker, the pid file, error
   * log ({@code logs/error.log}), access log ({@code logs/access.log}, one line per request:
   * status, method, URI as the client sent it, upstream status) and temp files in the prefix.
   */
  static String httpFile(String serverBlocks) {
    return """
    daemon off;
    worker_processes 1;
    pid nginx.pid;
    error_log logs/error.log info;
    events { worker_connections 256; }
    http {
      log_format paths '$status $request_method $request_uri $upstream_status';
      access_log logs/access.log paths;
      client_body_temp_path temp/body;
      proxy_temp_path temp/proxy;
      fastcgi_temp_path temp/fastcgi;
      uwsgi_temp_path temp/uwsgi;
      scgi_temp_path temp/scgi;
    %s
    }
    """
        .formatted(serverBlocks.indent(2).stripTrailing());
  }

  /**
   * Writes {@code config} (with {@code LISTEN_PORT} replaced by a free port) to DIR/nginx.conf,
   * starts nginx and waits until it accepts connections on that port; fails with nginx's own
   * messages when it does not start. Run as root, its worker runs as root too (nobody could not
   * enter DIR).
   */
  static NginxProcess start(String config) {
    String failure = null;
    for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      Path dir = createDirectories();
      int port = freePort();
      try {
        Files.writeString(
            dir.resolve("nginx.conf"), config.replace(LISTEN_PORT, String.valueOf(port)));
        NginxProcess nginx = new NginxProcess(launch(dir, config), dir, port);
        failure = nginx.awaitListening();
        if (failure == null) {
          return nginx;
        }
        nginx.close();
        if (!failure.contains("Address already in use")) {
          break;
        }
      } catch (IOException e) {
        delete(dir);
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("nginx did not start:\n" + failure);
  }

  private static Process launch(Path dir, String config) throws IOException {
    List<String> globals = new ArrayList<>();
    if (!DAEMON_DIRECTIVE.matcher(config).find()) {
      globals.add("daemon off;");
    }
    if ("root".equals(System.getProperty("user.name")) && !USER_DIRECTIVE.matcher(config).find()) {
      globals.add("user root;");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                BINARY.toString(),
                "-p",
                dir + "/",
                "-c",
                dir.resolve("nginx.conf").toString(),
                "-e",
                dir.resolve("logs/error.log").toString()));
    if (!globals.isEmpty()) {
      command.addAll(List.of("-g", String.join(" ", globals)));
    }
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("logs/output.log").toFile())
        .start();
  }

  /** Null once nginx accepts connections, or what it said when it exits or stays deaf instead. */
  private String awaitListening() {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return "exit " + process.exitValue() + "\n" + messages();
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return null;
      } catch (IOException notYet) {
        try {
          process.waitFor(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "interrupted";
        }
      }
    }
    return "not listening on port " + port + " after " + STARTUP + "\n" + messages();
  }

  /** The port nginx listens on. */
  int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
  URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The prefix directory. */
  Path dir() {
    return dir;
  }

  /**
   * The lines of a file under the prefix (such as {@code logs/access.log}); none if it is absent.
   */
  List<String> lines(String relativePath) {
    Path file = dir.resolve(relativePath);
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The access log of {@link #httpFile}: one {@code status method uri upstream-status} a line. */
  List<String> accessLog() {
    return lines("logs/access.log");
  }

  /** The error log and anything nginx printed, for failure messages. */
  String messages() {
    return String.join("\n", lines("logs/error.log"))
        + "\n"
        + String.join("\n", lines("logs/output.log"));
  }

  /** Stops nginx (a fast shutdown, then a kill of it and its worker) and deletes the prefix. */
  @Override
  public void close() {
    try {
      List<ProcessHandle> workers = process.descendants().toList();
      process.destroy();
      if (!process.waitFor(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
      }
      workers.forEach(ProcessHandle::destroyForcibly);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      delete(dir);
    }
  }

  private static Path createDirectories() {
    try {
      Path dir = Files.createTempDirectory("sessionlimits-nginx-");
      Files.createDirectories(dir.resolve("logs"));
      Files.createDirectories(dir.resolve("temp"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
