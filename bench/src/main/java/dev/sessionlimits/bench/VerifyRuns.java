package dev.sessionlimits.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The verify measurements of the HTTP benchmarks: warming a server until its rate settles, resuming
 * a target that was frozen, one throughput (32 connections) and one latency (4) measurement, and
 * recording each run with its repetition, target, store and workload.
 */
final class VerifyRuns {

  /** The length of a warm-up run. */
  private static final int WARM_SECONDS = 5;

  /** The share of a warm-up run's time that a settled target's JIT compiler threads stay under. */
  private static final double QUIET_JIT = 0.01;

  /** How often a measured run in which the JIT was busy is run again. */
  private static final int JIT_RETRIES = 2;

  /** The length of a run that resumes a target after the others had the core. */
  private static final int RESUME_SECONDS = 2;

  /** The longest resumption of one target before a measurement. */
  private static final int RESUME_LIMIT = 30;

  /** The longest warm-up of one target in a full run (C2 still compiled 3 minutes in). */
  static final int WARM_LIMIT = 240;

  private final HttpLoad loads;
  private final ArrayNode runs;
  private final int seconds;
  private final boolean quick;

  VerifyRuns(HttpLoad loads, ArrayNode runs, int seconds, boolean quick) {
    this.loads = loads;
    this.runs = runs;
    this.seconds = seconds;
    this.quick = quick;
  }

  /**
   * The verify comparison alone ({@code HttpBench --verify-only}): nginx, the non-blocking Jetty
   * floor, the server on H2 and on PostgreSQL, {@code reps} repetitions of {@link #verify} each
   * (the floor at 32 connections), the two servers in turn first, so that drift falls on both
   * alike. About five minutes at three repetitions.
   */
  void alone(BenchProcesses procs, Path work, Path jar, int reps) throws Exception {
    HttpTargets.Nginx nginx =
        BenchProcesses.onPath("nginx") ? new HttpTargets.Nginx(procs, work) : null;
    try (HttpTargets.Floor floor = new HttpTargets.Floor(procs, work, jar, "nonblocking");
        HttpTargets.Server h2 = new HttpTargets.Server(procs, work, jar, "h2", "argon2id", null);
        HttpTargets.Server pg =
            new HttpTargets.Server(procs, work, jar, "postgres", "argon2id", null)) {
      List<Process> targets = new ArrayList<>(List.of(floor.process, h2.process, pg.process));
      if (nginx != null) {
        targets.add(nginx.process);
      }
      targets.forEach(procs::freezeWhileOthersRun);
      if (nginx != null) {
        loads.load("nginx", "warm-up", nginx.ready, "verify", 2, 32, nginx.process, null);
      }
      warmUp(floor.name, floor.ready, floor.process, WARM_LIMIT);
      warmUp(h2, WARM_LIMIT);
      warmUp(pg, WARM_LIMIT);
      for (int rep = 1; rep <= reps; rep++) {
        if (nginx != null) {
          verify(rep, "nginx static 204", "-", "-", nginx.ready, nginx.process);
        }
        resume(floor.name, floor.ready, floor.process);
        measure(rep, floor.name, "-", "-", 32, floor.ready, floor.process);
        List<HttpTargets.Server> order = (rep % 2 == 1) ? List.of(h2, pg) : List.of(pg, h2);
        for (HttpTargets.Server server : order) {
          String store = (server == h2) ? "h2" : "postgres";
          verify(rep, "sessionlimits " + store, store, "argon2id", server.ready, server.process);
        }
      }
    } finally {
      procs.forgetFrozen();
      if (nginx != null) {
        procs.stop(nginx.process);
      }
    }
  }

