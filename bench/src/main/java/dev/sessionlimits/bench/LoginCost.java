package dev.sessionlimits.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What enforcement adds to a login, in server CPU, and how that compares with a real login's
 * hashing (issue 20's target: at most 1% of an Argon2id login). The narrow, fast cut of {@link
 * HttpBench}'s login rows, for one command that fits in 8 to 12 minutes.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.sessionlimits.bench.LoginCost <out.json> [--reps N]
 * [--seconds S] [--stores h2,postgres] [--profile <dir>]}.
 *
 * <p>For each store, one {@link BenchServer} with the cheap hash (so the hash does not drown the
 * difference), pinned to CPU 1 with the load generator ({@link LoadGen}, 16 connections) on CPU 0:
 * a warm-up of both kinds of login until the server has settled ({@code warmUp}), then {@code N}
 * repetitions of {@code limit1 unlimited unlimited limit1} (A B B A, so a drift of the machine
 * cancels). Each run's figure is the server process's CPU time (user + system, from {@code /proc})
 * divided by the logins answered. A repetition's enforcement cost is the mean of its two {@code
 * limit1} runs minus the mean of its two {@code unlimited} runs; every {@code limit1-<i>} login
 * ends that user's previous session. A run's CPU is taken less the server's idle CPU (measured
 * once, unloaded, after the warm-up) over the run's wall time, since limit-1 logins on PostgreSQL
 * are fewer per second; the uncorrected difference is reported beside it. The ceiling it is
 * compared with, an unlimited login with Argon2id on H2 (2 connections), is measured in the same
 * run, once per repetition, after the same kind of warm-up. With {@code --profile}, each store's
 * server also records JFR during one extra run of each kind, summarised by {@link JfrTop} into the
 * directory.
 */
public final class LoginCost {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A repetition's runs: A B B A, so that a drift of the machine cancels. */
  private static final String[] ABBA = {"limit1", "unlimited", "unlimited", "limit1"};

  /** The length of one warm-up slice of one kind of login. */
  private static final int WARM_SLICE_SECONDS = 5;

  /** The fewest warm-up pairs (a slice of each kind) before the repetitions. */
  private static final int MIN_WARM_PAIRS = 3;

  /**
   * The longest warm-up of one server. Six pairs (about 75 s) were not enough on a 2-core host: the
   * JIT still used 48% of the loaded time, and the repetitions fell with it.
   */
  private static final int WARM_LIMIT_SECONDS = 240;

  /** How often a repetition in which the JIT was busy is run again. */
  private static final int JIT_RETRIES = 2;

  /**
   * The fall of CPU per login from one warm-up pair to the next that a settled server stays under.
   */
  private static final double SETTLED_FALL = 0.03;

  /**
   * The share of the loaded time that a settled server's JIT stays under, in a warm-up pair and in
   * a counted repetition: at 2% of a busy core, the compiling adds at most 2% to a CPU per login.
   */
  private static final double QUIET_JIT = 0.02;

  /** The longest pause after a warm-up pair for the JIT to catch up. */
  private static final int SETTLE_SECONDS = 10;

  private final Path jar;
  private final int seconds;
  private final boolean pin = Runtime.getRuntime().availableProcessors() >= 2;
  private final Path work;

