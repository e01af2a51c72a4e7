package dev.sessionlimits.server.service;

import dev.sessionlimits.core.ExternalIdentity;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.Sentence;
import dev.sessionlimits.server.http.Text;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Password checks, for logins and Basic authentication alike: throttled by {@link LoginThrottle}
 * (per device cookie for a browser that signed in to the account before, otherwise per user name
 * and per address), as slow for unknown names as for real ones, and audited when wrong.
 *
 * <p>A local account with a password is checked against that password only. Any other name is, when
 * a directory is configured ({@link DirectoryPasswords}), checked against the directory, within the
 * same throttle admission: a wrong directory password counts and is audited exactly as a wrong
 * local one; a directory that does not answer is 503 {@code directory_unavailable}, neither a
 * sign-in nor a wrong password.
 *
 * <p>The user is read from the store itself, never from a cache: what a login's limits rest on (its
 * {@code sessions_limit}, admin flag, disabled flag) is then what the database says now, on
 * whichever node a change was made.
 */
public final class Logins {

  /** The {@code authMethod} of a login with a local password. */
  public static final String PASSWORD = "password";

  /** The {@code authMethod} of a login with a directory (LDAP) password. */
  public static final String LDAP = "ldap";

  /** The {@code Retry-After} of a {@code directory_unavailable} answer, in seconds. */
  static final long DIRECTORY_RETRY_AFTER_SECONDS = 5;

  private final UserStore users;
  private final Passwords passwords;
  private final LoginThrottle throttle;
  private final DeviceCookies devices;
  private final Auditor auditor;
  private final Optional<DirectoryPasswords> directory;

  /**
   * A user whose password was right, and how it was checked.
   *
   * @param user the account, enabled
   * @param authMethod {@link #PASSWORD} (the local password) or {@link #LDAP} (the directory's)
   */
  public record Verified(User user, String authMethod) {
    public Verified {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(authMethod, "authMethod");
    }
  }

  /** Checks passwords of {@code users} only, throttled, and records the outcome. */
  public Logins(
      UserStore users,
      Passwords passwords,
      LoginThrottle throttle,
      DeviceCookies devices,
      Auditor auditor) {
    this(users, passwords, throttle, devices, auditor, Optional.empty());
  }

  /**
   * Checks passwords of {@code users}, and of the {@code directory}'s users when one is given,
   * throttled, and records the outcome.
   */
  public Logins(
      UserStore users,
      Passwords passwords,
      LoginThrottle throttle,
      DeviceCookies devices,
      Auditor auditor,
      Optional<DirectoryPasswords> directory) {
    this.users = users;
    this.passwords = passwords;
    this.throttle = throttle;
    this.devices = devices;
    this.auditor = auditor;
    this.directory = Objects.requireNonNull(directory, "directory");
  }

  /**
   * The user whose name and password these are. The throttle is asked before the password is hashed
   * (or sent to the directory), so a burst of wrong passwords is refused before hashing, not after.
   *
   * @param deviceCookie the request's device cookie ({@link DeviceCookies#presented}), or null: if
   *     it holds a valid entry for this user, the attempt is judged by that device's failures alone
   * @throws ApiException 429 {@code too_many_attempts} (with {@code Retry-After}) while throttled,
   *     401 {@code invalid_credentials} for a wrong name or password (or a directory user whose
   *     account would be another's), 403 {@code user_disabled} for the right password of a disabled
   *     account, 503 {@code overloaded} (with {@code Retry-After}) when too many passwords are
   *     being checked to check this one soon, 503 {@code directory_unavailable} (with {@code
   *     Retry-After}) when the directory does not answer
   */
  public Verified checkPassword(
      String username, String password, String clientIp, String deviceCookie) {
    return check(
        username,
        password,
        clientIp,
        deviceCookie,
        "login_failed",
        () -> ApiError.INVALID_CREDENTIALS.exception(Sentence.of("credentials.wrong")));
  }

  /**
   * Like {@link #checkPassword}, for a signed-in user who confirms their current password (to
   * change it): a wrong one counts in the throttle as a wrong login does, is audited as {@code
   * password_change_failed} and is answered 403 {@code wrong_password}, since a 401 would read as
   * "not signed in". An account without a password of its own (the directory's or the identity
   * provider's user) is answered 403 {@code password_managed_elsewhere} before anything is checked.
   */
  public Verified confirmPassword(
      String username, String password, String clientIp, String deviceCookie) {
    Optional<User> user =
        (username != null && User.USERNAME.matcher(username).matches())
            ? users.find(username)
            : Optional.empty();
    if (user.isPresent() && user.get().passwordHash() == null) {
      boolean ldap = directory.isPresent() && directory.get().keeps(username);
      throw ApiError.PASSWORD_MANAGED_ELSEWHERE.exception(
          Sentence.of(ldap ? "password.kept_by_directory" : "password.kept_elsewhere"));
    }
    return check(
        username,
        password,
        clientIp,
        deviceCookie,
        "password_change_failed",
        () -> ApiError.WRONG_PASSWORD.exception(Sentence.of("password.current_wrong")));
  }

