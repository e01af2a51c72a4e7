package dev.sessionlimits.bench;

import static dev.sessionlimits.bench.ReportPage.num;
import static dev.sessionlimits.bench.ReportPage.pct;
import static dev.sessionlimits.bench.ReportPage.rate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's in-process section: the JMH results per store, PostgreSQL's own ceiling for the same
 * statements (bench/pg-ceiling.sh), the store's derived share of a login and the store-open target.
 */
final class JmhSection {

  private static final String[] STORES = {"memory", "h2", "postgres"};
  private static final String EVICTING = "1:DESTROY_NEXT_EXPIRING";

  private final ReportPage page;
  private final JsonNode jmh;
  private final JsonNode ceiling;

  /**
   * The store's share of an Argon2id login per store (limit 1 minus unlimited), for the HTTP
   * section.
   */
  final Map<String, Double> derived = new LinkedHashMap<>();

  JmhSection(ReportPage page, JsonNode jmh, JsonNode ceiling) {
    this.page = page;
    this.jmh = jmh;
    this.ceiling = ceiling;
  }

  void inProcess() {
    if (jmh.size() == 0) {
      return;
    }
    line("## In-process (JMH, single-threaded unless said, ops/s; higher is better)");
    line("");
    line("### `open` with enforcement: one user logging in again and again (StoreOpenBenchmark)");
    line("");
    scenarioTable("StoreOpenBenchmark.open");
    line("");
    line(
        "At limit 1 every login but the first evicts one session; under DENY_ACCESS every login but"
            + " the first is refused (the refusal path).");
    line("");
    line(
        "### `open` from 8 threads, each its own user (ConcurrentOpenBenchmark; sum over"
            + " threads)");
    line("");
    scenarioTable("ConcurrentOpenBenchmark.open");
    line("");
    ceilingTable();
    line(
        "### Per request: `find`, `touch` (coalesced: no write) and `touchWrite` (every touch"
            + " writes), 16,384 live sessions (StoreLookupBenchmark)");
    line("");
    line("| operation | memory | H2 (embedded) | PostgreSQL |");
    line("|---|---:|---:|---:|");
    for (String op : new String[] {"find", "touch", "touchWrite"}) {
      StringBuilder row = new StringBuilder("| " + op + " |");
      for (String s : STORES) {
        row.append(' ')
            .append(score("StoreLookupBenchmark." + op, Map.of("store", s)))
            .append(" |");
      }
      line(row.toString());
    }
    line("");
    line(
        "### `open` at a limit of N with N live sessions: every login reads N, evicts 1"
            + " (UserSessionsBenchmark)");
    line("");
    line("| user's live sessions | memory | H2 (embedded) | PostgreSQL |");
    line("|---:|---:|---:|---:|");
    for (String n : distinct("UserSessionsBenchmark.open", "sessions")) {
      StringBuilder row = new StringBuilder("| " + n + " |");
      for (String s : STORES) {
        row.append(' ')
            .append(score("UserSessionsBenchmark.open", Map.of("sessions", n, "store", s)))
            .append(" |");
      }
      line(row.toString());
    }
    line("");
    line(
        "### PostgreSQL with a large table: other users' live sessions in `sl_sessions`"
            + " (TableSizeBenchmark)");
    line("");
    line("| rows | open (limit 1) | find |");
    line("|---:|---:|---:|");
    for (String rows : distinct("TableSizeBenchmark.open", "rows")) {
      line(
          "| "
              + String.format(Locale.ROOT, "%,d", Long.parseLong(rows))
              + " | "
              + score("TableSizeBenchmark.open", Map.of("rows", rows))
              + " | "
              + score("TableSizeBenchmark.find", Map.of("rows", rows))
              + " |");
    }
    line("");

    double argonMs = value("PasswordHashBenchmark.verify", Map.of("cost", "argon2id"));
    if (!Double.isNaN(argonMs)) {
      line("### Checking one password (PasswordHashBenchmark, ms per check)");
      line("");
      line("| cost | ms |");
      line("|---|---:|");
      line(
          "| Argon2id, OWASP (19 MiB, t=2, p=1): production | "
              + score("PasswordHashBenchmark.verify", Map.of("cost", "argon2id"))
              + " |");
      line(
          "| cheap (64 KiB, t=1): tests and benchmarks only | "
              + score("PasswordHashBenchmark.verify", Map.of("cost", "cheap"))
              + " |");
      line("");
      for (String store : new String[] {"h2", "postgres"}) {
        double limited =
            value(
                "StoreOpenBenchmark.open",
                Map.of("scenario", "1:DESTROY_NEXT_EXPIRING", "store", store));
        double unlimited =
            value(
                "StoreOpenBenchmark.open",
                Map.of("scenario", "-1:DESTROY_NEXT_EXPIRING", "store", store));
        double extraMs = 1000 / limited - 1000 / unlimited;
        double share = extraMs / (argonMs + 1000 / unlimited);
        derived.put(store, share);
        line(
            String.format(
                Locale.ROOT,
                "Derived on %s: an open at limit 1 (lock, read, evict, insert) takes %.2f ms, an"
                    + " unlimited one (insert) %.2f ms: enforcement adds %.2f ms to a login whose"
                    + " password check takes %.1f ms, i.e. %+.1f%% (wall time of one login,"
                    + " single-threaded).",
                store.equals("h2") ? "H2" : "PostgreSQL",
                1000 / limited,
                1000 / unlimited,
                extraMs,
                argonMs,
                100 * share));
        line("");
      }
    }
    double single =
        value("StoreOpenBenchmark.open", Map.of("scenario", EVICTING, "store", "postgres"));
    double concurrent =
        value("ConcurrentOpenBenchmark.open", Map.of("scenario", EVICTING, "store", "postgres"));
    double best = Math.max(single, concurrent);
    String ofCeiling = "";
    double ceilingSingle = ceilingRate("evict", 1);
    double ceilingConcurrent = ceilingRate("evict", 8);
    if (!Double.isNaN(ceilingSingle) && !Double.isNaN(ceilingConcurrent)) {
      ofCeiling =
          String.format(
                  Locale.ROOT,
                  "; that is %s and %s of what PostgreSQL does for the same statements in the same"
                      + " round trips from a C client on this machine (pgbench %,.0f/s and %,.0f/s;"
                      + " fdatasync %s/s)",
                  pct(single / ceilingSingle),
                  pct(concurrent / ceilingConcurrent),
                  ceilingSingle,
                  ceilingConcurrent,
                  fdatasync())
              + (diskDisturbed() ? "; the disk was disturbed meanwhile, see below" : "");
    }
    target(
        "session open through the store, no password, >= 5,000/s on PostgreSQL",
        String.format(
                Locale.ROOT,
                "%,.0f/s single-threaded, %,.0f/s from 8 threads (limit 1, each"
                    + " login evicts one)",
                single,
                concurrent)
            + ofCeiling,
        Double.isNaN(best) ? null : best >= 5000);
  }

