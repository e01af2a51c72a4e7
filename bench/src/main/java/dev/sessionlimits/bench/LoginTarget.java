package dev.sessionlimits.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link BenchServer} JVM for {@link LoginCost}, on a fresh H2 directory or a scratch PostgreSQL
 * database (dropped on close): runs logins against it and reads its CPU time.
 */
final class LoginTarget implements AutoCloseable {
  private final String label;
  private final Process process;
  private final int port;
  private final String database;
  private double idleMsPerSecond;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The nice value of the server's JIT compiler threads ({@link #prioritizeJit}). */
  private static final int JIT_NICE = -10;

  private boolean jitNiceFailed;

  private final Path jar;
  private final Path work;
  private final boolean pin;
  private final int seconds;

  /**
   * Starts the server and waits until it is ready.
   *
   * @param work where its data directory and the load logs go
   * @param pin whether to pin it to CPU 1 and the load generator to CPU 0
   * @param seconds the length of a measured run (a profiled one is at least 10 s)
   */
  LoginTarget(String store, String hashing, Path jar, Path work, boolean pin, int seconds)
      throws Exception {
    this.jar = jar;
    this.work = work;
    this.pin = pin;
    this.seconds = seconds;
    this.label = store + "-" + hashing;
    Path dir = Files.createTempDirectory(work, label + "-");
    Path ready = dir.resolve("ready");
    String spec;
    if (store.equals("h2")) {
      spec = "h2:" + dir.resolve("data");
      database = null;
    } else if (store.equals("postgres")) {
      database =
          (BenchStores.DB_PREFIX
                  + "login_"
                  + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8))
              .toLowerCase(Locale.ROOT);
      admin("CREATE DATABASE " + database);
      spec =
          "postgres:" + BenchStores.PG_ADMIN.replaceFirst("/[^/?]*(\\?|$)", "/" + database + "$1");
    } else {
      throw new IllegalArgumentException("store must be h2 or postgres, got " + store);
    }
    this.process =
        new ProcessBuilder(
                pinned(
                    1,
                    "java",
                    "-Xms1g",
                    "-Xmx1g",
                    "-XX:+UseG1GC",
                    "-cp",
                    jar.toString(),
                    BenchServer.class.getName(),
                    spec,
                    hashing,
                    ready.toString(),
                    "1"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!Files.exists(ready)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        close();
        throw new IllegalStateException(label + " did not start; see " + dir.resolve("server.log"));
      }
      Thread.sleep(100);
    }
    this.port = Integer.parseInt(Files.readAllLines(ready).get(0).substring("port=".length()));
  }

  /** A run not counted: its refusals (such as 503s while the JIT is cold) do not matter. */
  ObjectNode warm(String user, int runSeconds, int connections) throws Exception {
    return run(user, runSeconds, connections, false);
  }

  /** One bounded run of logins as {@code <user>-0..63}: the server's CPU per login. */
  ObjectNode load(String user, int runSeconds, int connections) throws Exception {
    return run(user, runSeconds, connections, true);
  }

  private ObjectNode run(String user, int runSeconds, int connections, boolean counted)
      throws Exception {
    prioritizeJit();
    double jitBefore = jitMs();
    long before = ticks(process.pid());
    long t0 = System.nanoTime();
    Path log = work.resolve("load.log");
    Process generator =
        new ProcessBuilder(
                pinned(
                    0,
                    "java",
                    "-Xmx256m",
                    "-cp",
                    jar.toString(),
                    LoadGen.class.getName(),
                    "127.0.0.1",
                    Integer.toString(port),
                    "login",
                    user,
                    Integer.toString(connections),
                    Integer.toString(runSeconds)))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!generator.waitFor(runSeconds + 60L, TimeUnit.SECONDS)) {
      generator.destroyForcibly();
      throw new IllegalStateException("LoadGen did not stop");
    }
    long after = ticks(process.pid());
    double wallSeconds = (System.nanoTime() - t0) / 1e9;
    double jit = jitMs() - jitBefore;
    String output = Files.readString(log);
    JsonNode numbers =
        JSON.readTree(
            output
                .lines()
                .filter(l -> l.startsWith("JSON "))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no result from LoadGen:\n" + output))
                .substring(5));
    long refused = numbers.get("errors_status").asLong();
    long errors = refused + numbers.get("errors_read").asLong();
    long logins = numbers.get("requests").asLong() - refused;
    ObjectNode run = JSON.createObjectNode();
    run.put("logins", logins);
    run.put("errors", errors);
    double cpuMs = (after - before) * 10.0;
    run.put("cpu_ms_per_login", round(cpuMs / Math.max(1, logins)));
    run.put(
        "net_cpu_ms_per_login",
        round(Math.max(0, cpuMs - idleMsPerSecond * wallSeconds) / Math.max(1, logins)));
    run.put("p99_ms", numbers.get("p99_us").asDouble() / 1000);
    run.put("wall_seconds", round(wallSeconds));
    if (!Double.isNaN(jit)) {
      run.put("jit_ms", Math.round(jit));
    }
    System.out.printf(
        Locale.ROOT,
        "  %-18s %-10s %6d logins  %7.3f ms CPU each (%.3f less idle)  p99 %6.2f ms  JIT %5.0f ms"
            + "  errors %d%n",
        label,
        user,
        logins,
        run.get("cpu_ms_per_login").asDouble(),
        run.get("net_cpu_ms_per_login").asDouble(),
        run.get("p99_ms").asDouble(),
        jit,
        errors);
    // A few 503s (no hash could start within 2 s on a crowded machine) are counted, not fatal.
    if (counted && errors * 10 > logins + errors) {
      throw new IllegalStateException(
          label + ": " + errors + " of " + (logins + errors) + " logins failed; see " + log);
    }
    return run;
  }

  /**
   * The server's CPU time per second of wall time with no load (its timers: the cluster listener's
   * round trips, heartbeats, the pool's housekeeping), which later runs subtract before dividing by
   * their logins: a login kind that the database holds to fewer logins per second would otherwise
   * be charged more of it.
   */
  double idle(int idleSeconds) throws Exception {
    long before = ticks(process.pid());
    long t0 = System.nanoTime();
    Thread.sleep(idleSeconds * 1000L);
    double ms = (ticks(process.pid()) - before) * 10.0;
    idleMsPerSecond = ms / ((System.nanoTime() - t0) / 1e9);
    System.out.printf(
        Locale.ROOT, "  %-18s idle       %.1f ms CPU per second%n", label, idleMsPerSecond);
    return round(idleMsPerSecond);
  }

  /**
   * Raises the server's JIT compiler threads to nice {@link #JIT_NICE} ({@link JitThreads#renice}),
   * so that under load they do not wait behind 16 request threads for the one core and finish in
   * seconds what took minutes. Their CPU is the server's either way; only when it is spent changes.
   * Without the right to raise a priority the warm-up is slower and says so.
   */
  private void prioritizeJit() throws Exception {
    String failure = JitThreads.renice(process.pid(), JIT_NICE);
    if (failure != null && !jitNiceFailed) {
      jitNiceFailed = true;
      System.out.println("  (could not raise the JIT's priority: " + failure + ")");
    }
  }

  /**
   * Leaves the server unloaded until its JIT has compiled nothing for a second, or for {@code
   * maxSeconds}: under load the compiler threads share the server's one core with the request
   * threads and fall behind. The seconds waited.
   */
  double settle(int maxSeconds) throws Exception {
    long t0 = System.nanoTime();
    double before = jitMs();
    while (!Double.isNaN(before) && System.nanoTime() - t0 < maxSeconds * 1_000_000_000L) {
      Thread.sleep(1000);
      double now = jitMs();
      if (now - before < 1) {
        break;
      }
      before = now;
    }
    return round((System.nanoTime() - t0) / 1e9);
  }

  /** The CPU the server's JIT compiler threads have used so far ({@link JitThreads#cpuMs}). */
  double jitMs() {
    return JitThreads.cpuMs(process.pid());
  }

  /**
   * Starts a recording that {@link #stopJfr} discards, for the warm-up: the first recording of a
   * JVM loads JFR and has the JIT compile its code, which otherwise took most of a profiled run
   * (124 evicting logins in a profiled 10 s, 18 s of compiling).
   */
  void startJfr() throws Exception {
    jcmd("JFR.start", "name=warm", "settings=" + jfc());
  }

  /** Stops and discards the recording {@link #startJfr} started. */
  void stopJfr() throws Exception {
    jcmd("JFR.stop", "name=warm");
  }

  /** A run of {@code user}'s logins under JFR (method samples every millisecond). */
  void profile(String user, Path jfr) throws Exception {
    jcmd("JFR.start", "name=login", "settings=" + jfc());
    load(user, Math.max(seconds, 10), 16);
    jcmd("JFR.stop", "name=login", "filename=" + jfr);
  }

  private void jcmd(String... args) throws Exception {
    List<String> c = new ArrayList<>(List.of("jcmd", Long.toString(process.pid())));
    c.addAll(List.of(args));
    Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + String.join(" ", args) + " failed: " + text);
    }
  }

  @Override
  public void close() throws SQLException {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    if (database != null) {
      admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }

  /**
   * JFR's "profile" settings with Java method samples every millisecond instead of every 10, and
   * every event but those and the allocation samples ({@link JfrTop} reads no other) turned off:
   * the file and socket events and the error events are recorded by rewriting JDK classes when a
   * recording starts, which throws their compiled code away and had the server spend the first
   * seconds of a profiled run compiling again (once, 189 evicting logins in a profiled 10 s against
   * 2,200 to 2,300 in each unprofiled 6 s just before).
   */
  private Path jfc() throws IOException {
    Path jfc = work.resolve("profile-1ms.jfc");
    if (!Files.exists(jfc)) {
      Path jdk = Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc");
      String settings =
          Files.readString(jdk)
              .replace(
                  "control=\"method-sampling-java-interval\">10 ms<",
                  "control=\"method-sampling-java-interval\">1 ms<");
      Matcher event =
          Pattern.compile("<event name=\"([^\"]+)\">.*?</event>", Pattern.DOTALL).matcher(settings);
      StringBuilder only = new StringBuilder();
      while (event.find()) {
        String block = event.group();
        if (!Set.of("jdk.ExecutionSample", "jdk.ObjectAllocationSample").contains(event.group(1))) {
          block = block.replaceAll("(<setting name=\"enabled\"[^>]*>)true<", "$1false<");
        }
        event.appendReplacement(only, Matcher.quoteReplacement(block));
      }
      event.appendTail(only);
      Files.writeString(jfc, only.toString());
    }
    return jfc;
  }

  private List<String> pinned(int cpu, String... command) {
    List<String> c = new ArrayList<>();
    if (pin) {
      c.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
    }
    c.addAll(List.of(command));
    return c;
  }

  /** CPU time (user + system, in clock ticks of 1/100 s) of one process. */
  private static long ticks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static void admin(String ddl) throws SQLException {
    try (Connection c = DriverManager.getConnection(BenchStores.PG_ADMIN);
        Statement s = c.createStatement()) {
      s.execute(ddl);
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