  /**
   * Warms a JVM target with verify runs of {@link #WARM_SECONDS} s at 32 connections until two in a
   * row agree within 10% in rate and its JIT used less than {@link #QUIET_JIT} of each one's time
   * (a p99 measured while it compiles is the JIT's, {@link JitThreads}), for at most {@code limit}
   * seconds; the measured runs then report what their JIT still used.
   */
  void warmUp(String target, Path ready, Process p, int limit) throws Exception {
    Settling.Streak streak = new Settling.Streak(0.1);
    for (int spent = 0; spent < limit; spent += WARM_SECONDS) {
      ObjectNode run = loads.load(target, "warm-up", ready, "verify", WARM_SECONDS, 32, p, null);
      if (streak.settledAfter(run.get("rps").asDouble(), quiet(run, WARM_SECONDS))) {
        return;
      }
    }
    System.out.printf(
        "  %s: neither the rate nor the JIT had settled after %d s; measured as it is%n",
        target, limit);
  }

  void warmUp(HttpTargets.Server server, int limit) throws Exception {
    warmUp(server.name, server.ready, server.process, limit);
  }

  /**
   * Short runs, not recorded, after the other targets had the core: a server frozen meanwhile
   * confirms its cluster listener again (its node cache is not trusted until then), every target
   * finds its caches as they were, and a JVM whose JIT woke up on resuming (one compiled for 800 ms
   * of a 2 s run after minutes frozen) compiles before it is measured. Runs of {@link
   * #RESUME_SECONDS} s until one leaves the JIT under {@link #QUIET_JIT} of its time, for at most
   * {@link #RESUME_LIMIT} s.
   */
  void resume(String target, Path ready, Process p) throws Exception {
    for (int spent = 0; spent < RESUME_LIMIT; spent += RESUME_SECONDS) {
      ObjectNode run = loads.load(target, "resume", ready, "verify", RESUME_SECONDS, 32, p, null);
      if (quiet(run, RESUME_SECONDS)) {
        return;
      }
    }
  }

  /** Verify throughput at 32 connections (saturation), then latency at 4 (light load). */
  void verify(int rep, String target, String store, String hashing, Path ready, Process p)
      throws Exception {
    resume(target, ready, p);
    measure(rep, target, store, hashing, 32, ready, p);
    measure(rep, target, store, hashing, 4, ready, p);
  }

  /**
   * One recorded verify run at {@code connections} connections ({@code verify c32}: 10 s, {@code
   * verify c4}: 4 s). A JVM target whose JIT used {@link #QUIET_JIT} of the run's time or more is
   * measured again, at most {@link #JIT_RETRIES} times: a p99 taken while C2 compiles on the
   * target's one core is the JIT's (C2 still woke up for 500 to 800 ms now and then, minutes into
   * the load). The busy runs stay in the results as {@code verify c32, JIT busy}, shown in the
   * tables and left out of the targets; the last try counts whatever its JIT did.
   */
  void measure(
      int rep, String target, String store, String hashing, int connections, Path ready, Process p)
      throws Exception {
    String workload = "verify c" + connections;
    int runSeconds = (connections == 32) ? seconds : (quick ? 3 : 4);
    for (int attempt = 0; ; attempt++) {
      ObjectNode result =
          loads.load(target, workload, ready, "verify", runSeconds, connections, p, null);
      if (Settling.counts(quiet(result, runSeconds), attempt, JIT_RETRIES)) {
        record(rep, target, store, hashing, workload, result);
        return;
      }
      record(rep, target, store, hashing, workload + ", JIT busy", result);
    }
  }

  /** Whether the target's JIT used less than {@link #QUIET_JIT} of a run of {@code seconds}. */
  private static boolean quiet(ObjectNode run, int seconds) {
    return Settling.jitQuiet(run.path("jit_ms").asDouble(Double.NaN), seconds * 1000.0, QUIET_JIT);
  }

  void record(
      int rep, String target, String store, String hashing, String workload, ObjectNode result) {
    ObjectNode run = runs.addObject();
    run.put("rep", rep);
    run.put("target", target);
    run.put("store", store);
    run.put("hashing", hashing);
    run.put("workload", workload);
    run.setAll(result);
  }
}
