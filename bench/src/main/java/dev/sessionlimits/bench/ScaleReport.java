package dev.sessionlimits.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The markdown {@link BigTableBench} writes: per table size, how the fill went, the bytes per
 * session of the table and of each index, every figure's median and spread (min to max of its
 * repetitions), its ratio to pgbench measured in the same run, and the largest size against the
 * smallest (the target: within 1.5x); then purge against the churn it must keep up with.
 */
final class ScaleReport {

  /** The most the largest table may slow an open or a find down, against the smallest. */
  static final double TARGET = 1.5;

  private final int seconds;
  private final int reps;
  private final String loadBefore = loadAverage();
  private final List<Size> sizes = new ArrayList<>();

  ScaleReport(int seconds, int reps) {
    this.seconds = seconds;
    this.reps = reps;
  }

  Size size(long rows) {
    Size size = new Size(rows);
    sizes.add(size);
    return size;
  }

  /** What was measured at one table size. */
  static final class Size {
    final long rows;
    final Map<String, Duration> took = new LinkedHashMap<>();
    final Map<String, Long> bytes = new LinkedHashMap<>();
    final Map<String, double[]> figures = new LinkedHashMap<>();
    final Map<String, double[]> ceilings = new LinkedHashMap<>();
    int backlog;
    double[] expire;
    double[] forget;
    double[] idle;

    Size(long rows) {
      this.rows = rows;
    }

    void took(String step, Duration time) {
      took.put(step, time);
    }

    void sizes(Map<String, Long> measured) {
      bytes.putAll(measured);
    }

    void figure(String what, int threads, double[] rates) {
      figures.put(key(what, threads), rates);
    }

    /** pgbench's rates for {@code what}; left out if any run failed (NaN). */
    void ceiling(String what, int clients, double[] rates) {
      if (Arrays.stream(rates).noneMatch(Double::isNaN)) {
        ceilings.put(key(what, clients), rates);
      }
    }

    void purge(int backlog, double[] expire, double[] forget, double[] idle) {
      this.backlog = backlog;
      this.expire = expire;
      this.forget = forget;
      this.idle = idle;
    }
  }

  private static String key(String what, int threads) {
    return what + " | " + threads;
  }

  String markdown(String arguments) {
    StringBuilder md = new StringBuilder();
    md.append("# sl_sessions at scale: ")
        .append(Instant.now().toString(), 0, 16)
        .append(" UTC\n\n");
    md.append("Made by `bench/scale.sh` (`BigTableBench ").append(arguments).append("`), on a");
    md.append(" commit of ").append(System.getProperty("sessionlimits.bench.commit", "?"));
    md.append(". Each figure: ").append(reps);
    md.append(" runs of ").append(seconds).append(" s after a 1 s warm-up, median (min to max).");
    md.append(" Load average before: ").append(loadBefore).append(", after: ");
    md.append(loadAverage()).append(". Operations that failed as unavailable (a read over the");
    md.append(" store's 500 ms bound), not counted in any rate: ");
    md.append(BigTableBench.UNAVAILABLE.get()).append(".\n\n");
    md.append("Opens through `JdbcStore.postgres` (the cluster store); finds through");
    md.append(" `JdbcStore.using` (no node cache: every find reads the table). pgbench runs the");
    md.append(" same statements (`-M prepared`) on the same database in the same run.\n\n");
    for (Size size : sizes) {
      md.append("## ").append(fmt(size.rows)).append(" sessions\n\n");
      md.append("Fill: ");
      List<String> steps = new ArrayList<>();
      size.took.forEach((step, time) -> steps.add(step + " " + secs(time.toMillis() / 1e3)));
      md.append(String.join(", ", steps)).append(".\n\n");
      md.append("| relation | bytes per session | total MB |\n|---|---:|---:|\n");
      size.bytes.forEach(
          (name, bytes) ->
              md.append("| ")
                  .append(name)
                  .append(" | ")
                  .append(Math.round((double) bytes / size.rows))
                  .append(" | ")
                  .append(Math.round(bytes / 1048576.0))
                  .append(" |\n"));
      md.append("\n| operation | threads | per second | pgbench | store / pgbench |\n");
      md.append("|---|---:|---:|---:|---:|\n");
      size.figures.forEach(
          (key, rates) -> {
            double[] ceiling = size.ceilings.get(key);
            md.append("| ").append(key).append(" | ").append(spread(rates)).append(" | ");
            md.append(ceiling == null ? "" : spread(ceiling)).append(" | ");
            md.append(ceiling == null ? "" : pct(median(rates) / median(ceiling)));
            md.append(" |\n");
          });
      md.append('\n');
      if (size.expire != null) {
        purge(md, size);
      }
    }
    if (sizes.size() > 1) {
      Size small = sizes.get(0);
      Size big = sizes.get(sizes.size() - 1);
      md.append("## ").append(fmt(big.rows)).append(" against ").append(fmt(small.rows));
      md.append("\n\nTarget: each rate at least 1/").append(TARGET).append(" of the small");
      md.append(" table's.\n\n| operation | threads | small / big | within ").append(TARGET);
      md.append("x |\n|---|---:|---:|---|\n");
      big.figures.forEach(
          (key, rates) -> {
            double[] before = small.figures.get(key);
            if (before != null) {
              double slowdown = median(before) / median(rates);
              md.append("| ").append(key).append(" | ").append(num(slowdown)).append("x | ");
              md.append(slowdown <= TARGET ? "yes" : "**no**").append(" |\n");
            }
          });
      md.append('\n');
    }
    return md.toString();
  }

