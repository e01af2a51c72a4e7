package dev.sessionlimits.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One bounded, closed-loop load run against a target: wrk with the Lua scripts written here, or
 * {@link LoadGen} when wrk is missing (or {@code SL_BENCH_LOADGEN=java}), pinned to CPU 0, while
 * the other long-lived targets are frozen; the result is the generator's numbers plus the CPU the
 * target used.
 */
final class HttpLoad {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UA =
      "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

  private static final String WAITED = "sessionlimits_verify_waited_total";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final BenchProcesses procs;
  private final Path work;
  private final Path jar;
  final boolean wrk =
      BenchProcesses.onPath("wrk") && !"java".equals(System.getenv("SL_BENCH_LOADGEN"));

  HttpLoad(BenchProcesses procs, Path work, Path jar) throws IOException {
    this.procs = procs;
    this.work = work;
    this.jar = jar;
    writeScripts();
  }

  /**
   * One bounded load run: {@code seconds} long, {@code connections} connections, against the port
   * in {@code ready}. {@code kind} is {@code verify} (GET /auth/verify, cookies from {@code ready}
   * in turn) or {@code login} (POST /api/v1/login as {@code user}). Returns the generator's numbers
   * plus the CPU the target used.
   */
  ObjectNode load(
      String target,
      String what,
      Path ready,
      String kind,
      int seconds,
      int connections,
      Process process,
      String user)
      throws Exception {
    int port = Integer.parseInt(Files.readAllLines(ready).get(0).substring("port=".length()));
    procs.freezeAllBut(process);
    try {
      boolean server = kind.equals("verify") && target.startsWith("sessionlimits");
      double waitedBefore = server ? waited(port) : Double.NaN;
      ObjectNode result =
          measure(target, what, ready, port, kind, seconds, connections, process, user);
      double waited = waited(port) - waitedBefore;
      if (!Double.isNaN(waited)) {
        result.put("verify_waited", Math.round(waited));
        System.out.printf(
            Locale.ROOT,
            "  %-36s %-18s %9d verifies waited for the store%n",
            target,
            what,
            Math.round(waited));
      }
      return result;
    } finally {
      procs.thawAll();
    }
  }

