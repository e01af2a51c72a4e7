package dev.sessionlimits.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JIT compiler threads of a target JVM, found in {@code /proc/<pid>/task} by their names
 * ({@code C1 CompilerThre}, {@code C2 CompilerThre}): the CPU they have used, and their priority.
 *
 * <h2>Design note: why the benchmarks watch the JIT</h2>
 *
 * A target is pinned to one core, so its compiler threads take that core from the request threads
 * while they work. Under load a server's JIT goes on compiling for minutes (methods that a request
 * or a timer reaches rarely cross their thresholds late), and each compile holds the core for
 * milliseconds: measured on the server on H2 at 32 connections, 10 s runs in which C2 used 240 and
 * 340 ms of CPU had a p99 of 4.9 and 4.7 ms, runs in which it used 7 to 75 ms one of 2.7 to 3.0 ms.
 * The warm-ups therefore wait for the JIT to fall quiet, and each measured run reports its JIT's
 * CPU.
 */
final class JitThreads {

  private JitThreads() {}

  /**
   * The CPU time the JVM's compiler threads have used so far, in milliseconds, or NaN if it has
   * none that can be read (not a JVM, or no {@code /proc}). A compiler thread the JVM stopped
   * meanwhile takes its time with it; with one core a JVM keeps one of each kind.
   */
  static double cpuMs(long pid) {
    List<Path> threads = compilerThreads(pid);
    if (threads.isEmpty()) {
      return Double.NaN;
    }
    double ms = 0;
    for (Path task : threads) {
      try {
        // schedstat: nanoseconds on the CPU, nanoseconds waiting for it, time slices.
        String schedstat = Files.readString(task.resolve("schedstat")).trim();
        ms += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' '))) / 1e6;
      } catch (IOException | RuntimeException e) {
        // The thread ended meanwhile, or the kernel keeps no schedstat.
      }
    }
    return ms;
  }

  /**
   * Sets the compiler threads' nice value ({@code renice}; raising a priority needs root or
   * CAP_SYS_NICE). Again before each run, as the JVM starts compiler threads as it needs them. Null
   * when done (or there was nothing to do), else what renice said.
   */
  static String renice(long pid, int nice) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice)));
    for (Path task : compilerThreads(pid)) {
      command.addAll(List.of("-p", task.getFileName().toString()));
    }
    if (command.size() == 3) {
      return null;
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "renice did not end within 30 s";
    }
    return p.exitValue() == 0 ? null : text.strip();
  }

  private static List<Path> compilerThreads(long pid) {
    List<Path> threads = new ArrayList<>();
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        try {
          if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
            threads.add(task);
          }
        } catch (IOException e) {
          // The thread ended meanwhile.
        }
      }
    } catch (IOException e) {
      // The process ended, or there is no /proc.
    }
    return threads;
  }
}
