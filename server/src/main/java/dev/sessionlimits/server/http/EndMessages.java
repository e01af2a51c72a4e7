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
 * session.", worded in the reader's language ({@code end.*} of the message bundles). Times are in
 * UTC, with the date when it is not the day of {@code now}: the server does not know the reader's
 * time zone, so the web UI words the end itself from the {@code reason} code and the times.
 */
public final class EndMessages {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

  private EndMessages() {}

  /** Why {@code session} ended, in English. */
  static String describe(Session session, Instant now) {
    return sentence(session, now).english();
  }

  /** Why {@code session} ended, worded when written out. */
  static Localized sentence(Session session, Instant now) {
    SessionEnd end = session.endAt(now);
    if (end == null) {
      throw new IllegalArgumentException("session " + session.id() + " has not ended");
    }
    Localized at = when(end.at(), now);
    return switch (end.reason()) {
      case SESSION_LIMIT_REACHED -> limitReached(end.cause(), now);
      case IDLE_TIMEOUT ->
          Sentence.of(
              "end.idle_timeout", at, span(Duration.between(session.lastSeenAt(), end.at())));
      case MAX_LIFETIME ->
          Sentence.of(
              "end.max_lifetime", at, span(Duration.between(session.createdAt(), end.at())));
      case SIGNED_OUT_AT_SIGN_IN -> signedOutAtSignIn(end.cause(), at);
      default -> Sentence.of("end." + end.reason().code(), at);
    };
  }

  private static Sentence limitReached(EndCause cause, Instant now) {
    boolean ip = cause.scope() == Scope.IP;
    Object limit = (cause.limit() == null) ? "" : sessions(cause.limit());
    if (cause.loginAt() == null) {
      // Applied by an administrator (POST /api/v1/sessions/enforce) rather than by a login.
      return Sentence.of(ip ? "end.limit_applied_ip" : "end.limit_applied_user", limit);
    }
    return Sentence.of(
        ip ? "end.limit_reached_ip" : "end.limit_reached_user",
        device(cause),
        cause.loginIp(),
        when(cause.loginAt(), now),
        limit);
  }

  private static Sentence signedOutAtSignIn(EndCause cause, Localized at) {
    if (cause == null || cause.loginAt() == null) {
      return Sentence.of("end.signed_out_at_sign_in", at);
    }
    return Sentence.of("end.signed_out_at_sign_in_on", at, device(cause), cause.loginIp());
  }

  private static Object device(EndCause cause) {
    Localized browser = UserAgents.words(cause.loginUserAgent());
    return (cause.loginDevice() == null || cause.loginDevice().isBlank())
        ? browser
        : Sentence.of("end.named_device", cause.loginDevice(), browser);
  }

  /** {@code n} and "session" or "sessions", as a sentence needs it. */
  public static Sentence sessions(int n) {
    return Sentence.of("count.sessions", n);
  }

  /** The time of {@code at} in UTC, with its date when that is not the day of {@code now}. */
  private static Localized when(Instant at, Instant now) {
    var time = at.atZone(ZoneOffset.UTC);
    String hhmm = TIME.format(time);
    if (time.toLocalDate().equals(now.atZone(ZoneOffset.UTC).toLocalDate())) {
      return Sentence.of("time.utc_today", hhmm);
    }
    return locale -> {
      String pattern = Messages.bundle(locale).getString("time.date_pattern");
      String date = DateTimeFormatter.ofPattern(pattern, locale).format(time);
      return Sentence.of("time.utc_other_day", hhmm, date).in(locale);
    };
  }

  /** {@code d} in English words, for a person: "2 hours", "1 hour 30 minutes", "45 seconds". */
  public static String duration(Duration d) {
    return span(d).english();
  }

  /** {@code d} in words, for a person, worded when written out. */
  public static Sentence span(Duration d) {
    long seconds = Math.max(0, d.getSeconds());
    if (seconds % 86_400 == 0 && seconds >= 86_400) {
      return unit("days", seconds / 86_400);
    }
    if (seconds % 3600 == 0 && seconds >= 3600) {
      return unit("hours", seconds / 3600);
    }
    if (seconds % 60 == 0 && seconds >= 60) {
      return unit("minutes", seconds / 60);
    }
    if (seconds > 3600) {
      return Sentence.of(
          "duration.pair", unit("hours", seconds / 3600), unit("minutes", (seconds % 3600) / 60));
    }
    if (seconds > 60) {
      return Sentence.of(
          "duration.pair", unit("minutes", seconds / 60), unit("seconds", seconds % 60));
    }
    return unit("seconds", seconds);
  }

  private static Sentence unit(String unit, long n) {
    return Sentence.of("duration." + unit, n);
  }
}
