package dev.sessionlimits.server.service;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.Settings;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.Sentence;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The second step of a local account's sign-in: whether the account needs one, and the check of the
 * code that completes it. Codes are throttled exactly like passwords ({@link LoginThrottle}, by
 * device cookie or by user name and address): six digits would otherwise fall to guessing. Nothing
 * here opens a session; limits apply when the caller does, after the code is right.
 */
public final class SecondSteps {

  /** What a password sign-in needs next. */
  public enum Need {
    /** Nothing: the password was enough. */
    NOTHING,
    /** A code of the user's authenticator app, or a recovery code. */
    CODE,
    /** An administrator who must have a second factor sets one up first. */
    ENROLMENT
  }

  private final SecondFactorService factors;
  private final UserStore users;
  private final LoginThrottle throttle;
  private final DeviceCookies devices;
  private final Auditor auditor;

  /** Second steps for the accounts in {@code users} (read past any cache). */
  public SecondSteps(
      SecondFactorService factors,
      UserStore users,
      LoginThrottle throttle,
      DeviceCookies devices,
      Auditor auditor) {
    this.factors = requireNonNull(factors, "factors");
    this.users = requireNonNull(users, "users");
    this.throttle = requireNonNull(throttle, "throttle");
    this.devices = requireNonNull(devices, "devices");
    this.auditor = requireNonNull(auditor, "auditor");
  }

  /**
   * What {@code user}, whose password was just right, needs before a session: only a local account
   * (one with a password) has a second factor.
   */
  public Need needOf(User user, Settings settings) {
    if (user.passwordHash() == null) {
      return Need.NOTHING;
    }
    if (factors.enabled(user.username())) {
      return Need.CODE;
    }
    return (user.admin() && settings.mfaRequiredForAdmins()) ? Need.ENROLMENT : Need.NOTHING;
  }

  /** {@code username}'s account if it is local (has a password), read past any cache. */
  public Optional<User> localUser(String username) {
    return users.find(username).filter(u -> u.passwordHash() != null);
  }

  /**
   * The user, once {@code code} passes her second step: a code of her app (which, if she is still
   * enrolling, turns the factor on) or a recovery code.
   *
   * @param enrolling true if the ticket was for an enrolment: the code confirms the pending factor
   * @throws ApiException 401 {@code invalid_code} (counted in the throttle, audited as {@code
   *     mfa_failed}), 429 {@code too_many_attempts}, 403 {@code user_disabled}, 503 {@code
   *     overloaded}
   */
  public Passed pass(
      String username, String code, boolean enrolling, String clientIp, String deviceCookie) {
    LoginThrottle.Attempt attempt =
        throttle.admit(username, clientIp, devices.device(deviceCookie, username));
    try (attempt) {
      Optional<Passed> passed = check(username, code, enrolling);
      if (passed.isEmpty()) {
        attempt.failed();
        auditor.record("mfa_failed", null, clientIp, username, null, Map.of());
        throw ApiError.INVALID_CODE.exception(Sentence.of("mfa.code_wrong_or_used"));
      }
      attempt.succeeded();
      if (passed.get().user().disabled()) {
        throw ApiError.USER_DISABLED.exception();
      }
      return passed.get();
    }
  }

  /**
   * A passed second step.
   *
   * @param user the account
   * @param method {@code totp} or {@code recovery_code}
   * @param recoveryCodes the new recovery codes when this step turned the factor on, else empty
   */
  public record Passed(User user, String method, List<String> recoveryCodes) {}

  private Optional<Passed> check(String username, String code, boolean enrolling) {
    Optional<User> user = localUser(username);
    if (user.isEmpty()) {
      return Optional.empty();
    }
    if (enrolling) {
      SecondFactorService.Confirmation confirmation = factors.confirm(username, code);
      if (confirmation instanceof SecondFactorService.Confirmed confirmed) {
        return Optional.of(new Passed(user.get(), "totp", confirmed.recoveryCodes()));
      }
    }
    return switch (factors.check(username, code)) {
      case TOTP -> Optional.of(new Passed(user.get(), "totp", List.of()));
      case RECOVERY_CODE -> Optional.of(new Passed(user.get(), "recovery_code", List.of()));
      case REJECTED -> Optional.empty();
    };
  }
}
