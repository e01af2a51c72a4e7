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
      loads.load(floor.name, "warm-up", floor.ready, "verify", 5, 32, floor.process, null);
      warmUp(h2, 30);
      warmUp(pg, 30);
      for (int rep = 1; rep <= reps; rep++) {
        if (nginx != null) {
          verify(rep, "nginx static 204", "-", "-", nginx.ready, nginx.process);
        }
        resume(floor.name, floor.ready, floor.process);
        record(
            rep,
            floor.name,
            "-",
            "-",
            "verify c32",
            loads.load(
                floor.name, "verify c32", floor.ready, "verify", seconds, 32, floor.process, null));
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
   * A JVM on one (shared) core keeps compiling its hot paths for a long while: verify runs of 5 s
   * until two in a row agree within 10%, for at most {@code limit} seconds.
   */
  void warmUp(HttpTargets.Server server, int limit) throws Exception {
    double previous = 0;
    for (int spent = 0; spent < limit; spent += 5) {
      double rps =
          loads
              .load(server.name, "warm-up", server.ready, "verify", 5, 32, server.process, null)
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
  void resume(String target, Path ready, Process p) throws Exception {
    loads.load(target, "resume", ready, "verify", 2, 32, p, null);
  }

  /** Verify throughput at 32 connections (saturation), then latency at 4 (light load). */
  void verify(int rep, String target, String store, String hashing, Path ready, Process p)
      throws Exception {
    resume(target, ready, p);
    record(
        rep,
        target,
        store,
        hashing,
        "verify c32",
        loads.load(target, "verify c32", ready, "verify", seconds, 32, p, null));
    record(
        rep,
        target,
        store,
        hashing,
        "verify c4",
        loads.load(target, "verify c4", ready, "verify", quick ? 3 : 4, 4, p, null));
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
