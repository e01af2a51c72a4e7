// Over 450 lines on purpose: one benchmark run, its scenarios and their wrk scripts read top to
// bottom, and a split cannot be checked without a full bench/run.sh (about 13 minutes, outside the
// tests). Issues 19 and 20 rework these scenarios; the split by job (scenarios, wrk, JFR) goes
// with them, where their runs check it.
package dev.sessionlimits.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP benchmarks: {@code GET /auth/verify} with valid session cookies on the embedded store
 * and on PostgreSQL, next to nginx answering a static 204 (the ceiling for a forward-auth hop) and
 * to the server's own HTTP stack answering a fixed 200 ({@link JettyFloor}: the floor under any
 * Jetty handler), and logins per second under production Argon2id and a cheap test-only hash, at
 * {@code sessions_limit} 1 and unlimited. Everything listens on 127.0.0.1 and every load run is
 * bounded in time.
 *
 * <p>The server (or nginx, one worker) runs pinned to CPU 1 and the load generator to CPU 0 (when
 * there are two CPUs and taskset exists); PostgreSQL's own processes are not pinned. The load
 * generator is wrk, or {@link LoadGen} when wrk is missing. Both are closed-loop: a fixed number of
 * connections, each sending its next request when the previous answer arrives.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.sessionlimits.bench.HttpBench <benchmarks.jar>
 * <out.json> [--quick] [--profile <dir>]}. With {@code --profile}, a last pass records the server
 * with JFR while it answers verify requests and while it logs users in (Argon2id), dumps into that
 * directory (never the repository), and summarizes the hottest frames into the JSON.
 *
 * <p>Why one file over 400 lines: it is the script of one benchmark run, read top to bottom in the
 * order bench/run.sh drives it (start a target, warm it, measure, stop it); split, one run's steps
 * would stand in several places. It is a benchmark tool, never on a request's path.
 */