  /** A row per scenario of {@code benchmark}, a column per store. */
  private void scenarioTable(String benchmark) {
    line("| user limit : action | memory | H2 (embedded) | PostgreSQL |");
    line("|---|---:|---:|---:|");
    for (String scenario : distinct(benchmark, "scenario")) {
      StringBuilder row = new StringBuilder("| " + scenarioText(scenario) + " |");
      for (String store : STORES) {
        row.append(' ')
            .append(score(benchmark, Map.of("scenario", scenario, "store", store)))
            .append(" |");
      }
      line(row.toString());
    }
  }

  private static String scenarioText(String scenario) {
    return scenario
        .replace("-1:", "unlimited:")
        .replace("unlimited:DESTROY_NEXT_EXPIRING", "unlimited (a new user per login)");
  }

  /**
   * PostgreSQL's rate for the statements of an open, from a C client (bench/pg-ceiling.sh), next to
   * the store's own rate for the same open.
   */
  private void ceilingTable() {
    if (ceiling == null) {
      return;
    }
    line("### PostgreSQL's ceiling: the same statements from a C client (bench/pg-ceiling.sh)");
    line("");
    line(
        ceiling.path("tool").asText()
            + ", "
            + ceiling.path("seconds_per_run").asInt()
            + " s per run: the statements the store sends for an open, in the same round trips,"
            + " each client its own user; a psql session listens for the end notices meanwhile, as"
            + " a node does. The disk's fdatasync rate (pg_test_fsync, one WAL flush per commit): "
            + rate(ceiling.path("fdatasync_per_second_before"))
            + "/s before the runs, "
            + fdatasync()
            + "/s after."
            + (diskDisturbed()
                ? " **The disk was disturbed**: its rate changed more than twofold, so something"
                    + " else was writing, and every PostgreSQL number of this run is low by an"
                    + " unknown amount."
                : ""));
    line("");
    line(
        "| open | round trips | clients | pgbench ops/s | the store (JMH) ops/s"
            + " | store / pgbench |");
    line("|---|---:|---:|---:|---:|---:|");
    for (JsonNode run : ceiling.path("runs")) {
      String workload = run.path("workload").asText();
      int clients = run.path("clients").asInt();
      double rate = run.path("tps").asDouble();
      String scenario =
          switch (workload) {
            case "evict" -> EVICTING;
            case "unlimited" -> "-1:DESTROY_NEXT_EXPIRING";
            default -> null;
          };
      double ours = Double.NaN;
      if (scenario != null) {
        ours =
            value(
                clients == 1 ? "StoreOpenBenchmark.open" : "ConcurrentOpenBenchmark.open",
                Map.of("scenario", scenario, "store", "postgres"));
      }
      String text =
          switch (workload) {
            case "evict" -> "limit 1, evicts one";
            case "evict-no-notify" ->
                "limit 1, evicts one, without `pg_notify` (not what the store sends)";
            default -> "unlimited (one INSERT)";
          };
      line(
          "| "
              + text
              + " | "
              + run.path("round_trips").asInt()
              + " | "
              + clients
              + " | "
              + num(rate)
              + " | "
              + (Double.isNaN(ours) ? "–" : num(ours))
              + " | "
              + pct(ours / rate)
              + " |");
    }
    line("");
  }