  /**
   * Like {@link #confirmPassword}, for a signed-in user who enters the password again before a
   * sensitive change ({@link Reauthentication}): a wrong one is audited as {@code
   * reauthentication_failed}. A directory user enters her directory password.
   */
  public Verified reauthenticate(
      String username, String password, String clientIp, String deviceCookie) {
    return check(
        username,
        password,
        clientIp,
        deviceCookie,
        "reauthentication_failed",
        () -> ApiError.WRONG_PASSWORD.exception(Sentence.of("password.wrong")));
  }

  private Verified check(
      String username,
      String password,
      String clientIp,
      String deviceCookie,
      String failedEvent,
      Supplier<ApiException> wrong) {
    LoginThrottle.Attempt attempt =
        throttle.admit(username, clientIp, devices.device(deviceCookie, username));
    // Closing settles nothing if the check was never finished (overloaded, store unavailable,
    // directory unavailable).
    try (attempt) {
      Optional<User> user =
          (username != null && User.USERNAME.matcher(username).matches())
              ? users.find(username)
              : Optional.empty();
      boolean checkable = password != null && password.length() <= Passwords.MAX_LENGTH;
      boolean local = user.isPresent() && user.get().passwordHash() != null;
      if (!local && checkable && username != null && directory.isPresent()) {
        return viaDirectory(
            directory.get().check(username, password),
            attempt,
            username,
            user.isPresent(),
            clientIp,
            failedEvent,
            wrong);
      }
      String hash = user.map(User::passwordHash).orElse(null);
      boolean ok = checkable && passwords.verify(password, hash);
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
      return enabled(user.get(), PASSWORD, clientIp);
    }
  }

  /** The directory's outcome, settled in the throttle and audited as a local check is. */
  private Verified viaDirectory(
      DirectoryPasswords.Outcome outcome,
      LoginThrottle.Attempt attempt,
      String username,
      boolean knownUser,
      String clientIp,
      String failedEvent,
      Supplier<ApiException> wrong) {
    if (outcome instanceof DirectoryPasswords.Accepted accepted) {
      attempt.succeeded();
      User user = accepted.user();
      if (accepted.created()) {
        auditor.record(
            "user_created",
            null,
            clientIp,
            user.username(),
            null,
            Map.of("external", ExternalIdentity.LDAP, "admin", user.admin()));
      }
      return enabled(user, LDAP, clientIp);
    }
    Map<String, Object> details = new HashMap<>();
    details.put("auth_method", LDAP);
    if (outcome instanceof DirectoryPasswords.Unavailable) {
      // Not settled: a directory that does not answer is no wrong password.
      details.put("directory_unavailable", true);
      auditor.record(failedEvent, null, clientIp, shown(username), null, details);
      long seconds = DIRECTORY_RETRY_AFTER_SECONDS;
      throw ApiError.DIRECTORY_UNAVAILABLE
          .exception(seconds)
          .withFields(Map.of("retry_after", seconds))
          .withHeaders(Map.of("Retry-After", Long.toString(seconds)));
    }
    // A wrong password, or a right one that may sign no account in (counted too: it signs no one
    // in, and whoever tries names that are taken learns no more than with a wrong password).
    attempt.failed();
    details.put("known_user", knownUser);
    details.put("known_device", attempt.trusted());
    if (outcome instanceof DirectoryPasswords.Refused refused) {
      details.put("reason", refused.reason());
    }
    auditor.record(failedEvent, null, clientIp, shown(username), null, details);
    throw wrong.get();
  }

  /** {@code user}, verified by {@code authMethod}; 403 {@code user_disabled} if disabled. */
  private Verified enabled(User user, String authMethod, String clientIp) {
    if (user.disabled()) {
      auditor.record(
          "login_failed", null, clientIp, user.username(), null, Map.of("disabled", true));
      throw ApiError.USER_DISABLED.exception();
    }
    return new Verified(user, authMethod);
  }

  private static String shown(String username) {
    if (username == null) {
      return null;
    }
    return Text.shorten(username, 64);
  }
}
