package dev.sessionlimits.bench;

import dev.sessionlimits.core.QuotaPolicy;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 19's target, paired: evicting opens through the store ({@link Opener}, limit 1, every login
 * ends its user's previous session) against pgbench running the same statements in the same round
 * trips ({@link PgBenchRuns}' {@code evict}, and {@code evict-no-notify} without {@code end_xid}
 * and {@code end_node}), on one scratch database, in alternating runs of a few seconds.
 *
 * <p>Design note: why paired. On 2 cores shared with PostgreSQL and everything else on the host,
 * the machine's speed drifts by more than the gap measured (pgbench alone: 2,591 to 4,181/s on 8
 * clients within one 8-minute run). Measured a minute apart, as a JMH run followed by pgbench runs
 * did, each repetition's ratio took whatever the host did in between (62% to 112%). Here one JVM is
 * warmed up once (C2 keeps compiling the login path for about a minute of load on this host), then
 * each round runs the store and both pgbench workloads back to back for {@code seconds} each, in an
 * order that reverses every round (store first, then pgbench first), and a ratio is taken within
 * each round only. Both clients run against the same table, with the store's own cluster listener
 * polling it throughout, so neither sees a fresher table or a quieter database than the other.
 *
 * <p>Usage: {@code OpenCeiling <out.json> [rounds, 5] [seconds a round, 5] [warm-up seconds, 60]
 * [virtual]}; {@code virtual} runs the store's openers on virtual threads (Java 21+). pgbench
 * connects to 127.0.0.1 as postgres, on {@code PGPORT} if set; the store follows {@code
 * -Dsessionlimits.bench.pg}, so give both for another PostgreSQL than the machine's.
 */
public final class OpenCeiling {

  private static final int[] THREADS = {1, 8};
  private static final String STORE = "store";
  private static final List<String> CEILINGS = List.of("evict", "evict-no-notify");

