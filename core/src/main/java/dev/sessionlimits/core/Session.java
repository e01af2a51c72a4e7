package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;

/**
 * One session, live or ended. Immutable: every change yields a new value.
 *
 * <p>{@code expiresAt} is the moment the session ends unless used again: the earlier of its idle
 * expiry ({@code lastSeenAt + SESSION_COOKIE_AGE}) and {@code absoluteExpiresAt} (login plus {@code
 * SESSION_MAX_LIFETIME}; null when there is no maximum lifetime). A session is live while it has no
 * {@link #end()} and {@code now < expiresAt}.
 */
public record Session(
    String id,
    TokenHash tokenHash,
    String user,
    String clientIp,
    String userAgent,
    String device,
    String authMethod,
    Instant createdAt,
    Instant lastSeenAt,
    Instant expiresAt,
    Instant absoluteExpiresAt,
    SessionEnd end) {

  /** Touches closer together than this are coalesced into one write. */
  public static final Duration TOUCH_RESOLUTION = Duration.ofSeconds(1);

  /** Earliest-created first; ties broken by the smaller id. */
  public static final Comparator<Session> BY_CREATION =
      Comparator.comparing(Session::createdAt).thenComparing(Session::id);

  /** Soonest to expire first; ties go to the earlier-created, then to the smaller id. */
  public static final Comparator<Session> BY_EXPIRY =
      Comparator.comparing(Session::expiresAt).thenComparing(BY_CREATION);

  public Session {
    LoginAttempt.requireNonBlank(id, "id");
    requireNonNull(tokenHash, "tokenHash");
    LoginAttempt.requireNonBlank(user, "user");
    LoginAttempt.requireNonBlank(clientIp, "clientIp");
    LoginAttempt.requireNonBlank(authMethod, "authMethod");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(lastSeenAt, "lastSeenAt");
    requireNonNull(expiresAt, "expiresAt");
    userAgent = (userAgent == null) ? "" : userAgent;
    if (lastSeenAt.isBefore(createdAt)) {
      throw new IllegalArgumentException(
          "lastSeenAt " + lastSeenAt + " is before createdAt " + createdAt);
    }
    if (absoluteExpiresAt != null && expiresAt.isAfter(absoluteExpiresAt)) {
      throw new IllegalArgumentException(
          "expiresAt " + expiresAt + " is after absoluteExpiresAt " + absoluteExpiresAt);
    }
  }

  /**
   * A new live session for {@code attempt}, opened at {@code now} under {@code policy}'s timeouts.
   */
  public static Session open(
      String id, TokenHash tokenHash, LoginAttempt attempt, Instant now, QuotaPolicy policy) {
    Instant absolute = policy.maxLifetime().isZero() ? null : now.plus(policy.maxLifetime());
    return new Session(
        id,
        tokenHash,
        attempt.user(),
        attempt.clientIp(),
        attempt.userAgent(),
        attempt.device(),
        attempt.authMethod(),
        now,
        now,
        earlier(now.plus(policy.idleTimeout()), absolute),
        absolute,
        null);
  }

  /** The attempt that opened this session. */
  public LoginAttempt attempt() {
    return new LoginAttempt(user, clientIp, userAgent, device, authMethod);
  }

  /** Not ended and not expired at {@code now}. */
  public boolean isLive(Instant now) {
    return end == null && now.isBefore(expiresAt);
  }

  /**
   * How this session ended as seen at {@code now}: its recorded end, or, when it expired unmarked,
   * an {@code idle_timeout} or {@code max_lifetime} end at its expiry. Null while live.
   */
  public SessionEnd endAt(Instant now) {
    if (end != null) {
      return end;
    }
    if (now.isBefore(expiresAt)) {
      return null;
    }
    boolean absolute = absoluteExpiresAt != null && !expiresAt.isBefore(absoluteExpiresAt);
    return SessionEnd.of(absolute ? EndReason.MAX_LIFETIME : EndReason.IDLE_TIMEOUT, expiresAt);
  }

  /** This session with {@code end} recorded. */
  public Session withEnd(SessionEnd end) {
    requireNonNull(end, "end");
    return new Session(
        id,
        tokenHash,
        user,
        clientIp,
        userAgent,
        device,
        authMethod,
        createdAt,
        lastSeenAt,
        expiresAt,
        absoluteExpiresAt,
        end);
  }

  /**
   * This session after an authenticated request at {@code now}, or itself when the previous touch
   * is less than {@link #TOUCH_RESOLUTION} ago (so stores write at most once a second per session).
   */
  public Session touchedAt(Instant now, Duration idleTimeout) {
    if (now.isBefore(lastSeenAt.plus(TOUCH_RESOLUTION))) {
      return this;
    }
    return new Session(
        id,
        tokenHash,
        user,
        clientIp,
        userAgent,
        device,
        authMethod,
        createdAt,
        now,
        earlier(now.plus(idleTimeout), absoluteExpiresAt),
        absoluteExpiresAt,
        end);
  }

  /** Seconds until expiry at {@code now}, never negative: the {@code Session-Timeout} header. */
  public long secondsLeft(Instant now) {
    return Math.max(0, Duration.between(now, expiresAt).getSeconds());
  }

  private static Instant earlier(Instant a, Instant b) {
    return (b == null || a.isBefore(b)) ? a : b;
  }
}
