package dev.sessionlimits.server.auth;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.Settings;
import dev.sessionlimits.core.User;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.EndMessages;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Re-authentication before sensitive changes (ASVS 7.5.1 and 7.5.2): the one place that says which
 * changes need a recent password entry, and that checks it.
 *
 * <p>A session's holder entered the password recently when the login, a re-authentication ({@code
 * POST /api/v1/me/reauthenticate}) or a password change (whose body carries the current password)
 * was less than the window ({@code SESSIONLIMITS_REAUTH_WINDOW}) ago. The time is kept with the
 * session in the store ({@link SessionManager#recordPasswordEntry}), so it holds on every node. A
 * caller with HTTP Basic credentials gave the password with this very request, so it is always
 * recent.
 *
 * <p>These need it: setting anyone's password through the users API (not the first password of a
 * new user, which changes no one's access; {@code POST /api/v1/me/password} asks for the current
 * password itself), making a user an administrator (creating one, or promoting one), turning {@code
 * QUOTA_CONSTRAINTS_ENABLED} off or {@code AUTH_BASIC_ENABLED} on, creating a service's API key
 * (which opens sessions for any user), and a user ending her own other sessions (one or all of
 * them). Otherwise the answer is 403 {@code reauthentication_required} and nothing changes.
 */
public final class Reauthentication {

  private final SessionManager sessions;
  private final Duration window;
  private final InstantSource clock;

  /** Asks for the password again when it was entered more than {@code window} ago. */
  public Reauthentication(SessionManager sessions, Duration window, InstantSource clock) {
    this.sessions = sessions;
    this.window = window;
    this.clock = clock;
  }

  /** 403 {@code reauthentication_required} unless the caller entered the password recently. */
  public void require(Authenticator.Caller caller) {
    if (caller.session() != null
        && !sessions.enteredPasswordWithin(caller.session().id(), window)) {
      throw ApiError.REAUTHENTICATION_REQUIRED
          .exception(EndMessages.span(window))
          .withFields(map("window_seconds", window.getSeconds()));
    }
  }

  /** {@link #require} if creating a user with {@code admin} makes an administrator. */
  public void requireToCreate(Authenticator.Caller caller, boolean admin) {
    if (admin) {
      require(caller);
    }
  }

  /** {@link #require} if the change of {@code before} sets a password or makes an administrator. */
  public void requireToChange(
      Authenticator.Caller caller, User before, boolean setsPassword, boolean admin) {
    if (setsPassword || (admin && !before.admin())) {
      require(caller);
    }
  }

  /** {@link #require} if going from {@code before} to {@code after} weakens the defences. */
  public void requireToChange(Authenticator.Caller caller, Settings before, Settings after) {
    if ((before.quotaConstraintsEnabled() && !after.quotaConstraintsEnabled())
        || (!before.authBasicEnabled() && after.authBasicEnabled())) {
      require(caller);
    }
  }

  /**
   * Records that the caller's session entered the password now; returns until when that counts.
   *
   * @throws ApiException 401 if the session ended meanwhile
   */
  Instant renew(Authenticator.Caller caller) {
    if (!sessions.recordPasswordEntry(caller.session().id())) {
      throw ApiException.notAuthenticated();
    }
    return clock.instant().plus(window);
  }

  Duration window() {
    return window;
  }
}
