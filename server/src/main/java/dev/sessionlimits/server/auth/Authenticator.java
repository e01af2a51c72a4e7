package dev.sessionlimits.server.auth;

import dev.sessionlimits.core.Immediate;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.Settings;
import dev.sessionlimits.core.User;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.Localized;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.http.Sentence;
import dev.sessionlimits.server.http.Views;
import dev.sessionlimits.server.ops.Metrics;
import dev.sessionlimits.server.service.CachingUserStore;
import dev.sessionlimits.server.service.DeviceCookies;
import dev.sessionlimits.server.service.Logins;
import dev.sessionlimits.server.service.SecondSteps;
import dev.sessionlimits.server.service.SettingsService;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Who is calling: the holder of a live session (its cookie), or, where allowed and when {@code
 * AUTH_BASIC_ENABLED} is on, the user of HTTP Basic credentials, which open no session and are not
 * counted. A live session's request extends it unless it carries {@code X-Session-Quiet: 1}; its
 * answer carries {@code Session-Timeout}. An ended session is answered 401 {@code session_ended}
 * with the reason and a sentence.
 */
public final class Authenticator {

  static final String QUIET = "X-Session-Quiet";
  static final String SESSION_TIMEOUT = "Session-Timeout";
  static final String USER = "X-Session-User";
  static final String SESSION_ID = "X-Session-Id";

  /** The caller of a request; {@code session} is null for Basic authentication. */
  public record Caller(User user, Session session, String clientIp) {
    /** The caller's user name. */
    public String username() {
      return user.username();
    }

    boolean admin() {
      return user.admin();
    }
  }

  private final SessionManager sessions;
  private final CachingUserStore users;
  private final SettingsService settings;
  private final Logins logins;
  private final SecondSteps steps;
  private final Requests requests;
  private final Metrics metrics;
  private final InstantSource clock;

