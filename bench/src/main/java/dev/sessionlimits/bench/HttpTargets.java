package dev.sessionlimits.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The long-lived targets of the HTTP benchmarks, each a process pinned to CPU 1 with a ready file
 * ({@code port=} and {@code cookie=} lines) that the load generator reads: nginx answering a static
 * 204, the {@link JettyFloor} and the real server ({@link BenchServer}).
 */
final class HttpTargets {

  private HttpTargets() {}

  /** nginx with one worker answering 204 to everything, on 127.0.0.1, pinned like the server. */
  static final class Nginx {
    final Process process;
    final Path ready;

    Nginx(BenchProcesses procs, Path work) throws Exception {
      Path dir = Files.createDirectories(work.resolve("nginx"));
      Files.createDirectories(dir.resolve("body"));
      Files.createDirectories(dir.resolve("proxy"));
      int port = BenchProcesses.freePort();
      Files.writeString(
          dir.resolve("nginx.conf"),
          String.join(
              "\n",
              "worker_processes 1;",
              "daemon off;",
              "pid " + dir.resolve("nginx.pid") + ";",
              "error_log " + dir.resolve("error.log") + " warn;",
              "events { worker_connections 1024; }",
              "http {",
              "  access_log off;",
              "  keepalive_requests 10000000;",
              "  client_body_temp_path " + dir.resolve("body") + ";",
              "  proxy_temp_path " + dir.resolve("proxy") + ";",
              "  server {",
              "    listen 127.0.0.1:" + port + ";",
              "    location / { return 204; }",
              "  }",
              "}",
              ""));
      // The same request as to the server: a cookie of a session token's length.
      this.ready = dir.resolve("ready");
      Files.writeString(ready, "port=" + port + "\ncookie=" + "x".repeat(43) + "\n");
      this.process =
          procs.start(
              dir.resolve("nginx.log"),
              procs.cpu(
                  1, "nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString()));
      BenchProcesses.awaitPort(port, process, Duration.ofSeconds(20));
    }
  }

  /** {@link JettyFloor}: the server's HTTP stack answering a fixed 200, pinned like the server. */
  static final class Floor implements AutoCloseable {
    final String name;
    final Process process;
    final Path ready;

    private final BenchProcesses procs;

    Floor(BenchProcesses procs, Path work, Path jar, String mode) throws Exception {
      this.procs = procs;
      this.name = "jetty floor " + mode;
      Path dir = Files.createTempDirectory(work, "jetty-floor-" + mode + "-");
      this.ready = dir.resolve("ready");
      this.process =
          procs.start(
              dir.resolve("floor.log"),
              procs.cpu(
                  1,
                  "java",
                  "-Xms1g",
                  "-Xmx1g",
                  "-XX:+UseG1GC",
                  "-cp",
                  jar.toString(),
                  JettyFloor.class.getName(),
                  mode,
                  ready.toString()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(ready)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              name
                  + " did not start; see "
                  + dir.resolve("floor.log")
                  + ":\n"
                  + BenchProcesses.tail(dir.resolve("floor.log")));
        }
        Thread.sleep(100);
      }
    }

    @Override
    public void close() {
      procs.stop(process);
    }
  }

  /**
   * A running BenchServer JVM, pinned, on a fresh H2 directory or a scratch PostgreSQL database.
   */
  static final class Server implements AutoCloseable {
    final String name;
    final Process process;
    final Path ready;
    private final String database;

    private final BenchProcesses procs;

    Server(
        BenchProcesses procs,
        Path work,
        Path jar,
        String store,
        String hashing,
        List<String> extraJvmArgs)
        throws Exception {
      this.procs = procs;
      this.name = "sessionlimits-" + store + "-" + hashing;
      Path dir = Files.createTempDirectory(work, name + "-");
      this.ready = dir.resolve("ready");
      String spec;
      if (store.equals("h2")) {
        spec = "h2:" + dir.resolve("data");
        database = null;
      } else {
        database =
            (BenchStores.DB_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8))
                .toLowerCase(Locale.ROOT);
        BenchProcesses.admin("CREATE DATABASE " + database);
        spec =
            "postgres:"
                + BenchStores.PG_ADMIN.replaceFirst("/[^/?]*(\\?|$)", "/" + database + "$1");
      }
      List<String> command = new ArrayList<>(List.of("java", "-Xms1g", "-Xmx1g", "-XX:+UseG1GC"));
      if (extraJvmArgs != null) {
        command.addAll(extraJvmArgs);
      }
      command.addAll(
          List.of(
              "-cp",
              jar.toString(),
              "dev.sessionlimits.bench.BenchServer",
              spec,
              hashing,
              ready.toString(),
              "64"));
      this.process =
          procs.start(dir.resolve("server.log"), procs.cpu(1, command.toArray(String[]::new)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!Files.exists(ready)) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              name
                  + " exited with "
                  + process.exitValue()
                  + "; see "
                  + dir.resolve("server.log")
                  + ":\n"
                  + BenchProcesses.tail(dir.resolve("server.log")));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              name + " was not ready after 180 s; see " + dir.resolve("server.log"));
        }
        Thread.sleep(100);
      }
    }

    @Override
    public void close() {
      procs.stop(process);
      if (database != null) {
        BenchProcesses.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }
  }
}
