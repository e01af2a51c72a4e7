package dev.sessionlimits.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SessionToken;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bytes of heap per live session in the in-memory store. Fills a store with {@code sessions} live
 * sessions as the server would make them, each with its own strings (a random 22-character id, a
 * random token's hash, a user name shared by 2 sessions, an address shared by 100, and a user agent
 * of realistic length, 70 to 140 characters, a string of its own drawn from 1,200 browser versions;
 * with {@code --unique-user-agents} no two sessions' user agents are equal, the worst case) and
 * divides the growth of the heap, after several full collections and taken at its lowest of three
 * readings, by the number of sessions. A class histogram ({@code jcmd GC.class_histogram}, before
 * and after) says where the bytes go.
 *
 * <p>Run with a fixed heap, e.g. {@code java -Xms3g -Xmx3g -cp benchmarks.jar
 * dev.sessionlimits.bench.MemoryFootprint 1000000 [out.json [--unique-user-agents |
 * --shared-user-agent]]}, or {@code ... MemoryFootprint --cache 100000 [out.json]} for the JDBC
 * store's node cache.
 */
public final class MemoryFootprint {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Browsers as they announce themselves; the %d is a build number that differs per session. */
  private static final String[] USER_AGENTS = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/126.0.%d.127 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        + " Version/17.5 Safari/605.1.%d",
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0.%d",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/126.0.%d.127 Safari/537.36 Edg/126.0.2592.87",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
        + " Gecko) Version/17.5 Mobile/15E148 Safari/604.%d",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
        + " Chrome/126.0.%d.122 Mobile Safari/537.36",
  };

  private MemoryFootprint() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--cache")) {
      nodeCache(Integer.parseInt(args[1]), (args.length > 2) ? Path.of(args[2]) : null);
      return;
    }
    int count = (args.length > 0) ? Integer.parseInt(args[0]) : 1_000_000;
    Path json = (args.length > 1) ? Path.of(args[1]) : null;
    boolean sharedUserAgent = args.length > 2 && args[2].equals("--shared-user-agent");
    boolean uniqueUserAgents = args.length > 2 && args[2].equals("--unique-user-agents");
    SecureRandom random;
    try {
      random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(42);
    } catch (NoSuchAlgorithmException e) {
      random = new SecureRandom();
    }
    Instant t0 = Instant.parse("2026-01-05T09:00:00Z");
    QuotaPolicy policy =
        new QuotaPolicy(-1, -1, ExhaustionAction.DENY_ACCESS, Duration.ofHours(1), Duration.ZERO);

    // Load and warm every class involved first, so that nothing but the sessions is counted.
    try (SessionStore warm = SessionStore.inMemory()) {
      for (int i = 0; i < 1000; i++) {
        warm.open(session(random, i, t0, policy, false), policy);
      }
    }
    Map<String, long[]> histogramBefore = histogram();
    long before = usedAfterGc();

    SessionStore store = SessionStore.inMemory();
    long fillStart = System.nanoTime();
    for (int i = 0; i < count; i++) {
      Session s = session(random, i, t0, policy, uniqueUserAgents);
      if (sharedUserAgent) {
        // As the first version of this probe did: one user agent instance for every session.
        s =
            new Session(
                s.id(),
                s.tokenHash(),
                s.user(),
                s.clientIp(),
                USER_AGENTS[2],
                s.device(),
                s.authMethod(),
                s.createdAt(),
                s.lastSeenAt(),
                s.expiresAt(),
                s.absoluteExpiresAt(),
                null);
      }
      store.open(s, policy);
    }
    double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
    long after = usedAfterGc();
    Map<String, long[]> histogramAfter = histogram();
    int live = store.liveSessions(t0).size();
    if (live != count) {
      throw new AssertionError(live + " live sessions, not " + count);
    }
    long perSession = (after - before) / count;
    System.out.printf(
        "%d live sessions: %.1f MiB retained, %d bytes per session (filled in %.1f s)%n",
        count, (after - before) / 1048576.0, perSession, fillSeconds);

    ObjectNode result = JSON.createObjectNode();
    result.put("sessions", count);
    result.put(
        "user_agents",
        sharedUserAgent
            ? "one shared instance"
            : uniqueUserAgents ? "all different" : "a string per session, 1,200 distinct values");
    result.put("retained_bytes", after - before);
    result.put("bytes_per_session", perSession);
    result.put("heap_max_mib", Runtime.getRuntime().maxMemory() / 1048576);
    result.put("gc", ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
    result.put(
        "compressed_oops",
        String.valueOf(
            ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .noneMatch(a -> a.equals("-XX:-UseCompressedOops"))));
    ArrayNode classes = result.putArray("by_class");
    if (!histogramAfter.isEmpty()) {
      System.out.println("  bytes/session  instances/session  class");
      histogramAfter.entrySet().stream()
          .map(
              e -> {
                long[] b = histogramBefore.getOrDefault(e.getKey(), new long[2]);
                return Map.entry(
                    e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
              })
          .filter(e -> e.getValue()[1] >= count / 100)
          .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
          .forEach(
              e -> {
                double bytes = (double) e.getValue()[1] / count;
                double instances = (double) e.getValue()[0] / count;
                System.out.printf("  %13.1f  %17.2f  %s%n", bytes, instances, e.getKey());
                classes
                    .addObject()
                    .put("class", e.getKey())
                    .put("bytes_per_session", Math.round(bytes * 10) / 10.0)
                    .put("instances_per_session", Math.round(instances * 100) / 100.0);
              });
    }
    if (json != null) {
      Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }
    Reference.reachabilityFence(store);
  }

  /**
   * Bytes a JDBC store node keeps per session it has looked up (its session cache, if it has one):
   * an embedded H2 store holding {@code count} sessions (filled by SQL); H2's own page cache is
   * warmed first by the same lookups through plain JDBC, then the heap is read, then every session
   * is found once through the store, and the heap is read again.
   */
  private static void nodeCache(int count, Path json) throws Exception {
    ObjectNode result = JSON.createObjectNode();
    try (BenchStores stores = BenchStores.open("h2")) {
      stores.fill(count, 2, 100);
      dev.sessionlimits.core.TokenHash[] hashes = new dev.sessionlimits.core.TokenHash[count];
      for (int i = 0; i < count; i++) {
        hashes[i] = dev.sessionlimits.core.TokenHash.of("t" + (i + 1));
      }
      try (java.sql.Connection c = stores.sql();
          java.sql.PreparedStatement select =
              c.prepareStatement("SELECT * FROM sl_sessions WHERE token_hash = ?")) {
        for (int pass = 0; pass < 2; pass++) {
          for (dev.sessionlimits.core.TokenHash h : hashes) {
            select.setString(1, h.hex());
            try (java.sql.ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                rows.getString(1);
              }
            }
          }
        }
      }
      Instant now = BenchStores.T0.plusSeconds(60);
      stores.store.find(hashes[0], now);
      long before = usedAfterGc();
      int live = 0;
      for (dev.sessionlimits.core.TokenHash h : hashes) {
        if (stores.store.find(h, now) instanceof dev.sessionlimits.core.Lookup.Live) {
          live++;
        }
      }
      long after = usedAfterGc();
      if (live != count) {
        throw new AssertionError(live + " of " + count + " sessions found live");
      }
      long perSession = (after - before) / count;
      boolean hasCache = perSession >= 32;
      System.out.printf(
          "JDBC store node, %d sessions looked up: %.1f MiB retained, %d bytes per"
              + " session%s%n",
          count,
          (after - before) / 1048576.0,
          perSession,
          hasCache ? "" : " (no session cache in this build of store-jdbc)");
      result.put("sessions", count);
      result.put("retained_bytes", after - before);
      result.put("bytes_per_session", perSession);
      result.put("cache_present", hasCache);
    }
    if (json != null) {
      Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }
  }

  private static Session session(
      SecureRandom random, int i, Instant t0, QuotaPolicy policy, boolean unique) {
    SessionToken token = SessionToken.generate(random);
    String ip =
        "10." + (i / 100 >> 16 & 0xFF) + "." + (i / 100 >> 8 & 0xFF) + "." + (i / 100 & 0xFF);
    // A new string each time, as a request's header is: equal values, never the same instance.
    String userAgent =
        unique
            ? String.format(USER_AGENTS[i % USER_AGENTS.length], 1_000_000 + i)
            : String.format(
                USER_AGENTS[i % USER_AGENTS.length], 1000 + (i / USER_AGENTS.length) % 200);
    return Session.open(
        SessionToken.newSessionId(random),
        token.hash(),
        LoginAttempt.password("user" + (i / 2), ip, userAgent),
        t0.plusMillis(i),
        policy);
  }

  /** The heap in use after full collections: the lowest of three readings, each after three GCs. */
  private static long usedAfterGc() throws InterruptedException {
    long lowest = Long.MAX_VALUE;
    for (int reading = 0; reading < 3; reading++) {
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      Thread.sleep(100);
      lowest = Math.min(lowest, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return lowest;
  }

  /** Class name to {instances, bytes} of live objects, from jcmd; empty if jcmd is missing. */
  private static Map<String, long[]> histogram() {
    Map<String, long[]> histogram = new HashMap<>();
    try {
      Process p =
          new ProcessBuilder(
                  "jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
              .redirectErrorStream(true)
              .start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return histogram;
      }
      Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)").matcher(text);
      while (m.find()) {
        histogram.put(
            m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
      }
    } catch (IOException e) {
      return histogram;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return histogram;
  }
}
