package dev.sessionlimits.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The processes of an HTTP benchmark run (targets and load generators): started pinned to a CPU
 * when the machine has two and taskset exists, frozen while another target is measured, stopped
 * with their descendants, and their CPU time read from {@code /proc}.
 */
final class BenchProcesses {

  final boolean pin = Runtime.getRuntime().availableProcessors() >= 2 && onPath("taskset");
  private final List<Process> running = new ArrayList<>();

  /**
   * The long-lived targets measured in turn (nginx, the floors, the two servers): while one is
   * measured the others are stopped (SIGSTOP), so that their timers, collectors and listeners do
   * not take the core they share with it.
   */
  private final List<Process> frozenWhileOthersRun = new ArrayList<>();

  /** From now on {@code p} is stopped while another target is measured. */
  void freezeWhileOthersRun(Process p) {
    frozenWhileOthersRun.add(p);
  }

  /** Nothing is frozen any more (after thawing everything). */
  void forgetFrozen() {
    thawAll();
    frozenWhileOthersRun.clear();
  }

  List<String> cpu(int cpu, String... command) {
    List<String> c = new ArrayList<>();
    if (pin) {
      c.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
    }
    c.addAll(List.of(command));
    return c;
  }

  Process start(Path log, List<String> command) throws IOException {
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    running.add(p);
    return p;
  }

  void freezeAllBut(Process measured) {
    for (Process p : frozenWhileOthersRun) {
      if (p != measured) {
        signal("STOP", p);
      }
    }
  }

  void thawAll() {
    for (Process p : frozenWhileOthersRun) {
      signal("CONT", p);
    }
  }

  private static void signal(String name, Process p) {
    List<String> c = new ArrayList<>(List.of("kill", "-" + name, Long.toString(p.pid())));
    p.descendants().forEach(h -> c.add(Long.toString(h.pid())));
    try {
      new ProcessBuilder(c)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void stop(Process p) {
    if (p == null) {
      return;
    }
    if (frozenWhileOthersRun.remove(p)) {
      signal("CONT", p);
    }
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    running.remove(p);
  }

  /** A process that ended by itself: nothing to stop at the end. */
  void forget(Process p) {
    running.remove(p);
  }

  void stopAll() {
    for (Process p : new ArrayList<>(running)) {
      stop(p);
    }
  }

  /** CPU time (user + system, in clock ticks of 1/100 s) of the process and its descendants. */
  static long cpuTicks(Process p) {
    long total = ticks(p.pid());
    for (ProcessHandle h : (Iterable<ProcessHandle>) p.descendants()::iterator) {
      total += ticks(h.pid());
    }
    return total;
  }

  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  void jcmd(long pid, String... args) throws Exception {
    List<String> c = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
    c.addAll(List.of(args));
    Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + String.join(" ", args) + " failed: " + text);
    }
  }

  static void awaitPort(int port, Process p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the process exited with " + p.exitValue());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("nothing listens on 127.0.0.1:" + port + " after " + timeout);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static void admin(String ddl) {
    try (Connection c = DriverManager.getConnection(BenchStores.PG_ADMIN);
        Statement s = c.createStatement()) {
      s.execute(ddl);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL refused " + ddl + ": " + e.getMessage(), e);
    }
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  static String version(String tool, String flag) {
    if (!onPath(tool)) {
      return "not installed";
    }
    try {
      Process p = new ProcessBuilder(tool, flag).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return text.lines().findFirst().orElse("").trim();
    } catch (IOException | InterruptedException e) {
      return "unknown";
    }
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