public final class HttpBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UA =
      "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

  private final Path jar;
  private final boolean quick;
  private final Path profileDir;
  private final Path work;
  private final boolean pin;
  private final boolean wrk;
  private final int seconds;
  private final List<Process> running = new ArrayList<>();

  /**
   * The long-lived targets measured in turn (nginx, the floors, the two servers): while one is
   * measured the others are stopped (SIGSTOP), so that their timers, collectors and listeners do
   * not take the core they share with it.
   */
  private final List<Process> frozenWhileOthersRun = new ArrayList<>();

  private final ObjectNode out = JSON.createObjectNode();
  private final ArrayNode runs = out.putArray("runs");
  private boolean profileOnly;

  private HttpBench(Path jar, boolean quick, Path profileDir) throws IOException {
    this.jar = jar;
    this.quick = quick;
    this.profileDir = profileDir;
    this.work = Files.createTempDirectory("sl-http-bench-");
    this.pin = Runtime.getRuntime().availableProcessors() >= 2 && onPath("taskset");
    this.wrk = onPath("wrk") && !"java".equals(System.getenv("SL_BENCH_LOADGEN"));
    this.seconds = quick ? 5 : 10;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: HttpBench <benchmarks.jar> <out.json> [--quick] [--profile <dir>]");
      System.exit(2);
    }
    boolean quick = false;
    boolean profileOnly = false;
    Path profile = null;
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals("--quick")) {
        quick = true;
      } else if (args[i].equals("--profile")) {
        profile = Path.of(args[++i]);
      } else if (args[i].equals("--profile-only")) {
        profile = Path.of(args[++i]);
        profileOnly = true;
      }
    }
    HttpBench bench = new HttpBench(Path.of(args[0]), quick, profile);
    bench.profileOnly = profileOnly;
    Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll));
    try {
      bench.run();
    } finally {
      bench.stopAll();
      Files.writeString(
          Path.of(args[1]), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bench.out));
      // The servers' data directories, nginx's files and the scripts; JFR dumps live elsewhere.
      try (java.util.stream.Stream<Path> files = Files.walk(bench.work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private void run() throws Exception {
    out.put("load_generator", wrk ? "wrk " + version("wrk", "-v") : "LoadGen (Java, bench module)");
    out.put(
        "pinned",
        pin
            ? "server (or nginx) on CPU 1, load generator on CPU 0; PostgreSQL not pinned"
            : "not pinned (fewer than 2 CPUs or no taskset)");
    out.put("seconds_per_run", seconds);
    out.put("nginx", version("nginx", "-v"));
    writeScripts();
    if (profileOnly) {
      profile();
      return;
    }
    int reps = quick ? 1 : 2;
    out.put("repetitions", reps);
    // Long-lived targets, warmed once (a JVM on one core takes a while to compile its hot paths),
    // then
    // measured in turn, twice: nginx, the server on H2, the server on PostgreSQL, logins.
    Nginx nginx = onPath("nginx") ? new Nginx() : null;
    try (Floor blocking = new Floor("blocking");
        Floor nonBlocking = new Floor("nonblocking");
        Server h2 = new Server("h2", "argon2id", null);
        Server pg = new Server("postgres", "argon2id", null)) {
      if (nginx != null) {
        frozenWhileOthersRun.add(nginx.process);
      }
      frozenWhileOthersRun.addAll(
          List.of(blocking.process, nonBlocking.process, h2.process, pg.process));
      if (nginx != null) {
        load("nginx", "warm-up", nginx.ready, "verify", 2, 32, nginx.process, null);
      }
      for (Floor floor : List.of(blocking, nonBlocking)) {
        load(floor.name, "warm-up", floor.ready, "verify", quick ? 5 : 10, 32, floor.process, null);
      }
      warmUp(h2);
      warmUp(pg);
      for (String user : new String[] {"unlimited", "limit1"}) {
        load(h2.name, "warm-up", h2.ready, "login", quick ? 3 : 5, 4, h2.process, user);
      }
      for (int rep = 1; rep <= reps; rep++) {
        if (nginx != null) {
          verify(rep, "nginx static 204", "-", "-", nginx.ready, nginx.process);
        }
        for (Floor floor : List.of(blocking, nonBlocking)) {
          resume(floor.name, floor.ready, floor.process);
          record(
              rep,
              floor.name,
              "-",
              "-",
              "verify c32",
              load(
                  floor.name,
                  "verify c32",
                  floor.ready,
                  "verify",
                  seconds,
                  32,
                  floor.process,
                  null));
        }
        verify(rep, "sessionlimits h2", "h2", "argon2id", h2.ready, h2.process);
        verify(rep, "sessionlimits postgres", "postgres", "argon2id", pg.ready, pg.process);
        logins(rep, h2, "h2", "argon2id", 4);
      }
    } finally {
      thawAll();
      frozenWhileOthersRun.clear();
      if (nginx != null) {
        stop(nginx.process);
      }
    }
    for (String store : new String[] {"h2", "postgres"}) {
      try (Server cheap = new Server(store, "cheap", null)) {
        for (String user : new String[] {"unlimited", "limit1"}) {
          load(cheap.name, "warm-up", cheap.ready, "login", quick ? 4 : 8, 16, cheap.process, user);
        }
        logins(1, cheap, store, "cheap", 16);
      }
    }
    if (profileDir != null) {
      profile();
    }
  }

  /**
   * A JVM on one (shared) core keeps compiling its hot paths for a long while: verify runs of 5 s
   * until two in a row agree within 10% (at most 60 s; 12 s when quick).
   */
  private void warmUp(Server server) throws Exception {
    double previous = 0;
    int limit = quick ? 12 : 60;
    for (int spent = 0; spent < limit; spent += 5) {
      double rps =
          load(server.name, "warm-up", server.ready, "verify", 5, 32, server.process, null)
              .get("rps")
              .asDouble();
      if (previous > 0 && Math.abs(rps - previous) <= 0.1 * previous) {
        return;
      }
      previous = rps;
    }
  }

  /**
   * A short run, not recorded, after the other targets had the core: a server frozen meanwhile
   * confirms its cluster listener again (its node cache is not trusted until then), and every
   * target finds its caches as they were.
   */
  private void resume(String target, Path ready, Process p) throws Exception {
    load(target, "resume", ready, "verify", 2, 32, p, null);
  }

  /** Verify throughput at 32 connections (saturation), then latency at 4 (light load). */
  private void verify(int rep, String target, String store, String hashing, Path ready, Process p)
      throws Exception {
    resume(target, ready, p);
    record(
        rep,
        target,
        store,
        hashing,
        "verify c32",
        load(target, "verify c32", ready, "verify", seconds, 32, p, null));
    record(
        rep,
        target,
        store,
        hashing,
        "verify c4",
        load(target, "verify c4", ready, "verify", quick ? 3 : 4, 4, p, null));
  }

  /** Logins as limit1 and unlimited, in the order A B B A (A B when quick). */
  private void logins(int rep, Server server, String store, String hashing, int connections)
      throws Exception {
    String[] order =
        quick
            ? new String[] {"limit1", "unlimited"}
            : new String[] {"limit1", "unlimited", "unlimited", "limit1"};
    for (String user : order) {
      record(
          rep,
          "sessionlimits " + store,
          store,
          hashing,
          "login " + user,
          load(
              server.name,
              "login " + user,
              server.ready,
              "login",
              seconds,
              connections,
              server.process,
              user));
    }
  }

  /** nginx with one worker answering 204 to everything, on 127.0.0.1, pinned like the server. */
  private final class Nginx {
    final Process process;
    final Path ready;

    Nginx() throws Exception {
      Path dir = Files.createDirectories(work.resolve("nginx"));
      Files.createDirectories(dir.resolve("body"));
      Files.createDirectories(dir.resolve("proxy"));
      int port = freePort();
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
          start(
              dir.resolve("nginx.log"),
              cpu(1, "nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString()));
      awaitPort(port, process, Duration.ofSeconds(20));
    }
  }

  /** {@link JettyFloor}: the server's HTTP stack answering a fixed 200, pinned like the server. */
  private final class Floor implements AutoCloseable {
    final String name;
    final Process process;
    final Path ready;

    Floor(String mode) throws Exception {
      this.name = "jetty floor " + mode;
      Path dir = Files.createTempDirectory(work, "jetty-floor-" + mode + "-");
      this.ready = dir.resolve("ready");
      this.process =
          start(
              dir.resolve("floor.log"),
              cpu(
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
                  + tail(dir.resolve("floor.log")));
        }
        Thread.sleep(100);
      }
    }

    @Override
    public void close() {
      stop(process);
    }
  }

  /**
   * JFR's "profile" settings with Java method sampling every millisecond instead of every 10 ms
   * (the server gets one CPU, so 10 s at 10 ms is too few samples to rank anything).
   */
  private Path jfcSettings() throws IOException {
    Path jdkProfile = Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc");
    String settings =
        Files.readString(jdkProfile)
            .replace(
                "<setting name=\"period\" control=\"method-sampling-java-interval\">10"
                    + " ms</setting>",
                "<setting name=\"period\" control=\"method-sampling-java-interval\">1"
                    + " ms</setting>");
    Path jfc = work.resolve("profile-1ms.jfc");
    Files.writeString(jfc, settings);
    return jfc;
  }

  private void profile() throws Exception {
    Files.createDirectories(profileDir);
    String settings = "settings=" + jfcSettings();
    ObjectNode profiles = out.putObject("profiles");
    try (Server server = new Server("h2", "argon2id", null)) {
      long pid = server.process.pid();
      load(
          server.name, "warm-up", server.ready, "verify", quick ? 5 : 15, 32, server.process, null);
      Path verifyJfr = profileDir.resolve("verify-h2.jfr");
      jcmd(pid, "JFR.start", "name=verify", settings);
      load(
          server.name, "profile verify", server.ready, "verify", seconds, 32, server.process, null);
      jcmd(pid, "JFR.stop", "name=verify", "filename=" + verifyJfr);
      load(server.name, "warm-up", server.ready, "login", 3, 4, server.process, "limit1");
      Path loginJfr = profileDir.resolve("login-h2-argon2id.jfr");
      jcmd(pid, "JFR.start", "name=login", settings);
      load(
          server.name,
          "profile login",
          server.ready,
          "login",
          seconds,
          4,
          server.process,
          "limit1");
      jcmd(pid, "JFR.stop", "name=login", "filename=" + loginJfr);
      profiles.set("verify_h2", JfrTop.summarize(verifyJfr, 25));
      profiles.set("login_h2_argon2id", JfrTop.summarize(loginJfr, 25));
    }
    try (Server server = new Server("h2", "cheap", null)) {
      long pid = server.process.pid();
      load(server.name, "warm-up", server.ready, "login", 8, 16, server.process, "limit1");
      Path loginJfr = profileDir.resolve("login-h2-cheap.jfr");
      jcmd(pid, "JFR.start", "name=login", settings);
      load(
          server.name,
          "profile login",
          server.ready,
          "login",
          seconds,
          16,
          server.process,
          "limit1");
      jcmd(pid, "JFR.stop", "name=login", "filename=" + loginJfr);
      profiles.set("login_h2_cheap", JfrTop.summarize(loginJfr, 25));
    }
  }

  /**
   * A running BenchServer JVM, pinned, on a fresh H2 directory or a scratch PostgreSQL database.
   */
  private final class Server implements AutoCloseable {
    final String name;
    final Process process;
    final Path ready;
    private final String database;

    Server(String store, String hashing, List<String> extraJvmArgs) throws Exception {
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
        admin("CREATE DATABASE " + database);
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
      this.process = start(dir.resolve("server.log"), cpu(1, command.toArray(String[]::new)));
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
                  + tail(dir.resolve("server.log")));
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
      stop(process);
      if (database != null) {
        admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }
  }

  // ---- load

  /**
   * One bounded load run: {@code seconds} long, {@code connections} connections, against the port
   * in {@code ready}. {@code kind} is {@code verify} (GET /auth/verify, cookies from {@code ready}
   * in turn) or {@code login} (POST /api/v1/login as {@code user}). Returns the generator's numbers
   * plus the CPU the target used.
   */
  private ObjectNode load(
      String target,
      String what,
      Path ready,
      String kind,
      int seconds,
      int connections,
      Process process,
      String user)
      throws Exception {
    int port = Integer.parseInt(Files.readAllLines(ready).get(0).substring("port=".length()));
    freezeAllBut(process);
    try {
      return measure(target, what, ready, port, kind, seconds, connections, process, user);
    } finally {
      thawAll();
    }
  }

  private ObjectNode measure(
      String target,
      String what,
      Path ready,
      int port,
      String kind,
      int seconds,
      int connections,
      Process process,
      String user)
      throws Exception {
    long cpuBefore = cpuTicks(process);
    long t0 = System.nanoTime();
    List<String> command;
    if (wrk) {
      List<String> c =
          new ArrayList<>(
              List.of(
                  "wrk",
                  "-t1",
                  "-c" + connections,
                  "-d" + seconds + "s",
                  "--timeout",
                  "10s",
                  "-s",
                  work.resolve(kind + ".lua").toString(),
                  "http://127.0.0.1:" + port,
                  "--",
                  kind.equals("login") ? user : ready.toString()));
      command = cpu(0, c.toArray(String[]::new));
    } else {
      List<String> c =
          new ArrayList<>(
              List.of(
                  "java",
                  "-Xmx256m",
                  "-cp",
                  jar.toString(),
                  LoadGen.class.getName(),
                  "127.0.0.1",
                  Integer.toString(port),
                  kind,
                  kind.equals("login") ? user : ready.toString(),
                  Integer.toString(connections),
                  Integer.toString(seconds)));
      command = cpu(0, c.toArray(String[]::new));
    }
    Path log = work.resolve("load.log");
    Process generator = start(log, command);
    if (!generator.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
      stop(generator);
      throw new IllegalStateException(
          "the load generator did not stop after " + (seconds + 60) + " s");
    }
    running.remove(generator);
    double wall = (System.nanoTime() - t0) / 1e9;
    long cpuAfter = cpuTicks(process);
    String output = Files.readString(log);
    String line =
        output
            .lines()
            .filter(l -> l.startsWith("JSON "))
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("no result from the load generator:\n" + output));
    ObjectNode result = (ObjectNode) JSON.readTree(line.substring(5));
    double duration = result.get("duration_us").asDouble() / 1e6;
    result.put("rps", result.get("requests").asDouble() / duration);
    result.put("target_cpu_percent", Math.round(100.0 * (cpuAfter - cpuBefore) / 100.0 / wall));
    // Clock ticks are 10 ms; the requests counted are the generator's, over nearly the same span.
    result.put(
        "target_cpu_ms_per_request",
        (cpuAfter - cpuBefore) * 10.0 / Math.max(1, result.get("requests").asDouble()));
    result.put("connections", connections);
    System.out.printf(
        Locale.ROOT,
        "  %-36s %-18s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d" + "  target CPU %d%%%n",
        target,
        what,
        result.get("rps").asDouble(),
        result.get("p50_us").asDouble() / 1000,
        result.get("p99_us").asDouble() / 1000,
        errors(result),
        result.get("target_cpu_percent").asLong());
    return result;
  }

  static long errors(JsonNode r) {
    return r.get("errors_connect").asLong()
        + r.get("errors_read").asLong()
        + r.get("errors_write").asLong()
        + r.get("errors_status").asLong()
        + r.get("errors_timeout").asLong();
  }

  private void record(
      int rep, String target, String store, String hashing, String workload, ObjectNode result) {
    ObjectNode run = runs.addObject();
    run.put("rep", rep);
    run.put("target", target);
    run.put("store", store);
    run.put("hashing", hashing);
    run.put("workload", workload);
    run.setAll(result);
  }

  private void writeScripts() throws IOException {
    String done =
        String.join(
            "\n",
            "done = function(summary, latency, requests)",
            "  local e = summary.errors",
            "  io.write(string.format('JSON {\"requests\":%d,\"duration_us\":%d,"
                + "\"errors_connect\":%d,\"errors_read\":%d,\"errors_write\":%d,"
                + "\"errors_status\":%d,\"errors_timeout\":%d,\"p50_us\":%d,\"p90_us\":%d,"
                + "\"p99_us\":%d,\"max_us\":%d,\"mean_us\":%.1f}\\n',",
            "    summary.requests, summary.duration, e.connect, e.read, e.write, e.status,"
                + " e.timeout,",
            "    latency:percentile(50), latency:percentile(90), latency:percentile(99),"
                + " latency.max,",
            "    latency.mean))",
            "end",
            "");
    Files.writeString(
        work.resolve("verify.lua"),
        String.join(
            "\n",
            "-- GET /auth/verify with the session cookies of the ready file, in turn.",
            "local requests = {}",
            "local n = 0",
            "init = function(args)",
            "  for line in io.lines(args[1]) do",
            "    local c = line:match('^cookie=(.*)$')",
            "    if c then",
            "      requests[#requests + 1] = wrk.format('GET', '/auth/verify', {",
            "        ['Cookie'] = 'sl_session=' .. c, ['User-Agent'] = '" + UA + "'})",
            "    end",
            "  end",
            "end",
            "request = function()",
            "  n = n + 1",
            "  return requests[(n % #requests) + 1]",
            "end",
            done));
    Files.writeString(
        work.resolve("login.lua"),
        String.join(
            "\n",
            "-- POST /api/v1/login as <first argument>-0 .. -"
                + (BenchServer.USERS - 1)
                + ", in turn.",
            "local requests = {}",
            "local n = 0",
            "init = function(args)",
            "  for i = 0, " + (BenchServer.USERS - 1) + " do",
            "    requests[#requests + 1] = wrk.format('POST', '/api/v1/login', {",
            "      ['Content-Type'] = 'application/json', ['User-Agent'] = '" + UA + "'},",
            "      '{\"username\":\"' .. args[1] .. '-' .. i .. '\",\"password\":\""
                + BenchServer.PASSWORD
                + "\"}')",
            "  end",
            "end",
            "request = function()",
            "  n = n + 1",
            "  return requests[(n % #requests) + 1]",
            "end",
            done));
  }

  // ---- processes

  private List<String> cpu(int cpu, String... command) {
    List<String> c = new ArrayList<>();
    if (pin) {
      c.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
    }
    c.addAll(List.of(command));
    return c;
  }

  private Process start(Path log, List<String> command) throws IOException {
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    running.add(p);
    return p;
  }

  private void freezeAllBut(Process measured) {
    for (Process p : frozenWhileOthersRun) {
      if (p != measured) {
        signal("STOP", p);
      }
    }
  }

  private void thawAll() {
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

  private void stop(Process p) {
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

  private void stopAll() {
    for (Process p : new ArrayList<>(running)) {
      stop(p);
    }
  }

  /** CPU time (user + system, in clock ticks of 1/100 s) of the process and its descendants. */
  private static long cpuTicks(Process p) {
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

  private void jcmd(long pid, String... args) throws Exception {
    List<String> c = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
    c.addAll(List.of(args));
    Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + String.join(" ", args) + " failed: " + text);
    }
  }

  private static void awaitPort(int port, Process p, Duration timeout) throws InterruptedException {
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

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void admin(String ddl) {
    try (Connection c = DriverManager.getConnection(BenchStores.PG_ADMIN);
        Statement s = c.createStatement()) {
      s.execute(ddl);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL refused " + ddl + ": " + e.getMessage(), e);
    }
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static String version(String tool, String flag) {
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

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
