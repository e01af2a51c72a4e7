package dev.sessionlimits.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one run's raw results into the results table: reads the JMH JSON, the HTTP JSON and the
 * memory JSONs from a directory, writes {@code <name>.md} and one combined {@code <name>.json}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.sessionlimits.bench.Report <raw dir> <out base path,
 * without extension> <key=value>...} (meta: date, commit, command, machine, notes...).
 *
 * <p>Its sections: {@link JmhSection} (in-process), {@link HttpSection} (over HTTP), memory and
 * profiles here; {@link ReportPage} holds the page and its targets table.
 */
public final class Report {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ReportPage page = new ReportPage();
  private final StringBuilder md = page.md;
  private final ObjectNode all = JSON.createObjectNode();
  private JsonNode http = JSON.createObjectNode();

  private Report() {}

  public static void main(String[] args) throws IOException {
    Path raw = Path.of(args[0]);
    Path base = Path.of(args[1]);
    Map<String, String> meta = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      meta.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Report r = new Report();
    r.build(raw, meta);
    Files.writeString(base.resolveSibling(base.getFileName() + ".md"), r.md.toString());
    Files.writeString(
        base.resolveSibling(base.getFileName() + ".json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r.all));
  }

  private void build(Path raw, Map<String, String> meta) throws IOException {
    ObjectNode m = all.putObject("meta");
    meta.forEach(m::put);
    JsonNode jmh = read(raw.resolve("jmh.json"), JSON.createArrayNode());
    http = read(raw.resolve("http.json"), JSON.createObjectNode());
    JsonNode ceiling = read(raw.resolve("ceiling.json"), null);
    JsonNode memory = read(raw.resolve("memory.json"), null);
    JsonNode memoryShared = read(raw.resolve("memory-unique-ua.json"), null);
    JsonNode cache = read(raw.resolve("cache.json"), null);
    all.set("jmh", jmh);
    all.set("http", http);
    if (ceiling != null) {
      all.set("postgres_ceiling", ceiling);
    }
    if (memory != null) {
      all.set("memory", memory);
    }
    if (memoryShared != null) {
      all.set("memory_unique_user_agents", memoryShared);
    }
    if (cache != null) {
      all.set("node_cache", cache);
    }

    line(
        "# Benchmark results "
            + meta.getOrDefault("date", "")
            + " (commit "
            + meta.getOrDefault("commit", "?")
            + ")");
    line("");
    line("- Command: `" + meta.getOrDefault("command", "bench/run.sh") + "`");
    for (String key :
        new String[] {
          "machine", "java", "postgresql", "disk", "load_before", "load_after", "duration", "notes"
        }) {
      if (meta.containsKey(key)) {
        line("- " + key.replace('_', ' ') + ": " + meta.get(key));
      }
    }
    if (http.has("load_generator")) {
      line(
          "- HTTP load generator: "
              + http.path("load_generator").asText()
              + "; nginx: "
              + http.path("nginx").asText()
              + "; "
              + http.path("pinned").asText()
              + "; "
              + http.path("seconds_per_run").asInt()
              + " s per run, "
              + http.path("repetitions").asInt(1)
              + " repetition(s) of the key ratios");
    }
    line(
        "- Scores are single runs on a shared machine: compare ratios within this run, not with"
            + " other runs. ± is JMH's 99.9% error over the measurement iterations.");
    line("");

    StringBuilder body = new StringBuilder();
    StringBuilder saved = new StringBuilder(md);
    md.setLength(0);
    JmhSection inProcess = new JmhSection(page, jmh, ceiling);
    inProcess.inProcess();
    new HttpSection(page, http, inProcess.derived).httpTables();
    memory(memory, memoryShared, cache);
    profiles();
    body.append(md);
    md.setLength(0);
    md.append(saved);
    page.targetTable();
    md.append(body);
    all.set("targets", page.targets);
  }

  // ---- memory

  private void memory(JsonNode memory, JsonNode shared, JsonNode cache) {
    if (memory == null) {
      return;
    }
    line("## Memory");
    line("");
    long bytes = memory.path("bytes_per_session").asLong();
    line(
        String.format(
            Locale.ROOT,
            "In-memory store, %,d live sessions, each with strings of its own (user agents of 70 to"
                + " 140 characters from 1,200 browser versions): **%d bytes per live session**"
                + " (heap %d MiB, %s).",
            memory.path("sessions").asLong(),
            bytes,
            memory.path("heap_max_mib").asLong(),
            memory.path("gc").asText()));
    if (shared != null) {
      line(
          String.format(
              Locale.ROOT,
              " Worst case, no two user agents equal: %d bytes.",
              shared.path("bytes_per_session").asLong()));
    }
    line("");
    if (memory.path("by_class").size() > 0) {
      line("| class | bytes per session | instances per session |");
      line("|---|---:|---:|");
      for (JsonNode c : memory.path("by_class")) {
        line(
            String.format(
                Locale.ROOT,
                "| `%s` | %.1f | %.2f |",
                c.path("class").asText(),
                c.path("bytes_per_session").asDouble(),
                c.path("instances_per_session").asDouble()));
      }
      line("");
    }
    String cacheText;
    if (cache == null) {
      cacheText = "not measured";
    } else if (!cache.path("cache_present").asBoolean()) {
      cacheText =
          "pending: the store-jdbc build under test keeps nothing per looked-up session (no"
              + " session cache yet; measured "
              + cache.path("bytes_per_session").asLong()
              + " bytes, noise)";
    } else {
      cacheText =
          cache.path("bytes_per_session").asLong()
              + " bytes per cached session ("
              + cache.path("sessions").asLong()
              + " sessions looked up on an embedded store)";
    }
    line("JDBC store node cache entry: " + cacheText + ".");
    line("");
    target(
        "<= 512 bytes per live session in the in-memory store",
        bytes
            + " bytes (realistic user"
            + " agents)"
            + (shared == null
                ? ""
                : "; "
                    + shared.path("bytes_per_session").asLong()
                    + " if no two user agents are equal"),
        bytes <= 512);
  }

  // ---- profiles

  private void profiles() {
    JsonNode profiles = http.path("profiles");
    if (!profiles.isObject() || profiles.size() == 0) {
      return;
    }
    line(
        "## Profiles (JFR, execution samples every 1 ms; recordings in /tmp, not in the"
            + " repository)");
    line("");
    profiles
        .properties()
        .forEach(
            e -> {
              JsonNode p = e.getValue();
              line("### " + e.getKey() + " (" + p.path("samples").asInt() + " samples)");
              line("");
              line("By library (top frame): " + joined(p.path("by_library"), 8) + ".");
              line("");
              line("By thread: " + joined(p.path("by_thread"), 6) + ".");
              line("");
              line(
                  "Inclusive (samples with the method on the stack): "
                      + joined(p.path("inclusive"), 19)
                      + ".");
              line("");
              line(
                  "Innermost project frame: "
                      + joined(p.path("innermost_project_frames"), 8)
                      + ".");
              line("");
              line("Top frames: " + joined(p.path("top_frames"), 8) + ".");
              line("");
            });
  }

  private static String joined(JsonNode list, int n) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < Math.min(n, list.size()); i++) {
      parts.add(
          "`"
              + list.get(i).path("frame").asText()
              + "` "
              + list.get(i).path("percent").asDouble()
              + "%");
    }
    return String.join(", ", parts);
  }

  // ---- io

  private static JsonNode read(Path file, JsonNode fallback) throws IOException {
    return Files.exists(file) ? JSON.readTree(file.toFile()) : fallback;
  }

  private void line(String s) {
    page.line(s);
  }

  private void target(String name, String measured, Boolean met) {
    page.target(name, measured, met);
  }
}