  private OpenCeiling() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "usage: OpenCeiling <out.json> [rounds] [seconds a round] [warm-up seconds] [virtual]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    int rounds = positive(args, 1, "rounds", 5);
    int seconds = positive(args, 2, "seconds a round", 5);
    int warmUp = positive(args, 3, "warm-up seconds", 60);
    boolean virtual = args.length > 4 && args[4].equals("virtual");
    if (args.length > 4 && !virtual) {
      throw new IllegalArgumentException("the fifth argument is virtual or absent, got " + args[4]);
    }
    if (virtual && Runtime.version().feature() < 21) {
      throw new IllegalArgumentException(
          "virtual threads need Java 21 or later; this is Java " + Runtime.version());
    }
    if (!PgBenchRuns.available()) {
      throw new IllegalStateException("pgbench (" + PgBenchRuns.PGBENCH + ") cannot be run");
    }
    // rates[t][round][0]: the store; [1], [2]: the ceilings in CEILINGS' order.
    double[][][] rates = new double[THREADS.length][rounds][1 + CEILINGS.size()];
    try (BenchStores stores = BenchStores.open("postgres")) {
      stores.fill(10_000, 2, 100);
      try (PgBenchRuns pgbench = PgBenchRuns.on(stores)) {
        QuotaPolicy policy = BenchStores.policy(1, "DESTROY_NEXT_EXPIRING", Opener.LIMITED_IDLE);
        List<Opener> openers = new ArrayList<>();
        for (int i = 0; i < THREADS[THREADS.length - 1]; i++) {
          openers.add(new Opener(stores, policy, "user" + i));
        }
        log("warm-up: %d s on %d threads, %d s on 1", warmUp, openers.size(), warmUp / 4);
        drive(openers, warmUp, virtual);
        drive(openers.subList(0, 1), warmUp / 4, virtual);
        for (int round = 0; round < rounds; round++) {
          for (int t = 0; t < THREADS.length; t++) {
            List<String> order = new ArrayList<>();
            order.add(STORE);
            order.addAll(CEILINGS);
            if (round % 2 == 1) {
              Collections.reverse(order);
            }
            for (String what : order) {
              int threads = THREADS[t];
              double rate =
                  what.equals(STORE)
                      ? drive(openers.subList(0, threads), seconds, virtual)
                      : pgbench.run(what, threads, seconds, 0);
              if (Double.isNaN(rate)) {
                // A round without its ceiling has no ratio; the output above says why.
                throw new IllegalStateException(
                    "pgbench " + what + " failed on " + threads + " clients (its output is above)");
              }
              rates[t][round][column(what)] = rate;
              log("round %d, %d thread(s), %s: %,.0f/s", round + 1, threads, what, rate);
            }
          }
        }
      }
    }
    Files.writeString(out, json(rates, seconds, warmUp, virtual), StandardCharsets.UTF_8);
    System.out.print(table(rates));
  }

  /** Argument {@code index}, a whole number of at least 1, or {@code otherwise} if absent. */
  private static int positive(String[] args, int index, String name, int otherwise) {
    if (args.length <= index) {
      return otherwise;
    }
    try {
      int value = Integer.parseInt(args[index]);
      if (value >= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "the "
            + name
            + " (argument "
            + (index + 1)
            + ") is a whole number of at least 1, got "
            + args[index]);
  }

  private static int column(String what) {
    return what.equals(STORE) ? 0 : 1 + CEILINGS.indexOf(what);
  }

  /** Opens on {@code openers}, one thread each, for {@code seconds}: the rate a second. */
  private static double drive(List<Opener> openers, double seconds, boolean virtual)
      throws Exception {
    AtomicLong opens = new AtomicLong();
    TimedThreads timed = new TimedThreads();
    for (Opener opener : openers) {
      Runnable work =
          timed.released(
              () -> {
                long n = 0;
                while (!timed.stopped()) {
                  opener.open();
                  n++;
                }
                opens.addAndGet(n);
              });
      timed.add(virtual ? startVirtual(work) : startPlatform(work));
    }
    long wall = timed.run(seconds);
    return opens.get() * 1e9 / wall;
  }

  private static Thread startPlatform(Runnable work) {
    Thread thread = new Thread(work);
    thread.start();
    return thread;
  }

  /** {@code Thread.ofVirtual().start(work)}, called reflectively: the module targets Java 17. */
  private static Thread startVirtual(Runnable work) throws ReflectiveOperationException {
    Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
    Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
    return (Thread) start.invoke(builder, work);
  }

  private static String table(double[][][] rates) {
    StringBuilder s = new StringBuilder();
    s.append("| threads | store | pgbench evict | pgbench evict-no-notify")
        .append(" | store / evict | store / evict-no-notify |\n")
        .append("|---:|---:|---:|---:|---:|---:|\n");
    for (int t = 0; t < THREADS.length; t++) {
      s.append("| ").append(THREADS[t]);
      for (int c = 0; c <= CEILINGS.size(); c++) {
        s.append(" | ").append(spread(column(rates[t], c), "%,.0f"));
      }
      for (int c = 1; c <= CEILINGS.size(); c++) {
        s.append(" | ").append(spread(ratios(rates[t], c), "%.0f%%"));
      }
      s.append(" |\n");
    }
    return s.toString();
  }

  private static double[] column(double[][] rounds, int c) {
    return Arrays.stream(rounds).mapToDouble(r -> r[c]).toArray();
  }

  /** The store's rate over ceiling {@code c}'s, in percent, within each round. */
  static double[] ratios(double[][] rounds, int c) {
    return Arrays.stream(rounds).mapToDouble(r -> 100 * r[0] / r[c]).toArray();
  }

  /** The median and the range of {@code values}: {@code "median (min-max)"}. */
  static String spread(double[] values, String format) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return String.format(
        Locale.ROOT, format + " (" + format + "-" + format + ")", median, sorted[0], sorted[n - 1]);
  }

  private static String json(double[][][] rates, int seconds, int warmUp, boolean virtual) {
    StringBuilder s = new StringBuilder();
    s.append("{\n  \"java\": \"")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.version"))
        .append(virtual ? ", virtual threads" : "")
        .append("\",\n  \"seconds_per_run\": ")
        .append(seconds)
        .append(",\n  \"warm_up_seconds\": ")
        .append(warmUp)
        .append(",\n  \"runs\": [");
    String comma = "";
    for (int t = 0; t < THREADS.length; t++) {
      for (int round = 0; round < rates[t].length; round++) {
        s.append(comma)
            .append(
                String.format(
                    Locale.ROOT,
                    "\n    {\"threads\": %d, \"round\": %d, \"store\": %.1f, \"evict\": %.1f,"
                        + " \"evict_no_notify\": %.1f}",
                    THREADS[t],
                    round + 1,
                    rates[t][round][0],
                    rates[t][round][1],
                    rates[t][round][2]));
        comma = ",";
      }
    }
    return s.append("\n  ]\n}\n").toString();
  }

  private static void log(String format, Object... args) {
    System.err.println(String.format(Locale.ROOT, format, args));
  }
}
