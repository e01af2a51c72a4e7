package dev.sessionlimits.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A real nginx or Caddy started from the shipped example file ({@code examples/nginx/nginx.conf},
 * {@code examples/caddy/Caddyfile}) with its three placeholder words replaced, exactly as the docs
 * tell an operator to do with sed, in a temporary folder of its own, listening on a free port.
 */
final class ProxyProcess implements AutoCloseable {

  /** How one proxy is found and run. */
  enum Kind {
    NGINX(Path.of("/usr/sbin/nginx"), "examples/nginx/nginx.conf", "nginx.conf", "nginx-light"),
    CADDY(Path.of("/usr/bin/caddy"), "examples/caddy/Caddyfile", "Caddyfile", "caddy");

    final Path binary;
    final String example;
    final String fileName;
    final String debianPackage;

    Kind(Path binary, String example, String fileName, String debianPackage) {
      this.binary = binary;
      this.example = example;
      this.fileName = fileName;
      this.debianPackage = debianPackage;
    }

    List<String> command(Path dir) {
      Path config = dir.resolve(fileName);
      return (this == NGINX)
          ? List.of(binary.toString(), "-p", dir + "/", "-c", config.toString())
          : List.of(
              binary.toString(), "run", "--config", config.toString(), "--adapter", "caddyfile");
    }
  }

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  final Kind kind;
  final int port;
  final URI base;
  final Path dir;
  private final Process process;

  private ProxyProcess(Kind kind, int port, Path dir, Process process) {
    this.kind = kind;
    this.port = port;
    this.base = URI.create("http://127.0.0.1:" + port);
    this.dir = dir;
    this.process = process;
  }

  /**
   * Whether {@code kind} is installed. When it is not, this fails the calling test under {@code
   * CI=true} (where it must be present), and otherwise says how to install it and answers false.
   */
  static boolean installedOrSkipping(Kind kind) {
    if (Files.isExecutable(kind.binary)) {
      return true;
    }
    String missing =
        kind.binary + " is missing (Debian: apt-get install " + kind.debianPackage + ")";
    if ("true".equals(String.valueOf(System.getenv("CI")).trim().toLowerCase(Locale.ROOT))) {
      fail(missing + "; CI=true, so this is a failure rather than a skip.");
    }
    System.err.println("[WARNING] " + missing + "; skipping the " + kind + " tests.");
    return false;
  }

  /** The example file of {@code kind} with the placeholders replaced, as sed would. */
  static String configuration(Kind kind, int listenPort, String sessionlimitsAddr, String appAddr) {
    String text;
    try {
      text = Files.readString(Chromium.repositoryRoot().resolve(kind.example));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.replace("LISTEN_PORT", String.valueOf(listenPort))
        .replace("SESSIONLIMITS_ADDR", sessionlimitsAddr)
        .replace("APP_ADDR", appAddr);
  }

  /**
   * Starts {@code kind} in front of Sessionlimits at {@code sessionlimitsAddr} and the app at
   * {@code appAddr} (both host:port), and waits until it accepts connections. A port taken between
   * choosing and binding it is retried on another.
   */
  static ProxyProcess start(Kind kind, String sessionlimitsAddr, String appAddr) {
    String lastOutput = "";
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      Path dir = temporaryFolder();
      try {
        Files.writeString(
            dir.resolve(kind.fileName), configuration(kind, port, sessionlimitsAddr, appAddr));
        ProcessBuilder builder =
            new ProcessBuilder(kind.command(dir))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.log").toFile());
        builder.environment().put("HOME", dir.toString());
        builder.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        builder.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
        ProxyProcess proxy = new ProxyProcess(kind, port, dir, builder.start());
        if (proxy.awaitListening()) {
          return proxy;
        }
        lastOutput = proxy.output();
        proxy.close();
        if (!lastOutput.contains("in use")) {
          break;
        }
      } catch (IOException e) {
        Chromium.delete(dir);
        throw new UncheckedIOException(e);
      }
    }
    throw new AssertionError(kind + " did not start from " + kind.example + ":\n" + lastOutput);
  }

  private boolean awaitListening() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
        return true;
      } catch (IOException notYet) {
        try {
          process.waitFor(20, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }

  /** Everything the proxy wrote to stdout and stderr, and nginx's error log. */
  String output() {
    return Stream.of("output.log", "error.log")
        .map(dir::resolve)
        .filter(Files::isRegularFile)
        .map(readOrEmpty())
        .reduce("", String::concat);
  }

  private static Function<Path, String> readOrEmpty() {
    return p -> {
      try {
        return "--- " + p.getFileName() + "\n" + Files.readString(p);
      } catch (IOException e) {
        return "";
      }
    };
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } finally {
      Chromium.delete(dir);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A folder nginx's workers (which run as another user when started by root) can enter. */
  private static Path temporaryFolder() {
    try {
      Path dir = Files.createTempDirectory("sessionlimits-proxy-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
