package dev.sessionlimits.bench;

import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.OpenResult;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.TokenHash;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes the logins of an open benchmark: one user ({@code user}) logging in again and again from
 * one address, or, with {@code user == null}, a new user per login (an unlimited user must not grow
 * one live set without end). Each login is one millisecond after the previous one.
 *
 * <p>The in-memory store keeps every ended session as a tombstone for seven days; at millions of
 * logins a second those would soon be all the garbage collector does. So every 65,536 logins the
 * clock jumps eight days and the store is purged, as the server's periodic purge would: tombstones
 * are forgotten; live sessions survive the jump when the policy's idle timeout is long ({@link
 * #LIMITED_IDLE}, used with a user limit), and expire with it otherwise. The JDBC stores are not
 * purged (their tables grow by one row per login, a few hundred thousand per trial at most).
 */
final class Opener {

  /**
   * Idle timeout under a user limit: longer than the jumps, so the user's live set survives them.
   */
  static final Duration LIMITED_IDLE = Duration.ofDays(3650);

  /** Idle timeout when unlimited: the jump expires the sessions, so the store stays small. */
  static final Duration UNLIMITED_IDLE = Duration.ofMinutes(30);

  private static final long PURGE_MASK = (1 << 16) - 1;
  private static final String IP = "203.0.113.7";

  private final SessionStore store;
  private final boolean purges;
  private final QuotaPolicy policy;
  private final LoginAttempt attempt;
  private final long seed = ThreadLocalRandom.current().nextLong();
  private final String idPrefix = "s" + Long.toHexString(seed >>> 16) + "-";
  private long n;
  private Instant base = BenchStores.T0;

  /**
   * In memory, ids and token hashes made beforehand (making them costs about as much as the open):
   * three rings of one purge period each, used in turn. A ring comes back two purges later, when no
   * session of its previous round is live or remembered any more.
   */
  private final String[][] ids;

  private final TokenHash[][] hashes;

  Opener(BenchStores stores, QuotaPolicy policy, String user) {
    this.store = stores.store;
    this.purges = !stores.isJdbc();
    this.policy = policy;
    this.attempt = (user == null) ? null : LoginAttempt.password(user, IP, BenchStores.FIREFOX);
    if (purges) {
      ids = new String[3][(int) PURGE_MASK + 1];
      hashes = new TokenHash[3][(int) PURGE_MASK + 1];
      for (int r = 0; r < 3; r++) {
        for (int i = 0; i <= PURGE_MASK; i++) {
          long k = ((long) r << 16) | i;
          ids[r][i] = idPrefix + k;
          hashes[r][i] = BenchStores.tokenHash(seed, k);
        }
      }
    } else {
      ids = null;
      hashes = null;
    }
  }

  Session next() {
    long i = ++n;
    if (purges && (i & PURGE_MASK) == 0) {
      base = base.plus(Duration.ofDays(8));
      store.purge(base);
    }
    LoginAttempt who =
        (attempt != null)
            ? attempt
            : LoginAttempt.password("user" + i, "203.0.113." + (i & 0xFF), BenchStores.FIREFOX);
    if (purges) {
      int ring = (int) ((i >>> 16) % 3);
      int slot = (int) (i & PURGE_MASK);
      return Session.open(ids[ring][slot], hashes[ring][slot], who, base.plusMillis(slot), policy);
    }
    return Session.open(
        idPrefix + i, BenchStores.tokenHash(seed, i), who, base.plusMillis(i), policy);
  }

  OpenResult open() {
    return store.open(next(), policy);
  }
}
