package dev.sessionlimits.bench;

import dev.sessionlimits.core.QuotaPolicy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an evicting open's time goes on PostgreSQL, per open: the rate, the CPU of the threads that
 * open (the JDBC driver, the store and the kernel's work for their sockets), of the whole JVM (with
 * its compiler, collector and the store's own threads), of every PostgreSQL process on the machine
 * (from {@code /proc}, so run it on a machine where nothing else uses PostgreSQL), the bytes
 * allocated, and the TCP segments each way on the connections to port 5432 ({@code ss -tin}: how
 * often the client and the server wrote to each other). Each of {@code threads} threads logs its
 * own user in again and again at limit 1 ({@code DESTROY_NEXT_EXPIRING}), as in {@link
 * ConcurrentOpenBenchmark}, after a warm-up, for {@code rounds} rounds. Linux only.
 *
 * <p>Usage: {@code OpenCpu <threads> <seconds a round> <rounds> [<warm-up seconds>, 10]}, with
 * {@code -Dsessionlimits.bench.pg=JDBC_URL} for another PostgreSQL than the machine's.
 */
public final class OpenCpu {

  /** The unit of the CPU times in {@code /proc/<pid>/stat}: ticks a second, on Linux. */
  private static final int USER_HZ = 100;

  private static final Pattern SEGMENTS_OUT = Pattern.compile("data_segs_out:(\\d+)");
  private static final Pattern SEGMENTS_IN = Pattern.compile("data_segs_in:(\\d+)");

  private OpenCpu() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: OpenCpu <threads> <seconds a round> <rounds> [<warm-up seconds>]");
      System.exit(2);
    }
    int threads = Integer.parseInt(args[0]);
    double seconds = Double.parseDouble(args[1]);
    int rounds = Integer.parseInt(args[2]);
    double warmUp = (args.length > 3) ? Double.parseDouble(args[3]) : 10;
    try (BenchStores stores = BenchStores.open("postgres")) {
      stores.fill(10_000, 2, 100);
      QuotaPolicy policy = BenchStores.policy(1, "DESTROY_NEXT_EXPIRING", Opener.LIMITED_IDLE);
      List<Opener> openers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        openers.add(new Opener(stores, policy, "user" + i));
      }
      for (int round = 0; round <= rounds; round++) {
        System.out.println(
            ((round == 0) ? "warm-up " : "round   ")
                + measure(stores, openers, (round == 0) ? warmUp : seconds));
      }
    }
  }

  private static String measure(BenchStores stores, List<Opener> openers, double seconds)
      throws Exception {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var jvmThreads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    AtomicLong opens = new AtomicLong();
    AtomicLong openerCpu = new AtomicLong();
    AtomicLong allocated = new AtomicLong();
    TimedThreads timed = new TimedThreads();
    for (Opener opener : openers) {
      Thread thread =
          new Thread(
              timed.released(
                  () -> {
                    long id = Thread.currentThread().getId();
                    long cpu = jvmThreads.getCurrentThreadCpuTime();
                    long bytes = jvmThreads.getThreadAllocatedBytes(id);
                    long n = 0;
                    while (!timed.stopped()) {
                      opener.open();
                      n++;
                    }
                    openerCpu.addAndGet(jvmThreads.getCurrentThreadCpuTime() - cpu);
                    allocated.addAndGet(jvmThreads.getThreadAllocatedBytes(id) - bytes);
                    opens.addAndGet(n);
                  }));
      thread.start();
      timed.add(thread);
    }
    String sockets = sockets();
    long segmentsOut = sum(SEGMENTS_OUT, sockets);
    long segmentsIn = sum(SEGMENTS_IN, sockets);
    long processCpu = os.getProcessCpuTime();
    long postgresTicks = postgresTicks();
    long wall = timed.run(seconds);
    processCpu = os.getProcessCpuTime() - processCpu;
    postgresTicks = postgresTicks() - postgresTicks;
    sockets = sockets();
    segmentsOut = sum(SEGMENTS_OUT, sockets) - segmentsOut;
    segmentsIn = sum(SEGMENTS_IN, sockets) - segmentsIn;
    double n = opens.get();
    return String.format(
        Locale.ROOT,
        "threads=%d opens=%d rate=%.0f/s | per open: opener CPU %.0f us, JVM CPU %.0f us,"
            + " PostgreSQL CPU %.0f us, allocated %.0f B, TCP segments out %.2f, in %.2f",
        openers.size(),
        opens.get(),
        n * 1e9 / wall,
        openerCpu.get() / 1e3 / n,
        processCpu / 1e3 / n,
        postgresTicks * 1e6 / USER_HZ / n,
        allocated.get() / n,
        segmentsOut / n,
        segmentsIn / n);
  }

  /** The CPU ticks of every PostgreSQL process, with those of its children that have exited. */
  private static long postgresTicks() throws IOException {
    long ticks = 0;
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path process : processes) {
        try {
          if (!Files.readString(process.resolve("comm")).startsWith("postgres")) {
            continue;
          }
          String stat = Files.readString(process.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          for (int field = 11; field <= 14; field++) { // utime, stime, cutime, cstime
            ticks += Long.parseLong(fields[field]);
          }
        } catch (IOException | RuntimeException e) {
          // the process ended meanwhile
        }
      }
    }
    return ticks;
  }

  /** {@code ss -tin} on the connections to port 5432: their TCP counters. */
  private static String sockets() throws IOException, InterruptedException {
    Process ss =
        new ProcessBuilder("ss", "-tin", "dport = :5432").redirectErrorStream(true).start();
    String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    ss.waitFor();
    return out;
  }

  private static long sum(Pattern counter, String text) {
    long total = 0;
    for (Matcher m = counter.matcher(text); m.find(); ) {
      total += Long.parseLong(m.group(1));
    }
    return total;
  }
}
