package dev.sessionlimits.store.jdbc;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.TokenHash;
import dev.sessionlimits.core.User;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process {@link EmbeddedStoreDurabilityTest} kills. It opens the embedded store in the
 * directory given as its first argument and never closes it. Then, by the second argument:
 *
 * <ul>
 *   <li>{@code fixed}: writes a user, a setting, an audit event, {@value #SESSIONS} logins of one
 *       user under a limit of {@value #LIMIT} and then the last login's audit events in one call
 *       ({@code session_evicted}, {@code login}), prints {@code ready} the moment they have
 *       committed, and waits to be killed;
 *   <li>{@code stream}: logs in from {@value #STREAMS} threads without end, printing {@code opened
 *       N} as each login returns.
 * </ul>
 */
final class EmbeddedStoreChild {

  static final int SESSIONS = 12;
  static final int LIMIT = 2;
  static final int STREAMS = 4;
  static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  static final QuotaPolicy POLICY =
      new QuotaPolicy(
          LIMIT,
          -1,
          ExhaustionAction.DESTROY_OLDEST_SESSION,
          Duration.ofMinutes(30),
          Duration.ZERO);

  private EmbeddedStoreChild() {}

  static TokenHash token(int i) {
    return TokenHash.of("durable-token-" + i);
  }

  static TokenHash streamToken(int i) {
    return TokenHash.of("stream-token-" + i);
  }

  public static void main(String[] args) throws InterruptedException {
    JdbcStore store = JdbcStore.embedded(Path.of(args[0]));
    if (args[1].equals("stream")) {
      stream(store);
    }
    store.users().create(new User("alice", "hash", false, false, LIMIT, T0, T0));
    store.settings().save(Map.of("SESSIONS_PER_USER", Integer.toString(LIMIT)), 0);
    store
        .audit()
        .record(
            new AuditEvent(
                0, T0, "settings_changed", "admin", "127.0.0.1", "SESSIONS_PER_USER", null, null));
    for (int i = 0; i < SESSIONS; i++) {
      store
          .sessions()
          .open(
              Session.open(
                  "durable-" + i,
                  token(i),
                  LoginAttempt.password("alice", "10.0.9." + i, "child"),
                  T0.plusSeconds(i),
                  POLICY),
              POLICY);
    }
    Instant last = T0.plusSeconds(SESSIONS - 1);
    store
        .audit()
        .recordAll(
            List.of(
                new AuditEvent(
                    0, last, "session_evicted", null, "10.0.9.11", "alice", "durable-9", null),
                new AuditEvent(
                    0, last, "login", "alice", "10.0.9.11", "alice", "durable-11", null)));
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  private static void stream(JdbcStore store) throws InterruptedException {
    QuotaPolicy unlimited =
        new QuotaPolicy(
            -1, -1, ExhaustionAction.DENY_ACCESS, Duration.ofMinutes(30), Duration.ZERO);
    AtomicInteger next = new AtomicInteger();
    for (int t = 0; t < STREAMS; t++) {
      new Thread(
              () -> {
                while (true) {
                  int i = next.getAndIncrement();
                  store
                      .sessions()
                      .open(
                          Session.open(
                              "stream-" + i,
                              streamToken(i),
                              LoginAttempt.password("user" + (i % 7), "10.0.8." + (i % 5), "child"),
                              T0,
                              unlimited),
                          unlimited);
                  System.out.println("opened " + i);
                }
              },
              "login-" + t)
          .start();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
