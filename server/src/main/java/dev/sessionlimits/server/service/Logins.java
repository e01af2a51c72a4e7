package dev.sessionlimits.server.service;

import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.EndMessages;
import dev.sessionlimits.server.http.Text;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Password checks, for logins and Basic authentication alike: throttled by {@link LoginThrottle}
 * (per device cookie for a browser that signed in to the account before, otherwise per user name
 * and per address), as slow for unknown names as for real ones, and audited when wrong.
 *
 * <p>The user is read from the store itself, never from a cache: what a login's limits rest on (its
 * {@code sessions_limit}, admin flag, disabled flag) is then what the database says now, on
 * whichever node a change was made.
 */
public final class Logins {

  private final UserStore users;
  private final Passwords passwords;
  private final LoginThrottle throttle;
  private final DeviceCookies devices;
  private final Auditor auditor;

  /** Checks passwords of {@code users}, throttled, and records the outcome. */
  public Logins(
      UserStore users,
      Passwords passwords,
      LoginThrottle throttle,
      DeviceCookies devices,
      Auditor auditor) {
    this.users = users;
    this.passwords = passwords;
    this.throttle = throttle;
    this.devices = devices;
    this.auditor = auditor;
  }

  /**
   * The user whose name and password these are. The throttle is asked before the password is
   * hashed, so a burst of wrong passwords is refused before hashing, not after.
   *
   * @param deviceCookie the request's device cookie ({@link DeviceCookies#presented}), or null: if
   *     it holds a valid entry for this user, the attempt is judged by that device's failures alone
   * @throws ApiException 429 {@code too_many_attempts} (with {@code Retry-After}) while throttled,
   *     401 {@code invalid_credentials} for a wrong name or password, 403 {@code user_disabled} for
   *     the right password of a disabled account, 503 {@code overloaded} (with {@code Retry-After})
   *     when too many passwords are being checked to check this one soon
   */
  public User checkPassword(
      String username, String password, String clientIp, String deviceCookie) {
    return check(
        username,
        password,
        clientIp,
        deviceCookie,
        "login_failed",
        () -> ApiError.INVALID_CREDENTIALS.exception("The user name or password is wrong."));
  }

  /**
   * Like {@link #checkPassword}, for a signed-in user who confirms their current password (to
   * change it): a wrong one counts in the throttle as a wrong login does, is audited as {@code
   * password_change_failed} and is answered 403 {@code wrong_password}, since a 401 would read as
   * "not signed in".
   */
  public User confirmPassword(
      String username, String password, String clientIp, String deviceCookie) {
    return check(
        username,
        password,
        clientIp,
        deviceCookie,
        "password_change_failed",
        () -> ApiError.WRONG_PASSWORD.exception("The current password is wrong."));
  }

  /**
   * Like {@link #confirmPassword}, for a signed-in user who enters the password again before a
   * sensitive change ({@link Reauthentication}): a wrong one is audited as {@code
   * reauthentication_failed}.
   */
  public User reauthenticate(
      String username, String password, String clientIp, String deviceCookie) {
    return check(
        username,
        password,
        clientIp,
        deviceCookie,
        "reauthentication_failed",
        () -> ApiError.WRONG_PASSWORD.exception("The password is wrong."));
  }

  private User check(
      String username,
      String password,
      String clientIp,
      String deviceCookie,
      String failedEvent,
      Supplier<ApiException> wrong) {
    LoginThrottle.Admission admission;
    try {
      admission =
          throttle.begin(
              username, clientIp, devices.device(deviceCookie, username), Passwords.MAX_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Passwords.overloaded();
    }
    if (admission instanceof LoginThrottle.Blocked blocked) {
      Duration wait = blocked.retryAfter();
      long seconds = Math.max(1, wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0));
      throw ApiError.TOO_MANY_ATTEMPTS
          .exception(EndMessages.duration(Duration.ofSeconds(seconds)))
          .withFields(Map.of("retry_after", seconds))
          .withHeaders(Map.of("Retry-After", Long.toString(seconds)));
    }
    if (!(admission instanceof LoginThrottle.Attempt attempt)) {
      throw Passwords.overloaded();
    }
    // Closing settles nothing if the check was never finished (overloaded, store unavailable).
    try (attempt) {
      Optional<User> user =
          (username != null && User.USERNAME.matcher(username).matches())
              ? users.find(username)
              : Optional.empty();
      String hash = user.map(User::passwordHash).orElse(null);
      boolean ok =
          password != null
              && password.length() <= Passwords.MAX_LENGTH
              && passwords.verify(password, hash);
      if (!ok) {
        attempt.failed();
        auditor.record(
            failedEvent,
            null,
            clientIp,
            shown(username),
            null,
            Map.of("known_user", user.isPresent(), "known_device", attempt.trusted()));
        throw wrong.get();
      }
      attempt.succeeded();
      if (user.get().disabled()) {
        auditor.record("login_failed", null, clientIp, username, null, Map.of("disabled", true));
        throw ApiError.USER_DISABLED.exception();
      }
      return user.get();
    }
  }

  private static String shown(String username) {
    if (username == null) {
      return null;
    }
    return Text.shorten(username, 64);
  }
}
