package dev.sessionlimits.core;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Builders for sessions and policies, shared by the core tests and every store's contract run. */
public final class Fixtures {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong SEQUENCE = new AtomicLong();

  public static final Duration IDLE = Duration.ofMinutes(30);

  private Fixtures() {}

  /** A policy with these limits and action, a 30-minute idle timeout and no maximum lifetime. */
  public static QuotaPolicy policy(int userLimit, int ipLimit, ExhaustionAction action) {
    return new QuotaPolicy(userLimit, ipLimit, action, IDLE, Duration.ZERO);
  }

  public static QuotaPolicy userLimit(int limit, ExhaustionAction action) {
    return policy(limit, QuotaPolicy.UNLIMITED, action);
  }

  public static QuotaPolicy unlimited() {
    return policy(QuotaPolicy.UNLIMITED, QuotaPolicy.UNLIMITED, ExhaustionAction.DENY_ACCESS);
  }

  /** A candidate session of {@code user} from {@code ip} at {@code at}, with fresh id and token. */
  public static Session candidate(String user, String ip, Instant at, QuotaPolicy policy) {
    SessionToken token = SessionToken.generate(RANDOM);
    // Ids sort in creation order within a test, so tie-breaks are predictable.
    String id =
        String.format("s%012d-%s", SEQUENCE.incrementAndGet(), SessionToken.newSessionId(RANDOM));
    return Session.open(
        id,
        token.hash(),
        new LoginAttempt(user, ip, "Firefox on Linux", null, "password"),
        at,
        policy);
  }

  /**
   * A live session as {@link Quota#decide} sees one, created at {@code created}, expiring at {@code
   * expires}.
   */
  public static Session live(String id, String user, String ip, Instant created, Instant expires) {
    return new Session(
        id,
        TokenHash.of(id),
        user,
        ip,
        "",
        null,
        "password",
        created,
        created,
        expires,
        null,
        null);
  }
}
