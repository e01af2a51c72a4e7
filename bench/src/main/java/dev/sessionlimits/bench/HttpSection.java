package dev.sessionlimits.bench;

import static dev.sessionlimits.bench.ReportPage.list;
import static dev.sessionlimits.bench.ReportPage.num;
import static dev.sessionlimits.bench.ReportPage.overheadList;
import static dev.sessionlimits.bench.ReportPage.overheadText;
import static dev.sessionlimits.bench.ReportPage.pct;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's HTTP section: every load run, the ratios within the run (verify against nginx and
 * the Jetty floor, limit 1 against unlimited) and the HTTP targets (verify rate, p99, enforcement's
 * cost per login).
 */
final class HttpSection {

  private final ReportPage page;
  private final JsonNode http;
  private final Map<String, Double> derived;

  HttpSection(ReportPage page, JsonNode http, Map<String, Double> derived) {
    this.page = page;
    this.http = http;
    this.derived = derived;
  }

  void httpTables() {
    JsonNode runs = http.path("runs");
    if (!runs.isArray() || runs.size() == 0) {
      return;
    }
    line("## Over HTTP");
    line("");
    line(
        "| rep | target | hashing | workload | conns | req/s | p50 ms | p99 ms | errors | target"
            + " CPU | JIT ms | verifies that waited |");
    line("|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (JsonNode r : runs) {
      line(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %s | %d | %s | %.2f | %.2f | %d | %d%% | %s | %s |",
              r.path("rep").asInt(),
              r.path("target").asText(),
              r.path("hashing").asText(),
              r.path("workload").asText(),
              r.path("connections").asInt(),
              num(r.path("rps").asDouble()),
              r.path("p50_us").asDouble() / 1000,
              r.path("p99_us").asDouble() / 1000,
              HttpLoad.errors(r),
              r.path("target_cpu_percent").asInt(),
              r.has("jit_ms") ? r.path("jit_ms").asText() : "–",
              r.has("verify_waited") ? r.path("verify_waited").asText() : "–"));
    }
    line("");
    line(
        "`verifies that waited` counts the verifies the server's caches (sessions, users,"
            + " settings) could not answer at once, handed to a thread that waits for the store"
            + " (`sessionlimits_verify_waited_total` before and after the run).");
    line("");
    line(
        "`JIT ms` is the CPU the target JVM's JIT compiler threads used during the run, on the"
            + " target's one core: while it compiles, requests wait behind it. Each JVM target is"
            + " warmed until its JIT is nearly quiet (for at most a few minutes); a measured run in"
            + " which it used 1% of the time or more is shown as `JIT busy`, left out of the"
            + " targets and run again (at most twice; the last try counts).");
    line("");
    line(
        "`target CPU` is the CPU time the server (or nginx) used over the run's wall time; 100% is"
            + " its whole core. nginx well under 100% means the load generator, not nginx, was the"
            + " limit, so the ratios below flatter the server.");
    line("");
    line("### Ratios within the run");
    line("");
    line(
        "| rep | H2 verify / nginx | PostgreSQL verify / nginx | Jetty floor (blocking) / nginx |"
            + " Jetty floor (non-blocking) / nginx | H2 verify / Jetty floor (non-blocking) |"
            + " Argon2id logins/s: limit 1 vs unlimited (H2) | cheap hash: limit 1 vs unlimited"
            + " (H2) | cheap hash: limit 1 vs unlimited (PostgreSQL) |");
    line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    int reps = http.path("repetitions").asInt(1);
    List<Double> h2Ratios = new ArrayList<>();
    List<Double> pgRatios = new ArrayList<>();
    List<Double> argonOverheads = new ArrayList<>();
    List<Double> pgVsH2 = new ArrayList<>();
    List<Double> p99H2 = new ArrayList<>();
    List<Double> p99Pg = new ArrayList<>();
    List<Double> p99Floor = new ArrayList<>();
    double worstP99 = 0;
    double worstP99Light = 0;
    for (int rep = 1; rep <= reps; rep++) {
      double nginx = rps(rep, "nginx static 204", "-", "verify c32");
      double h2 = rps(rep, "sessionlimits h2", "argon2id", "verify c32");
      double pg = rps(rep, "sessionlimits postgres", "argon2id", "verify c32");
      worstP99 =
          Math.max(
              worstP99,
              Math.max(
                  p99(rep, "sessionlimits h2", "argon2id", "verify c32"),
                  p99(rep, "sessionlimits postgres", "argon2id", "verify c32")));
      worstP99Light =
          Math.max(
              worstP99Light,
              Math.max(
                  p99(rep, "sessionlimits h2", "argon2id", "verify c4"),
                  p99(rep, "sessionlimits postgres", "argon2id", "verify c4")));
      double argon = overhead(rep, "sessionlimits h2", "argon2id");
      h2Ratios.add(h2 / nginx);
      pgRatios.add(pg / nginx);
      pgVsH2.add(pg / h2);
      p99H2.add(p99(rep, "sessionlimits h2", "argon2id", "verify c32") / 1000);
      p99Pg.add(p99(rep, "sessionlimits postgres", "argon2id", "verify c32") / 1000);
      p99Floor.add(p99(rep, "jetty floor nonblocking", "-", "verify c32") / 1000);
      argonOverheads.add(argon);
      double floorBlocking = rps(rep, "jetty floor blocking", "-", "verify c32");
      double floorNonBlocking = rps(rep, "jetty floor nonblocking", "-", "verify c32");
      line(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %s | %s | %s | %s | %s | %s |",
              rep,
              pct(h2 / nginx),
              pct(pg / nginx),
              pct(floorBlocking / nginx),
              pct(floorNonBlocking / nginx),
              pct(h2 / floorNonBlocking),
              overheadText(argon),
              overheadText(overhead(rep, "sessionlimits h2", "cheap")),
              overheadText(overhead(rep, "sessionlimits postgres", "cheap"))));
    }
    line("");
    line(
        "The Jetty floor is the server's HTTP stack (Jetty 12, one core) answering a fixed 200 with"
            + " a verify's headers and doing nothing else (`JettyFloor`): blocking, handed to a"
            + " pool thread as the server hands a request that may wait for the database;"
            + " non-blocking, answered on the selector thread, as the server answers a verify its"
            + " node caches can answer. What separates the floor from nginx is the HTTP stack; what"
            + " separates the server from the non-blocking floor is the check itself.");
    line("");
    line(
        "A login overhead is how much lower the rate is at limit 1 (every login locks the user,"
            + " reads its live sessions and evicts one) than unlimited (no lock, no read), from the"
            + " runs in the order A B B A.");
    line("");
    double h2Min = h2Ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double pgMin = pgRatios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    target(
        "`/auth/verify` on one node >= 50% of nginx's static-204 rate (same run), embedded store",
        "H2: " + list(h2Ratios) + " of nginx", Double.isNaN(h2Min) ? null : h2Min >= 0.5);
    target(
        "`/auth/verify` on one node >= 50% of nginx's static-204 rate (same run), PostgreSQL",
        "PostgreSQL: " + list(pgRatios) + " of nginx", Double.isNaN(pgMin) ? null : pgMin >= 0.5);
    double pgVsH2Mean = mean(pgVsH2);
    target(
        "`/auth/verify` on PostgreSQL >= 90% of its rate on H2 (same run, mean of the"
            + " repetitions)",
        "PostgreSQL / H2 per repetition: "
            + list(pgVsH2)
            + "; mean "
            + pct(pgVsH2Mean)
            + ", spread "
            + spread(pgVsH2, 100, "%"),
        Double.isNaN(pgVsH2Mean) ? null : pgVsH2Mean >= 0.9);
    target(
        "`/auth/verify` p99 < 5 ms at 32 connections, on H2 and on PostgreSQL (every repetition)",
        "p99 at 32 connections per repetition: H2 "
            + millis(p99H2)
            + ", PostgreSQL "
            + millis(p99Pg)
            + "; the Jetty floor (non-blocking) "
            + millis(p99Floor)
            + String.format(
                Locale.ROOT, "; worst p99 at 4 connections %.1f ms", worstP99Light / 1000),
        worstP99 == 0 ? null : worstP99 < 5000);
    double meanOverhead =
        argonOverheads.stream()
            .filter(d -> !Double.isNaN(d))
            .mapToDouble(Double::doubleValue)
            .average()
            .orElse(Double.NaN);
    // Over HTTP the Argon2id login rate's noise is several percent, more than the 1% to be judged.
    // The server's CPU time per login (its process's user + system time over the run, divided by
    // the logins): the difference between limit 1 and unlimited with the cheap hash is what
    // enforcement costs the server per login (store work, eviction audit, end notices), weighed
    // against the CPU time of an Argon2id login from this run.
    Map<String, Double> serverDerived = new LinkedHashMap<>();
    Map<String, List<Double>> serverPerRep = new LinkedHashMap<>();
    for (String store : new String[] {"h2", "postgres"}) {
      String target = "sessionlimits " + store;
      double limited = meanCpuMs(0, target, "cheap", "login limit1");
      double unlimited = meanCpuMs(0, target, "cheap", "login unlimited");
      double argon = meanCpuMs(0, "sessionlimits h2", "argon2id", "login unlimited");
      if (!Double.isNaN(limited) && !Double.isNaN(unlimited) && !Double.isNaN(argon)) {
        double extraMs = limited - unlimited;
        serverDerived.put(store, extraMs / argon);
        List<Double> perRep = new ArrayList<>();
        for (int rep = 1; rep <= reps; rep++) {
          double repExtra =
              meanCpuMs(rep, target, "cheap", "login limit1")
                  - meanCpuMs(rep, target, "cheap", "login unlimited");
          if (!Double.isNaN(repExtra)) {
            perRep.add(repExtra / argon);
          }
        }
        serverPerRep.put(store, perRep);
        line(
            String.format(
                Locale.ROOT,
                "Derived over HTTP on %s: with the cheap hash a login takes %.2f ms of the server's"
                    + " CPU at limit 1 and %.2f ms unlimited, so enforcement costs %.2f ms per"
                    + " login; an Argon2id login takes %.0f ms of CPU here: %+.1f%%.",
                store.equals("h2") ? "H2" : "PostgreSQL",
                limited,
                unlimited,
                extraMs,
                argon,
                100 * extraMs / argon));
        line("");
      }
    }
    double judged = serverDerived.getOrDefault("h2", meanOverhead);
    target(
        "enforcement adds <= 1% to a login with production hashing (Argon2id, limit 1 vs"
            + " unlimited)",
        (serverDerived.isEmpty()
                ? ""
                : "server, from the CPU cost of a login"
                    + " (cheap-hash runs) against an Argon2id login: H2 "
                    + overheadText(serverDerived.getOrDefault("h2", Double.NaN))
                    + perRepetition(serverPerRep.get("h2"))
                    + ", PostgreSQL "
                    + overheadText(serverDerived.getOrDefault("postgres", Double.NaN))
                    + perRepetition(serverPerRep.get("postgres"))
                    + "; ")
            + (derived.isEmpty()
                ? ""
                : "store alone (JMH): H2 "
                    + overheadText(derived.getOrDefault("h2", Double.NaN))
                    + ", PostgreSQL "
                    + overheadText(derived.getOrDefault("postgres", Double.NaN))
                    + "; ")
            + "Argon2id logins/s over HTTP (H2), per repetition "
            + overheadList(argonOverheads)
            + ", within their noise",
        Double.isNaN(judged) ? null : judged <= 0.01);
  }

  /** " (per repetition a, b, c; spread s)" when there is more than one repetition. */
  private static String perRepetition(List<Double> values) {
    if (values == null || values.size() < 2) {
      return "";
    }
    return " (per repetition "
        + overheadList(values)
        + "; spread "
        + spread(values, 100, " points")
        + ")";
  }

  private static double mean(List<Double> values) {
    return values.stream()
        .filter(d -> !Double.isNaN(d))
        .mapToDouble(Double::doubleValue)
        .average()
        .orElse(Double.NaN);
  }

  /** Highest minus lowest, times {@code scale}, with {@code unit}. */
  private static String spread(List<Double> values, double scale, String unit) {
    double min =
        values.stream()
            .filter(d -> !Double.isNaN(d))
            .mapToDouble(Double::doubleValue)
            .min()
            .orElse(Double.NaN);
    double max =
        values.stream()
            .filter(d -> !Double.isNaN(d))
            .mapToDouble(Double::doubleValue)
            .max()
            .orElse(Double.NaN);
    return Double.isNaN(min)
        ? "–"
        : String.format(Locale.ROOT, "%.1f%s", scale * (max - min), unit);
  }

  private static String millis(List<Double> values) {
    List<String> parts = new ArrayList<>();
    for (double v : values) {
      parts.add(v == 0 ? "–" : String.format(Locale.ROOT, "%.1f", v));
    }
    return String.join(", ", parts) + " ms";
  }

  /**
   * The server's mean CPU time per request (ms) of the runs of {@code workload} on {@code target}
   * in repetition {@code rep} (0: all of them); from 1/rate for results recorded before it was
   * measured (CPU-bound runs).
   */
  private double meanCpuMs(int rep, String target, String hashing, String workload) {
    double sum = 0;
    int n = 0;
    for (JsonNode r : http.path("runs")) {
      if ((rep == 0 || r.path("rep").asInt() == rep)
          && r.path("target").asText().equals(target)
          && r.path("hashing").asText().equals(hashing)
          && r.path("workload").asText().equals(workload)) {
        JsonNode cpu = r.path("target_cpu_ms_per_request");
        sum += cpu.isNumber() ? cpu.asDouble() : 1000 / r.path("rps").asDouble();
        n++;
      }
    }
    return (n == 0) ? Double.NaN : sum / n;
  }

  private JsonNode run(int rep, String target, String hashing, String workload) {
    for (JsonNode r : http.path("runs")) {
      if (r.path("rep").asInt() == rep
          && r.path("target").asText().equals(target)
          && r.path("hashing").asText().equals(hashing)
          && r.path("workload").asText().equals(workload)) {
        return r;
      }
    }
    return null;
  }

  private double rps(int rep, String target, String hashing, String workload) {
    JsonNode r = run(rep, target, hashing, workload);
    return (r == null) ? Double.NaN : r.path("rps").asDouble();
  }

  private double p99(int rep, String target, String hashing, String workload) {
    JsonNode r = run(rep, target, hashing, workload);
    return (r == null) ? 0 : r.path("p99_us").asDouble();
  }

  /** 1 - (mean limit1 rate / mean unlimited rate) over the runs of a repetition. */
  private double overhead(int rep, String target, String hashing) {
    double limited = 0;
    double unlimited = 0;
    int nl = 0;
    int nu = 0;
    for (JsonNode r : http.path("runs")) {
      if (r.path("rep").asInt() != rep
          || !r.path("target").asText().equals(target)
          || !r.path("hashing").asText().equals(hashing)) {
        continue;
      }
      if (r.path("workload").asText().equals("login limit1")) {
        limited += r.path("rps").asDouble();
        nl++;
      } else if (r.path("workload").asText().equals("login unlimited")) {
        unlimited += r.path("rps").asDouble();
        nu++;
      }
    }
    if (nl == 0 || nu == 0) {
      return Double.NaN;
    }
    return 1 - (limited / nl) / (unlimited / nu);
  }

  private void line(String s) {
    page.line(s);
  }

  private void target(String name, String measured, Boolean met) {
    page.target(name, measured, met);
  }
}