  private LoginCost(Path jar, int seconds) throws IOException {
    this.jar = jar;
    this.seconds = seconds;
    this.work = Files.createTempDirectory("sl-login-cost-");
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "usage: LoginCost <out.json> [--reps N] [--seconds S] [--stores h2,postgres]"
              + " [--profile <dir>]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    int reps = 3;
    int seconds = 6;
    String[] stores = {"h2", "postgres"};
    Path profile = null;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--stores" -> stores = args[++i].split(",");
        case "--profile" -> profile = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path jar = Path.of(LoginCost.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    long start = System.nanoTime();
    LoginCost bench = new LoginCost(jar, seconds);
    ObjectNode result;
    try {
      result = bench.run(reps, stores, profile);
    } finally {
      // The servers' data directories and the load logs; JFR recordings live elsewhere.
      try (java.util.stream.Stream<Path> files = Files.walk(bench.work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    result.put("duration_seconds", (System.nanoTime() - start) / 1_000_000_000L);
    result.put("load_average_after", Files.readString(Path.of("/proc/loadavg")).strip());
    Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    System.out.println(
        "written to " + out + " after " + result.get("duration_seconds").asLong() + " s");
  }

  private ObjectNode run(int reps, String[] stores, Path profile) throws Exception {
    ObjectNode result = JSON.createObjectNode();
    result.put("repetitions", reps);
    result.put("seconds_per_run", seconds);
    result.put("pinned", pin ? "server on CPU 1, LoadGen on CPU 0" : "not pinned");
    double[] argon = new double[reps];
    try (LoginTarget server = new LoginTarget("h2", "argon2id", jar, work, pin, seconds)) {
      result.set("argon2id_warm_up", warmUp(server, new String[] {"unlimited"}, 2));
      result.put("argon2id_idle_cpu_ms_per_second", server.idle(5));
      ArrayNode runs = result.putArray("argon2id_runs");
      for (int rep = 0; rep < reps; rep++) {
        argon[rep] = repetition(server, rep + 1, new String[] {"unlimited"}, 2, runs)[0];
      }
    }
    result.set("argon2id_login_cpu_ms", figures(argon));
    double ceiling = mean(argon);
    ObjectNode byStore = result.putObject("stores");
    for (String store : stores) {
      ObjectNode s = byStore.putObject(store);
      ArrayNode runs = s.putArray("runs");
      double[] extra = new double[reps];
      double[] limited = new double[reps];
      double[] unlimited = new double[reps];
      double[] rawExtra = new double[reps];
      try (LoginTarget server = new LoginTarget(store, "cheap", jar, work, pin, seconds)) {
        if (profile != null) {
          server.startJfr();
        }
        s.set("warm_up", warmUp(server, new String[] {"unlimited", "limit1"}, 16));
        if (profile != null) {
          server.stopJfr();
        }
        s.put("idle_cpu_ms_per_second", server.idle(5));
        // After the 5 s unloaded, the first run was at times twice as dear as the ones after it
        // (seen on H2, cause not known); a slice of each kind keeps that out of repetition 1.
        server.warm("limit1", 3, 16);
        server.warm("unlimited", 3, 16);
        for (int rep = 0; rep < reps; rep++) {
          double[] f = repetition(server, rep + 1, ABBA, 16, runs);
          limited[rep] = f[0];
          unlimited[rep] = f[1];
          extra[rep] = f[0] - f[1];
          rawExtra[rep] = f[2] - f[3];
        }
        if (profile != null) {
          Files.createDirectories(profile);
          for (String user : new String[] {"limit1", "unlimited"}) {
            Path jfr = profile.resolve("login-" + store + "-cheap-" + user + ".jfr");
            server.profile(user, jfr);
            Files.writeString(
                profile.resolve("login-" + store + "-cheap-" + user + ".json"),
                JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(JfrTop.summarize(jfr, 30)));
          }
        }
      }
      s.set("limit1_cpu_ms", figures(limited));
      s.set("unlimited_cpu_ms", figures(unlimited));
      s.set("enforcement_cpu_ms", figures(extra));
      s.set("enforcement_cpu_ms_without_idle_correction", figures(rawExtra));
      double[] percent = new double[reps];
      for (int i = 0; i < reps; i++) {
        percent[i] = 100 * extra[i] / ceiling;
      }
      s.set("enforcement_percent_of_argon2id_login", figures(percent));
      System.out.printf(
          Locale.ROOT,
          "%-9s enforcement %.3f ms per login (reps %s), %.2f%% of an Argon2id login (%.2f ms)"
              + " [target <= 1%%]%n",
          store,
          mean(extra),
          list(extra),
          100 * mean(extra) / ceiling,
          ceiling);
    }
    return result;
  }

  /**
   * One repetition: a run as each of {@code users} in turn, at {@code connections}; the mean CPU
   * per login of each kind in order of first appearance, less idle and not ({@code {limit1,
   * unlimited, raw limit1, raw unlimited}} for {@link #ABBA}). A repetition in which the JIT used
   * {@link #QUIET_JIT} of the loaded time or more is run again, at most {@link #JIT_RETRIES} times
   * ({@link Settling#counts}): the server's CPU includes its compiler threads', so such a
   * repetition is charged the compiling. Every run is kept in {@code runs}, with whether it
   * counted.
   */
  private double[] repetition(
      LoginTarget server, int rep, String[] users, int connections, ArrayNode runs)
      throws Exception {
    List<String> kinds = Arrays.stream(users).distinct().toList();
    for (int attempt = 0; ; attempt++) {
      double[] figures = new double[2 * kinds.size()];
      double jitMs = 0;
      double wallMs = 0;
      List<ObjectNode> these = new ArrayList<>();
      for (String user : users) {
        ObjectNode run = server.load(user, seconds, connections);
        run.put("rep", rep);
        run.put("user", user);
        these.add(run);
        int kind = kinds.indexOf(user);
        double share = 1.0 / Collections.frequency(Arrays.asList(users), user);
        figures[kind] += share * run.get("net_cpu_ms_per_login").asDouble();
        figures[kind + kinds.size()] += share * run.get("cpu_ms_per_login").asDouble();
        jitMs += run.path("jit_ms").asDouble(Double.NaN);
        wallMs += run.get("wall_seconds").asDouble() * 1000;
      }
      boolean quiet = Settling.jitQuiet(jitMs, wallMs, QUIET_JIT);
      boolean counted = Settling.counts(quiet, attempt, JIT_RETRIES);
      for (ObjectNode run : these) {
        runs.add(run.put("jit_busy", !quiet).put("counted", counted));
      }
      if (counted) {
        return figures;
      }
      System.out.printf(
          Locale.ROOT,
          "  repetition %d: the JIT used %.1f%% of the loaded time; run again%n",
          rep,
          100 * jitMs / wallMs);
    }
  }

  /**
   * Warms {@code kinds} of login up at {@code connections} until the server has settled, or for
   * {@link #WARM_LIMIT_SECONDS} at most; the pairs' figures. A pair (one slice for the Argon2id
   * server's one kind) is {@link #WARM_SLICE_SECONDS} of each kind, then a pause until the JIT is
   * idle ({@link LoginTarget#settle}, at most {@link #SETTLE_SECONDS}). Design note: the JIT
   * compiles on the server's one core, which a run's 16 connections keep busy, so under load it
   * falls behind for minutes; measured before it has caught up, the logins get cheaper from run to
   * run (at the former two fixed rounds of 6 s each, an unlimited login on H2 went from 2.40 to
   * 1.51 ms over the three repetitions) and the early repetitions are charged the compiling.
   * Settled: at least {@link #MIN_WARM_PAIRS} pairs, neither kind's CPU per login fell by more than
   * {@link #SETTLED_FALL} against the previous pair, and the JIT compiled for less than {@link
   * #QUIET_JIT} of the loaded slices' wall time (if it can be read).
   */
  private static ArrayNode warmUp(LoginTarget server, String[] kinds, int connections)
      throws Exception {
    ArrayNode pairs = JSON.createArrayNode();
    double[] previous = null;
    long start = System.nanoTime();
    for (int pair = 1; System.nanoTime() - start < WARM_LIMIT_SECONDS * 1_000_000_000L; pair++) {
      double[] cpu = new double[kinds.length];
      double jitMs = 0;
      double wallMs = 0;
      for (int k = 0; k < kinds.length; k++) {
        ObjectNode run = server.warm(kinds[k], WARM_SLICE_SECONDS, connections);
        cpu[k] = run.get("cpu_ms_per_login").asDouble();
        jitMs += run.path("jit_ms").asDouble(0);
        wallMs += run.get("wall_seconds").asDouble() * 1000;
      }
      double paused = server.settle(SETTLE_SECONDS);
      boolean settled = previous != null && Settling.jitQuiet(jitMs, wallMs, QUIET_JIT);
      for (int k = 0; settled && k < kinds.length; k++) {
        settled = Settling.notFalling(previous[k], cpu[k], SETTLED_FALL);
      }
      ObjectNode figures = pairs.addObject();
      for (int k = 0; k < kinds.length; k++) {
        figures.put(kinds[k] + "_cpu_ms", cpu[k]);
      }
      figures
          .put("jit_share", round(jitMs / wallMs))
          .put("pause_seconds", paused)
          .put("settled", settled);
      System.out.printf(
          Locale.ROOT,
          "  warm-up pair %d: JIT %.0f%% of the loaded time, then %.1f s to compile%s%n",
          pair,
          100 * jitMs / wallMs,
          paused,
          settled ? ": settled" : "");
      if (settled && pair >= MIN_WARM_PAIRS) {
        break;
      }
      previous = cpu;
    }
    return pairs;
  }

  /** The repetitions' values, their mean and their spread (max - min). */
  private static ObjectNode figures(double[] values) {
    ObjectNode f = JSON.createObjectNode();
    ArrayNode each = f.putArray("values");
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (double v : values) {
      each.add(round(v));
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    f.put("mean", round(mean(values)));
    f.put("spread", round(max - min));
    return f;
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  private static String list(double[] values) {
    List<String> s = new ArrayList<>();
    for (double v : values) {
      s.add(String.format(Locale.ROOT, "%.3f", v));
    }
    return String.join(" ", s);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
