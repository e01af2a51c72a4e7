package dev.sessionlimits.server.http;

import dev.sessionlimits.core.EndCause;
import dev.sessionlimits.core.Scope;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The plain sentence that tells a signed-out person why, e.g. "You were signed out because your
 * account signed in on Firefox on Linux from 203.0.113.7 at 14:02 UTC, and your limit is 1
 * session." Times are in UTC, with the date when it is not the day of {@code now}.
 */
public final class EndMessages {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);

  private EndMessages() {}

  static String describe(Session session, Instant now) {
    SessionEnd end = session.endAt(now);
    if (end == null) {
      throw new IllegalArgumentException("session " + session.id() + " has not ended");
    }
    String at = when(end.at(), now);
    EndCause cause = end.cause();
    return switch (end.reason()) {
      case LOGGED_OUT -> "You signed out of this session at " + at + ".";
      case SESSION_LIMIT_REACHED -> limitReached(cause, now);
      case IDLE_TIMEOUT ->
          "You were signed out at "
              + at
              + " because there was no activity for "
              + duration(Duration.between(session.lastSeenAt(), end.at()))
              + ".";
      case MAX_LIFETIME ->
          "You were signed out at "
              + at
              + " because a session lasts at most "
              + duration(Duration.between(session.createdAt(), end.at()))
              + ".";
      case ENDED_BY_USER ->
          "You were signed out at "
              + at
              + " because this session was ended from another of your sessions.";
      case REVOKED_BY_ADMIN -> "An administrator signed you out at " + at + ".";
      case USER_DISABLED -> "You were signed out at " + at + " because your account was disabled.";
      case PASSWORD_CHANGED ->
          "You were signed out at " + at + " because your password was changed.";
      case SUPERSEDED ->
          "You were signed out at "
              + at
              + " because this browser signed in again,"
              + " and the new sign-in replaced this session.";
      case IDENTITY_PROVIDER_LOGOUT ->
          "You were signed out at " + at + " because you signed out at your identity provider.";
      case SIGNED_OUT_AT_SIGN_IN -> signedOutAtSignIn(cause, at);
    };
  }

  private static String limitReached(EndCause cause, Instant now) {
    Scope scope = cause.scope();
    Integer limit = cause.limit();
    String limitText = (limit == null) ? "" : sessions(limit);
    if (cause.loginAt() == null) {
      // Applied by an administrator (POST /api/v1/sessions/enforce) rather than by a login.
      return (scope == Scope.IP)
          ? "You were signed out because an administrator applied the session limits, and the limit"
              + " for one address is "
              + limitText
              + "."
          : "You were signed out because an administrator applied the session limits, and your"
              + " limit is "
              + limitText
              + ".";
    }
    String device = device(cause);
    String at = when(cause.loginAt(), now);
    if (scope == Scope.IP) {
      return "You were signed out because someone signed in on "
          + device
          + " from your address "
          + cause.loginIp()
          + " at "
          + at
          + ", and the limit for one address is "
          + limitText
          + ".";
    }
    return "You were signed out because your account signed in on "
        + device
        + " from "
        + cause.loginIp()
        + " at "
        + at
        + ", and your limit is "
        + limitText
        + ".";
  }

  private static String signedOutAtSignIn(EndCause cause, String at) {
    if (cause.loginAt() == null) {
      return "You were signed out at "
          + at
          + " because you chose to sign this session out while signing in elsewhere.";
    }
    return "You were signed out at "
        + at
        + " because you chose to sign this session out while signing in on "
        + device(cause)
        + " from "
        + cause.loginIp()
        + ".";
  }

  private static String device(EndCause cause) {
    return (cause.loginDevice() == null || cause.loginDevice().isBlank())
        ? UserAgents.describe(cause.loginUserAgent())
        : "\"" + cause.loginDevice() + "\" (" + UserAgents.describe(cause.loginUserAgent()) + ")";
  }

  /** {@code n} and "session" or "sessions", as a sentence needs it. */
  public static String sessions(int n) {
    return n + (n == 1 ? " session" : " sessions");
  }

  private static String when(Instant at, Instant now) {
    var time = at.atZone(ZoneOffset.UTC);
    String hhmm = TIME.format(time) + " UTC";
    if (time.toLocalDate().equals(now.atZone(ZoneOffset.UTC).toLocalDate())) {
      return hhmm;
    }
    return hhmm + " on " + DATE.format(time);
  }

  /** {@code d} in words, for a person: "2 hours", "1 hour 30 minutes", "45 seconds". */
  public static String duration(Duration d) {
    long seconds = Math.max(0, d.getSeconds());
    if (seconds % 86_400 == 0 && seconds >= 86_400) {
      return plural(seconds / 86_400, "day");
    }
    if (seconds % 3600 == 0 && seconds >= 3600) {
      return plural(seconds / 3600, "hour");
    }
    if (seconds % 60 == 0 && seconds >= 60) {
      return plural(seconds / 60, "minute");
    }
    if (seconds > 3600) {
      return plural(seconds / 3600, "hour") + " " + plural((seconds % 3600) / 60, "minute");
    }
    if (seconds > 60) {
      return plural(seconds / 60, "minute") + " " + plural(seconds % 60, "second");
    }
    return plural(seconds, "second");
  }

  private static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }
}
