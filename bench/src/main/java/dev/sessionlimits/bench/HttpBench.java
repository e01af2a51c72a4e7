package dev.sessionlimits.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
 * <out.json> [--quick] [--profile <dir>] [--verify-only]}. With {@code --profile}, a last pass
 * records the server with JFR while it answers verify requests and while it logs users in
 * (Argon2id), dumps into that directory (never the repository), and summarizes the hottest frames
 * into the JSON. With {@code --verify-only}, only the verify comparison runs ({@link
 * VerifyRuns#alone}), three times.
 *
 * <p>The targets are in {@link HttpTargets}, one load run in {@link HttpLoad}, the processes'
 * pinning, freezing and CPU time in {@link BenchProcesses}; this class is the run's script.
 */
public final class HttpBench {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Repetitions of {@code --verify-only}: enough for a spread. */
  private static final int VERIFY_REPS = 3;

  private final Path jar;
  private final boolean quick;
  private final Path profileDir;
  private final Path work;
  private final int seconds;
  private final BenchProcesses procs = new BenchProcesses();
  private final HttpLoad loads;
  private final VerifyRuns verifies;

  private final ObjectNode out = JSON.createObjectNode();
  private final ArrayNode runs = out.putArray("runs");
  private boolean profileOnly;
  private boolean verifyOnly;

  private HttpBench(Path jar, boolean quick, Path profileDir) throws IOException {
    this.jar = jar;
    this.quick = quick;
    this.profileDir = profileDir;
    this.work = Files.createTempDirectory("sl-http-bench-");
    this.seconds = quick ? 5 : 10;
    this.loads = new HttpLoad(procs, work, jar);
    this.verifies = new VerifyRuns(loads, runs, seconds, quick);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: HttpBench <benchmarks.jar> <out.json> [--quick] [--profile <dir>]"
              + " [--verify-only]");
      System.exit(2);
    }
    boolean quick = false;
    boolean profileOnly = false;
    boolean verifyOnly = false;
    Path profile = null;
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals("--quick")) {
        quick = true;
      } else if (args[i].equals("--profile")) {
        profile = Path.of(args[++i]);
      } else if (args[i].equals("--verify-only")) {
        verifyOnly = true;
      } else if (args[i].equals("--profile-only")) {
        profile = Path.of(args[++i]);
        profileOnly = true;
      }
    }
    HttpBench bench = new HttpBench(Path.of(args[0]), quick, profile);
    bench.profileOnly = profileOnly;
    bench.verifyOnly = verifyOnly;
    Runtime.getRuntime().addShutdownHook(new Thread(bench.procs::stopAll));
    try {
      bench.run();
    } finally {
      bench.procs.stopAll();
      Files.writeString(
          Path.of(args[1]), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bench.out));
      // The servers' data directories, nginx's files and the scripts; JFR dumps live elsewhere.
      try (java.util.stream.Stream<Path> files = Files.walk(bench.work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private void run() throws Exception {
    out.put(
        "load_generator",
        loads.wrk ? "wrk " + BenchProcesses.version("wrk", "-v") : "LoadGen (Java, bench module)");
    out.put(
        "pinned",
        procs.pin
            ? "server (or nginx) on CPU 1, load generator on CPU 0; PostgreSQL not pinned"
            : "not pinned (fewer than 2 CPUs or no taskset)");
    out.put("seconds_per_run", seconds);
    out.put("nginx", BenchProcesses.version("nginx", "-v"));
    if (profileOnly) {
      profile();
      return;
    }
    if (verifyOnly) {
      out.put("repetitions", VERIFY_REPS);
      verifies.alone(procs, work, jar, VERIFY_REPS);
      return;
    }
    int reps = quick ? 1 : 2;
    out.put("repetitions", reps);
    // Long-lived targets, warmed once (a JVM on one core takes a while to compile its hot paths),
    // then
    // measured in turn, twice: nginx, the server on H2, the server on PostgreSQL, logins.
    HttpTargets.Nginx nginx =
        BenchProcesses.onPath("nginx") ? new HttpTargets.Nginx(procs, work) : null;
    try (HttpTargets.Floor blocking = new HttpTargets.Floor(procs, work, jar, "blocking");
        HttpTargets.Floor nonBlocking = new HttpTargets.Floor(procs, work, jar, "nonblocking");
        HttpTargets.Server h2 = new HttpTargets.Server(procs, work, jar, "h2", "argon2id", null);
        HttpTargets.Server pg =
            new HttpTargets.Server(procs, work, jar, "postgres", "argon2id", null)) {
      if (nginx != null) {
        procs.freezeWhileOthersRun(nginx.process);
      }
      for (Process p : List.of(blocking.process, nonBlocking.process, h2.process, pg.process)) {
        procs.freezeWhileOthersRun(p);
      }
      if (nginx != null) {
        load("nginx", "warm-up", nginx.ready, "verify", 2, 32, nginx.process, null);
      }
      int warmLimit = quick ? 12 : VerifyRuns.WARM_LIMIT;
      for (HttpTargets.Floor floor : List.of(blocking, nonBlocking)) {
        verifies.warmUp(floor.name, floor.ready, floor.process, warmLimit);
      }
      verifies.warmUp(h2, warmLimit);
      verifies.warmUp(pg, warmLimit);
      for (String user : new String[] {"unlimited", "limit1"}) {
        load(h2.name, "warm-up", h2.ready, "login", quick ? 3 : 5, 4, h2.process, user);
      }
      for (int rep = 1; rep <= reps; rep++) {
        if (nginx != null) {
          verifies.verify(rep, "nginx static 204", "-", "-", nginx.ready, nginx.process);
        }
        for (HttpTargets.Floor floor : List.of(blocking, nonBlocking)) {
          verifies.resume(floor.name, floor.ready, floor.process);
          verifies.measure(rep, floor.name, "-", "-", 32, floor.ready, floor.process);
        }
        verifies.verify(rep, "sessionlimits h2", "h2", "argon2id", h2.ready, h2.process);
        verifies.verify(
            rep, "sessionlimits postgres", "postgres", "argon2id", pg.ready, pg.process);
        logins(rep, h2, "h2", "argon2id", 4);
      }
    } finally {
      procs.forgetFrozen();
      if (nginx != null) {
        procs.stop(nginx.process);
      }
    }
    for (String store : new String[] {"h2", "postgres"}) {
      try (HttpTargets.Server cheap =
          new HttpTargets.Server(procs, work, jar, store, "cheap", null)) {
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

  /** Logins as limit1 and unlimited, in the order A B B A (A B when quick). */
  private void logins(
      int rep, HttpTargets.Server server, String store, String hashing, int connections)
      throws Exception {
    String[] order =
        quick
            ? new String[] {"limit1", "unlimited"}
            : new String[] {"limit1", "unlimited", "unlimited", "limit1"};
    for (String user : order) {
      verifies.record(
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
    try (HttpTargets.Server server =
        new HttpTargets.Server(procs, work, jar, "h2", "argon2id", null)) {
      long pid = server.process.pid();
      load(
          server.name, "warm-up", server.ready, "verify", quick ? 5 : 15, 32, server.process, null);
      Path verifyJfr = profileDir.resolve("verify-h2.jfr");
      procs.jcmd(pid, "JFR.start", "name=verify", settings);
      load(
          server.name, "profile verify", server.ready, "verify", seconds, 32, server.process, null);
      procs.jcmd(pid, "JFR.stop", "name=verify", "filename=" + verifyJfr);
      load(server.name, "warm-up", server.ready, "login", 3, 4, server.process, "limit1");
      Path loginJfr = profileDir.resolve("login-h2-argon2id.jfr");
      procs.jcmd(pid, "JFR.start", "name=login", settings);
      load(
          server.name,
          "profile login",
          server.ready,
          "login",
          seconds,
          4,
          server.process,
          "limit1");
      procs.jcmd(pid, "JFR.stop", "name=login", "filename=" + loginJfr);
      profiles.set("verify_h2", JfrTop.summarize(verifyJfr, 25));
      profiles.set("login_h2_argon2id", JfrTop.summarize(loginJfr, 25));
    }
    try (HttpTargets.Server server =
        new HttpTargets.Server(procs, work, jar, "h2", "cheap", null)) {
      long pid = server.process.pid();
      load(server.name, "warm-up", server.ready, "login", 8, 16, server.process, "limit1");
      Path loginJfr = profileDir.resolve("login-h2-cheap.jfr");
      procs.jcmd(pid, "JFR.start", "name=login", settings);
      load(
          server.name,
          "profile login",
          server.ready,
          "login",
          seconds,
          16,
          server.process,
          "limit1");
      procs.jcmd(pid, "JFR.stop", "name=login", "filename=" + loginJfr);
      profiles.set("login_h2_cheap", JfrTop.summarize(loginJfr, 25));
    }
  }

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
    return loads.load(target, what, ready, kind, seconds, connections, process, user);
  }
}
