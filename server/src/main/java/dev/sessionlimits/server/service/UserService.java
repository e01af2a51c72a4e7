package dev.sessionlimits.server.service;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExternalIdentities;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.SecondFactors;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserQuery;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/**
 * The rules of changing a user, whoever asks and however: a change that would leave no enabled
 * administrator is refused (409 {@code last_admin}, decided atomically by the store); disabling a
 * user ends all of their sessions ({@code user_disabled}); a new password ends all of the user's
 * sessions but the one it was set from ({@code password_changed}); deleting a user ends all of them
 * ({@code revoked_by_admin}) and forgets her group memberships and the external identities (LDAP
 * entry, OIDC subject) that signed in as her, so a new user of the same name inherits neither. The
 * routes check the request, the caller's rights and the password's strength first, and record the
 * audit event after.
 */
public final class UserService {

  private final SessionManager sessions;
  private final UserStore users;
  private final SecondFactors secondFactors;
  private final Passwords passwords;
  private final GroupStore groups;
  private final ExternalIdentities identities;
  private final InstantSource clock;

  /**
   * {@code users} must read the store itself, not a cache: a change starts from what is stored;
   * {@code groups}, {@code identities} and {@code secondFactors} forget a deleted user.
   */
  public UserService(
      SessionManager sessions,
      UserStore users,
      Passwords passwords,
      GroupStore groups,
      ExternalIdentities identities,
      SecondFactors secondFactors,
      InstantSource clock) {
    this.sessions = sessions;
    this.users = users;
    this.secondFactors = secondFactors;
    this.passwords = passwords;
    this.groups = groups;
    this.identities = identities;
    this.clock = clock;
  }

  /** A user's wanted state after a change: {@code password} null keeps the current one. */
  public record Change(String password, boolean admin, boolean disabled, Integer sessionsLimit) {}

  /** A change made: the user before and after, and the ids of the sessions it ended. */
  public record Changed(User before, User after, List<String> endedSessions) {}

  /** Every user. */
  public List<User> list() {
    return users.list();
  }

  /** One page of users ({@link UserQuery}). */
  public UserQuery.Page page(UserQuery query) {
    return users.page(query);
  }

  /** The user; 404 {@code user_not_found} if there is none. */
  public User existing(String username) {
    return users.find(username).orElseThrow(() -> ApiError.USER_NOT_FOUND.exception(username));
  }

  /** Whether there is a user named {@code username}. */
  public boolean exists(String username) {
    return users.find(username).isPresent();
  }

  /** Creates the user; 409 {@code user_exists} if the name is taken. */
  public User create(
      String username, String password, boolean admin, boolean disabled, Integer limit) {
    Instant now = clock.instant();
    User user = new User(username, passwords.hash(password), admin, disabled, limit, now, now);
    if (!users.create(user)) {
      throw ApiError.USER_EXISTS.exception(username);
    }
    return user;
  }

  /**
   * Changes {@code user} as {@code change} says, by {@code actor}; {@code keepSession} (or null) is
   * the session that a new password leaves open, its setter's own.
   */
  public Changed update(User user, Change change, String actor, String keepSession) {
    User updated =
        new User(
            user.username(),
            (change.password() == null) ? user.passwordHash() : passwords.hash(change.password()),
            change.admin(),
            change.disabled(),
            change.sessionsLimit(),
            user.createdAt(),
            clock.instant());
    guarded(users.updateKeepingAnAdministrator(updated), user.username());
    List<String> ended = List.of();
    if (change.disabled() && !user.disabled()) {
      ended = sessions.endAllOf(user.username(), EndReason.USER_DISABLED, actor, null);
    } else if (change.password() != null) {
      ended = sessions.endAllOf(user.username(), EndReason.PASSWORD_CHANGED, actor, keepSession);
    }
    return new Changed(user, updated, ended);
  }

  /**
   * A user's own new password, set from {@code keepSession}, which stays open while the user's
   * other sessions end; 401 if the user is gone meanwhile.
   *
   * @return the ids of the sessions it ended
   */
  public List<String> changeOwnPassword(User user, String password, String keepSession) {
    User updated =
        new User(
            user.username(),
            passwords.hash(password),
            user.admin(),
            user.disabled(),
            user.sessionsLimit(),
            user.createdAt(),
            clock.instant());
    if (!users.update(updated)) {
      throw ApiException.notAuthenticated();
    }
    return sessions.endAllOf(
        user.username(), EndReason.PASSWORD_CHANGED, user.username(), keepSession);
  }

  /**
   * Deletes the user, by {@code actor}, ends all of their sessions, and forgets her group
   * memberships (from every source) and her external identities.
   *
   * @return the ids of the sessions it ended
   */
  public List<String> delete(String username, String actor) {
    guarded(users.deleteKeepingAnAdministrator(username), username);
    List<String> ended = sessions.endAllOf(username, EndReason.REVOKED_BY_ADMIN, actor, null);
    groups.forget(username);
    identities.forget(username);
    // A new account of the same name must not inherit her authenticator app.
    secondFactors.forget(username);
    return ended;
  }

  /** 404 or 409 {@code last_admin} unless the store made the guarded change. */
  private static void guarded(UserStore.Guarded outcome, String username) {
    switch (outcome) {
      case DONE -> {}
      case NOT_FOUND -> throw ApiError.USER_NOT_FOUND.exception(username);
      case LAST_ADMINISTRATOR -> throw ApiError.LAST_ADMIN.exception(username);
    }
  }
}