  /** Finds callers by session cookie or Basic credentials, as {@code settings} allow. */
  public Authenticator(
      SessionManager sessions,
      CachingUserStore users,
      SettingsService settings,
      Logins logins,
      SecondSteps steps,
      Requests requests,
      Metrics metrics,
      InstantSource clock) {
    this.sessions = sessions;
    this.users = users;
    this.settings = settings;
    this.logins = logins;
    this.steps = steps;
    this.requests = requests;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The caller, by session cookie or (if {@code allowBasic}) Basic credentials; 401 otherwise. */
  Caller require(Context ctx, boolean allowBasic) {
    Settings current = settings.settings();
    String token = requests.sessionToken(ctx);
    if (token != null) {
      Session session = session(ctx, token, current);
      if (session != null) {
        Optional<User> user = users.find(session.user());
        if (user.isPresent() && !user.get().disabled()) {
          return new Caller(user.get(), session, requests.clientIp(ctx));
        }
      }
    }
    String authorization = ctx.header("Authorization");
    if (allowBasic
        && current.authBasicEnabled()
        && authorization != null
        && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      String[] credentials = decodeBasic(authorization.substring(6).trim());
      User user;
      try {
        user =
            logins
                .checkPassword(
                    credentials[0],
                    credentials[1],
                    requests.clientIp(ctx),
                    DeviceCookies.presented(ctx))
                .user();
      } catch (RuntimeException e) {
        metrics.credentialsFailed(e);
        throw e;
      }
      if (steps.needOf(user, current) != SecondSteps.Need.NOTHING) {
        throw ApiError.MFA_REQUIRED.exception(Sentence.of("credentials.basic_no_second_factor"));
      }
      return new Caller(user, null, requests.clientIp(ctx));
    }
    throw ApiException.notAuthenticated();
  }

  /** Like {@link #require}, and 403 {@code forbidden} unless the caller is an administrator. */
  public Caller requireAdmin(Context ctx) {
    Caller caller = require(ctx, true);
    if (!caller.admin()) {
      throw ApiException.forbidden();
    }
    return caller;
  }

  /**
   * The live session of {@code token} (extending it unless quiet, and setting {@code
   * Session-Timeout}); null when the token is unknown; 401 {@code session_ended} when it ended.
   */
  Session session(Context ctx, String token, Settings current) {
    Session session = liveSession(token, isQuiet(ctx.header(QUIET)), current);
    if (session != null) {
      ctx.header(SESSION_TIMEOUT, Long.toString(session.secondsLeft(clock.instant())));
    }
    return session;
  }

  /**
   * The forward-auth verdict: the live session of {@code token} (extended unless {@code quiet})
   * whose user exists and is enabled; 401 otherwise, {@code session_ended} with the reason if it
   * ended.
   */
  Session verify(String token, boolean quiet) {
    Session session = (token == null) ? null : liveSession(token, quiet, settings.settings());
    Optional<User> user = (session == null) ? Optional.empty() : users.find(session.user());
    if (user.isEmpty() || user.get().disabled()) {
      throw ApiException.notAuthenticated();
    }
    return session;
  }

  /**
   * {@link #verify}, if it can be answered without waiting for the store (from this node's caches
   * of sessions, users and settings): for the thread that reads requests, which must not block.
   * {@code MustWait} when it cannot; then call {@code verify} on a thread that may wait.
   */
  Immediate<Session> verifyWithoutWaiting(String token, boolean quiet) {
    if (token == null) {
      throw ApiException.notAuthenticated();
    }
    if (!(settings.settingsWithoutWaiting() instanceof Immediate.Known<Settings> current)) {
      return Immediate.mustWait();
    }
    Immediate<Lookup> lookup =
        sessions.authenticateWithoutWaiting(
            token, Duration.ofSeconds(current.value().sessionCookieAge()), quiet);
    if (!(lookup instanceof Immediate.Known<Lookup> known
        && known.value() instanceof Lookup.Live live)) {
      return Immediate.mustWait();
    }
    if (!(users.findWithoutWaiting(live.session().user())
        instanceof Immediate.Known<Optional<User>> user)) {
      return Immediate.mustWait();
    }
    if (user.value().isEmpty() || user.value().get().disabled()) {
      throw ApiException.notAuthenticated();
    }
    return Immediate.known(live.session());
  }

  /** Seconds until {@code session} ends if idle, for {@code Session-Timeout}. */
  long secondsLeft(Session session) {
    return session.secondsLeft(clock.instant());
  }

  static boolean isQuiet(String header) {
    return "1".equals(header);
  }

  private Session liveSession(String token, boolean quiet, Settings current) {
    Lookup lookup =
        sessions.authenticate(token, Duration.ofSeconds(current.sessionCookieAge()), quiet);
    if (lookup instanceof Lookup.Live live) {
      return live.session();
    }
    if (lookup instanceof Lookup.Ended ended) {
      throw sessionEnded(ended.session());
    }
    return null;
  }

  /**
   * What {@code token} stands for, without extending its session: for streams and checks that must
   * not keep an idle person signed in.
   */
  public Lookup peek(String token) {
    return sessions.authenticate(token, Duration.ZERO, true);
  }

  /**
   * The 401 {@code session_ended} answer for {@code session}; its body is also the pushed event.
   */
  public ApiException sessionEnded(Session session) {
    Map<String, Object> body = Views.ended(session, clock.instant());
    Localized message = (Localized) body.remove("message");
    body.remove("error");
    return ApiError.SESSION_ENDED
        .exception(message)
        .withFields(body)
        .withHeaders(Map.of("X-Session-End-Reason", (String) body.get("reason")));
  }

  private static String[] decodeBasic(String encoded) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiError.INVALID_CREDENTIALS.exception(Sentence.of("credentials.basic_not_base64"));
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw ApiError.INVALID_CREDENTIALS.exception(Sentence.of("credentials.basic_no_colon"));
    }
    return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }
}