  private String fdatasync() {
    return rate(ceiling.path("fdatasync_per_second"));
  }

  private boolean diskDisturbed() {
    JsonNode before = ceiling.path("fdatasync_per_second_before");
    JsonNode after = ceiling.path("fdatasync_per_second");
    if (!before.isNumber() || !after.isNumber()) {
      return false;
    }
    double low = Math.min(before.asDouble(), after.asDouble());
    double high = Math.max(before.asDouble(), after.asDouble());
    return high > 2 * low;
  }

  private double ceilingRate(String workload, int clients) {
    if (ceiling != null) {
      for (JsonNode run : ceiling.path("runs")) {
        if (run.path("workload").asText().equals(workload)
            && run.path("clients").asInt() == clients) {
          return run.path("tps").asDouble();
        }
      }
    }
    return Double.NaN;
  }

  private List<String> distinct(String benchmark, String param) {
    List<String> values = new ArrayList<>();
    for (JsonNode r : jmh) {
      if (r.path("benchmark").asText().endsWith(benchmark)) {
        String v = r.path("params").path(param).asText();
        if (!values.contains(v)) {
          values.add(v);
        }
      }
    }
    return values;
  }

  private JsonNode result(String benchmark, Map<String, String> params) {
    for (JsonNode r : jmh) {
      if (!r.path("benchmark").asText().endsWith(benchmark)) {
        continue;
      }
      boolean all = true;
      for (Map.Entry<String, String> p : params.entrySet()) {
        if (!p.getValue().equals(r.path("params").path(p.getKey()).asText())) {
          all = false;
        }
      }
      if (all) {
        return r;
      }
    }
    return null;
  }

  private double value(String benchmark, Map<String, String> params) {
    JsonNode r = result(benchmark, params);
    return (r == null) ? Double.NaN : r.path("primaryMetric").path("score").asDouble();
  }

  private String score(String benchmark, Map<String, String> params) {
    JsonNode r = result(benchmark, params);
    if (r == null) {
      return "–";
    }
    double score = r.path("primaryMetric").path("score").asDouble();
    double error = r.path("primaryMetric").path("scoreError").asDouble();
    if (Double.isNaN(error) || error <= 0) {
      return num(score);
    }
    return num(score) + " ± " + num(error);
  }

  private void line(String s) {
    page.line(s);
  }

  private void target(String name, String measured, Boolean met) {
    page.target(name, measured, met);
  }
}