  /**
   * Purge against {@link BigTableBench#CHURN}: each interval must record as many expiries and
   * forget as many tombstones as sessions ended in it (the worst case: every session ends by
   * expiry), plus its fixed cost, the walk of the lock rows.
   */
  private static void purge(StringBuilder md, Size size) {
    double idle = median(size.idle);
    double expirePerSecond = size.backlog / Math.max(median(size.expire) - idle, 1e-3);
    double forgetPerSecond = size.backlog / Math.max(median(size.forget) - idle, 1e-3);
    double interval = BigTableBench.PURGE_INTERVAL.toSeconds();
    double ends = BigTableBench.CHURN * interval;
    double needed = ends / expirePerSecond + ends / forgetPerSecond + idle;
    md.append("Purge (the cluster store's, batches of 500), backlog of ").append(fmt(size.backlog));
    md.append(" each, seconds per purge:\n\n| purge | seconds | rows per second (net of the");
    md.append(" idle walk) |\n|---|---:|---:|\n");
    md.append("| records ").append(fmt(size.backlog)).append(" expiries | ");
    md.append(spread(size.expire)).append(" | ").append(fmt(expirePerSecond)).append(" |\n");
    md.append("| forgets ").append(fmt(size.backlog)).append(" tombstones | ");
    md.append(spread(size.forget)).append(" | ").append(fmt(forgetPerSecond)).append(" |\n");
    md.append("| nothing due (walks the lock rows) | ").append(spread(size.idle));
    md.append(" | |\n\n");
    md.append("At ").append(fmt(BigTableBench.CHURN)).append(" ends per second and a purge every ");
    md.append((long) interval).append(" s, one purge records and forgets ").append(fmt(ends));
    md.append(" sessions each: about ").append(secs(needed)).append(" of work per ");
    md.append((long) interval).append(" s, so purge ");
    md.append(needed <= interval ? "keeps up" : "**falls behind**").append(" (");
    md.append(pct(needed / interval)).append(" of the interval).\n\n");
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String spread(double[] values) {
    double min = Arrays.stream(values).min().orElse(0);
    double max = Arrays.stream(values).max().orElse(0);
    return num(median(values)) + " (" + num(min) + " to " + num(max) + ")";
  }

  private static String num(double v) {
    return v >= 100 ? fmt(Math.round(v)) : String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%,d", Math.round(v));
  }

  private static String secs(double s) {
    return String.format(Locale.ROOT, "%.1f s", s);
  }

  private static String pct(double ratio) {
    return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "unknown";
    }
  }
}
