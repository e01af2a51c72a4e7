package dev.sessionlimits.bench;

import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SessionToken;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

/**
 * Bytes of heap per live session in the in-memory store: fills a store with realistic sessions
 * (random ids and token hashes, 100 sessions per address, 2 per user, a browser's user agent)
 * and divides the retained heap by their number. Usage: {@code java -cp benchmarks.jar
 * dev.sessionlimits.bench.MemoryFootprint [sessions]}.
 */
public final class MemoryFootprint {

  private MemoryFootprint() {}

  public static void main(String[] args) {
    int count = (args.length > 0) ? Integer.parseInt(args[0]) : 1_000_000;
    SecureRandom random = new SecureRandom();
    Instant t0 = Instant.parse("2026-01-05T09:00:00Z");
    QuotaPolicy policy = new QuotaPolicy(-1, -1, ExhaustionAction.DENY_ACCESS, Duration.ofHours(1),
        Duration.ZERO);
    String userAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    long before = usedAfterGc();
    SessionStore store = SessionStore.inMemory();
    for (int i = 0; i < count; i++) {
      SessionToken token = SessionToken.generate(random);
      String ip = "10." + (i >> 16 & 0xFF) + "." + (i >> 8 & 0xFF) + "." + (i / 100 & 0xFF);
      store.open(Session.open(SessionToken.newSessionId(random), token.hash(),
          LoginAttempt.password("user" + (i / 2), ip, userAgent), t0.plusMillis(i), policy), policy);
    }
    long after = usedAfterGc();
    System.out.printf("%d live sessions: %.1f MiB retained, %d bytes per session%n", count,
        (after - before) / 1048576.0, (after - before) / count);
    if (store.liveSessions(t0).size() != count) {
      throw new AssertionError("sessions were lost");
    }
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