  private ObjectNode measure(
      String target,
      String what,
      Path ready,
      int port,
      String kind,
      int seconds,
      int connections,
      Process process,
      String user)
      throws Exception {
    long cpuBefore = BenchProcesses.cpuTicks(process);
    double jitBefore = JitThreads.cpuMs(process.pid());
    long t0 = System.nanoTime();
    List<String> command;
    if (wrk) {
      List<String> c =
          new ArrayList<>(
              List.of(
                  "wrk",
                  "-t1",
                  "-c" + connections,
                  "-d" + seconds + "s",
                  "--timeout",
                  "10s",
                  "-s",
                  work.resolve(kind + ".lua").toString(),
                  "http://127.0.0.1:" + port,
                  "--",
                  kind.equals("login") ? user : ready.toString()));
      command = procs.cpu(0, c.toArray(String[]::new));
    } else {
      List<String> c =
          new ArrayList<>(
              List.of(
                  "java",
                  "-Xmx256m",
                  "-cp",
                  jar.toString(),
                  LoadGen.class.getName(),
                  "127.0.0.1",
                  Integer.toString(port),
                  kind,
                  kind.equals("login") ? user : ready.toString(),
                  Integer.toString(connections),
                  Integer.toString(seconds)));
      command = procs.cpu(0, c.toArray(String[]::new));
    }
    Path log = work.resolve("load.log");
    Process generator = procs.start(log, command);
    if (!generator.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
      procs.stop(generator);
      throw new IllegalStateException(
          "the load generator did not stop after " + (seconds + 60) + " s");
    }
    procs.forget(generator);
    double wall = (System.nanoTime() - t0) / 1e9;
    long cpuAfter = BenchProcesses.cpuTicks(process);
    double jit = JitThreads.cpuMs(process.pid()) - jitBefore;
    String output = Files.readString(log);
    String line =
        output
            .lines()
            .filter(l -> l.startsWith("JSON "))
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("no result from the load generator:\n" + output));
    ObjectNode result = (ObjectNode) JSON.readTree(line.substring(5));
    double duration = result.get("duration_us").asDouble() / 1e6;
    result.put("rps", result.get("requests").asDouble() / duration);
    result.put("target_cpu_percent", Math.round(100.0 * (cpuAfter - cpuBefore) / 100.0 / wall));
    // Clock ticks are 10 ms; the requests counted are the generator's, over nearly the same span.
    result.put(
        "target_cpu_ms_per_request",
        (cpuAfter - cpuBefore) * 10.0 / Math.max(1, result.get("requests").asDouble()));
    result.put("connections", connections);
    if (!Double.isNaN(jit)) {
      result.put("jit_ms", Math.round(jit));
    }
    System.out.printf(
        Locale.ROOT,
        "  %-36s %-18s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d  target CPU %d%%%s%n",
        target,
        what,
        result.get("rps").asDouble(),
        result.get("p50_us").asDouble() / 1000,
        result.get("p99_us").asDouble() / 1000,
        errors(result),
        result.get("target_cpu_percent").asLong(),
        Double.isNaN(jit) ? "" : String.format(Locale.ROOT, "  JIT %.0f ms", jit));
    return result;
  }

  /**
   * The server's {@code sessionlimits_verify_waited_total} (verifies its caches could not answer at
   * once) from its {@code /metrics}, or NaN if it has none.
   */
  private static double waited(int port) {
    try {
      HttpResponse<String> metrics =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return metrics
          .body()
          .lines()
          .filter(l -> l.startsWith(WAITED + " "))
          .mapToDouble(l -> Double.parseDouble(l.substring(WAITED.length() + 1).trim()))
          .findFirst()
          .orElse(Double.NaN);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  static long errors(JsonNode r) {
    return r.get("errors_connect").asLong()
        + r.get("errors_read").asLong()
        + r.get("errors_write").asLong()
        + r.get("errors_status").asLong()
        + r.get("errors_timeout").asLong();
  }

  private void writeScripts() throws IOException {
    String done =
        String.join(
            "\n",
            "done = function(summary, latency, requests)",
            "  local e = summary.errors",
            "  io.write(string.format('JSON {\"requests\":%d,\"duration_us\":%d,"
                + "\"errors_connect\":%d,\"errors_read\":%d,\"errors_write\":%d,"
                + "\"errors_status\":%d,\"errors_timeout\":%d,\"p50_us\":%d,\"p90_us\":%d,"
                + "\"p99_us\":%d,\"max_us\":%d,\"mean_us\":%.1f}\\n',",
            "    summary.requests, summary.duration, e.connect, e.read, e.write, e.status,"
                + " e.timeout,",
            "    latency:percentile(50), latency:percentile(90), latency:percentile(99),"
                + " latency.max,",
            "    latency.mean))",
            "end",
            "");
    Files.writeString(
        work.resolve("verify.lua"),
        String.join(
            "\n",
            "-- GET /auth/verify with the session cookies of the ready file, in turn.",
            "local requests = {}",
            "local n = 0",
            "init = function(args)",
            "  for line in io.lines(args[1]) do",
            "    local c = line:match('^cookie=(.*)$')",
            "    if c then",
            "      requests[#requests + 1] = wrk.format('GET', '/auth/verify', {",
            "        ['Cookie'] = 'sl_session=' .. c, ['User-Agent'] = '" + UA + "'})",
            "    end",
            "  end",
            "end",
            "request = function()",
            "  n = n + 1",
            "  return requests[(n % #requests) + 1]",
            "end",
            done));
    Files.writeString(
        work.resolve("login.lua"),
        String.join(
            "\n",
            "-- POST /api/v1/login as <first argument>-0 .. -"
                + (BenchServer.USERS - 1)
                + ", in turn.",
            "local requests = {}",
            "local n = 0",
            "init = function(args)",
            "  for i = 0, " + (BenchServer.USERS - 1) + " do",
            "    requests[#requests + 1] = wrk.format('POST', '/api/v1/login', {",
            "      ['Content-Type'] = 'application/json', ['User-Agent'] = '" + UA + "'},",
            "      '{\"username\":\"' .. args[1] .. '-' .. i .. '\",\"password\":\""
                + BenchServer.PASSWORD
                + "\"}')",
            "  end",
            "end",
            "request = function()",
            "  n = n + 1",
            "  return requests[(n % #requests) + 1]",
            "end",
            done));
  }
}
