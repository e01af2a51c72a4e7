package dev.sessionlimits.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarizes a JFR recording's execution samples ({@code jdk.ExecutionSample}): the hottest top
 * frames (self time), the innermost project frame ({@code dev.sessionlimits.*}) of each sample
 * (where in our code the time goes, inclusive of what it calls), the share by library (package of
 * the top frame), and the most allocated classes ({@code jdk.ObjectAllocationSample} weight).
 * Usage: {@code java -cp benchmarks.jar dev.sessionlimits.bench.JfrTop <recording.jfr> [top]}.
 */
public final class JfrTop {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Methods (or package prefixes, ending in a dot) whose inclusive share is worth knowing. */
  private static final String[] INCLUSIVE = {
    "dev.sessionlimits.server.auth.AuthRoutes.verify",
    "dev.sessionlimits.server.auth.AuthRoutes.login",
    "dev.sessionlimits.server.service.Passwords.verify",
    "dev.sessionlimits.core.SessionManager.authenticate",
    "dev.sessionlimits.core.SessionManager.login",
    "dev.sessionlimits.core.TokenHash.of",
    "dev.sessionlimits.store.jdbc.JdbcSessions.lookup",
    "dev.sessionlimits.store.jdbc.JdbcLogins.open",
    "dev.sessionlimits.store.jdbc.JdbcSessions.recordTouch",
    "dev.sessionlimits.store.jdbc.SessionRows.selectOne",
    "dev.sessionlimits.store.jdbc.JdbcSessions.readLive",
    "dev.sessionlimits.store.jdbc.JdbcUsers.find",
    "dev.sessionlimits.store.jdbc.JdbcAuditLog.record",
    "dev.sessionlimits.store.jdbc.H2Files.flush",
    "dev.sessionlimits.server.service.SettingsService.settings",
    "com.zaxxer.hikari.",
    "com.fasterxml.jackson.",
    "org.slf4j.",
    "ch.qos.logback.",
    "io.javalin.",
  };

  private JfrTop() {}

  public static void main(String[] args) throws IOException {
    int top = (args.length > 1) ? Integer.parseInt(args[1]) : 25;
    System.out.println(
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summarize(Path.of(args[0]), top)));
  }

  static ObjectNode summarize(Path recording, int top) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> ours = new HashMap<>();
    Map<String, Integer> library = new HashMap<>();
    Map<String, Long> allocated = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    int samples = 0;
    long allocatedTotal = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      String type = event.getEventType().getName();
      if (type.equals("jdk.ObjectAllocationSample")) {
        long weight = event.getLong("weight");
        allocatedTotal += weight;
        allocated.merge(event.getClass("objectClass").getName(), weight, Long::sum);
        continue;
      }
      if (!type.equals("jdk.ExecutionSample")) {
        continue;
      }
      RecordedStackTrace stack = event.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) {
        continue;
      }
      samples++;
      List<RecordedFrame> frames = stack.getFrames();
      RecordedFrame first = frames.get(0);
      self.merge(frame(first), 1, Integer::sum);
      library.merge(library(first.getMethod().getType().getName()), 1, Integer::sum);
      String own = "(no project frame)";
      for (RecordedFrame f : frames) {
        String cls = f.getMethod().getType().getName();
        if (cls.startsWith("dev.sessionlimits.") && !cls.startsWith("dev.sessionlimits.bench.")) {
          own = frame(f);
          break;
        }
      }
      ours.merge(own, 1, Integer::sum);
      if (event.getThread("sampledThread") != null) {
        String name = String.valueOf(event.getThread("sampledThread").getJavaName());
        threads.merge(
            name.replaceAll("[0-9]+", "N").replaceAll("/tmp/\\S*", "<file>"), 1, Integer::sum);
      }
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (RecordedFrame f : frames) {
        String method = f.getMethod().getType().getName() + "." + f.getMethod().getName();
        for (String marker : INCLUSIVE) {
          if (method.equals(marker) || (marker.endsWith(".") && method.startsWith(marker))) {
            seen.add(marker);
          }
        }
      }
      seen.forEach(m -> inclusive.merge(m, 1, Integer::sum));
    }
    ObjectNode result = JSON.createObjectNode();
    result.put("recording", recording.toString());
    result.put("samples", samples);
    result.set("top_frames", ranked(self, samples, top));
    result.set("innermost_project_frames", ranked(ours, samples, top));
    result.set("by_library", ranked(library, samples, top));
    result.set("by_thread", ranked(threads, samples, 10));
    result.set("inclusive", ranked(inclusive, samples, INCLUSIVE.length));
    ArrayNode alloc = result.putArray("allocated_classes");
    final long total = allocatedTotal;
    allocated.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(15)
        .forEach(
            e ->
                alloc
                    .addObject()
                    .put("class", e.getKey())
                    .put("percent", Math.round(1000.0 * e.getValue() / Math.max(1, total)) / 10.0));
    return result;
  }

  private static ArrayNode ranked(Map<String, Integer> counts, int samples, int top) {
    ArrayNode list = JSON.createArrayNode();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                list.addObject()
                    .put("frame", e.getKey())
                    .put("samples", e.getValue())
                    .put(
                        "percent",
                        Math.round(1000.0 * e.getValue() / Math.max(1, samples)) / 10.0));
    return list;
  }

  private static String frame(RecordedFrame f) {
    String cls = f.getMethod().getType().getName();
    int line = f.getLineNumber();
    return cls + "." + f.getMethod().getName() + (line > 0 ? ":" + line : "");
  }

  private static String library(String cls) {
    String[][] known = {
      {"dev.sessionlimits.", "sessionlimits"},
      {"org.h2.", "H2"},
      {"org.postgresql.", "PostgreSQL JDBC"},
      {"com.zaxxer.hikari.", "HikariCP"},
      {"org.eclipse.jetty.", "Jetty"},
      {"io.javalin.", "Javalin"},
      {"com.fasterxml.jackson.", "Jackson"},
      {"com.password4j.", "Password4j (Argon2)"},
      {"org.slf4j.", "SLF4J"},
      {"ch.qos.logback.", "Logback"},
      {"net.logstash.logback.", "Logback (JSON)"},
      {"com.github.benmanes.caffeine.", "Caffeine"},
      {"sun.nio.", "JDK NIO"},
      {"java.util.concurrent.", "java.util.concurrent"},
      {"sun.security.", "JDK security"},
      {"java.", "JDK java.*"},
      {"jdk.", "JDK jdk.*"},
      {"sun.", "JDK sun.*"},
      {"kotlin.", "Kotlin stdlib"}
    };
    for (String[] k : known) {
      if (cls.startsWith(k[0])) {
        return k[1];
      }
    }
    int dot = cls.lastIndexOf('.');
    return (dot < 0) ? cls : cls.substring(0, dot);
  }
}
