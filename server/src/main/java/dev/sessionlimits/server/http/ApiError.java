package dev.sessionlimits.server.http;

import java.util.Locale;

/**
 * Every error the API answers with, in one list: the machine-readable {@code code} a client reads,
 * its HTTP {@code status}, and the shape of its sentence for a person ({@link String#format} with
 * {@code %s} for what varies; {@code "%s"} alone where each place words it its own way). An answer
 * is an {@link ApiException} made here, rendered by {@link ErrorAnswers}; clients rely on the
 * codes, so a code is never renamed or given another status.
 */
public enum ApiError {
  INVALID_REQUEST(400, "invalid_request", "%s"),
  INVALID_JSON(400, "invalid_json", "%s"),
  INVALID_SETTINGS(400, "invalid_settings", "Nothing was changed, because %s refused: %s"),
  WEAK_PASSWORD(400, "weak_password", "%s"),
  RESOLVE_TOKEN_INVALID(
      400,
      "resolve_token_invalid",
      "This choice has expired, was used already or belongs to another browser: sign in again."),
  RESOLVE_SESSION_NOT_FOUND(
      400,
      "resolve_session_not_found",
      "You have no active session with id %s: sign in again to see your sessions as they are now."),
  UNKNOWN_GROUPS(400, "unknown_groups", "Nothing was changed, because %s."),
  NOT_AUTHENTICATED(
      401,
      "not_authenticated",
      "Sign in first: this request carries no session or" + " credentials that are accepted here."),
  INVALID_CREDENTIALS(401, "invalid_credentials", "%s"),
  SESSION_ENDED(401, "session_ended", "%s"),
  MFA_REQUIRED(
      401,
      "mfa_required",
      "The password is right. Enter the code of your authenticator app to finish signing in."),
  INVALID_CODE(401, "invalid_code", "%s"),
  INVALID_MFA_TICKET(
      401,
      "invalid_mfa_ticket",
      "This sign-in has expired or belongs to another browser: enter your password again."),
  FORBIDDEN(403, "forbidden", "Only administrators may do this."),
  SESSION_LIMIT_REACHED(403, "session_limit_reached", "%s"),
  WRONG_PASSWORD(403, "wrong_password", "%s"),
  USER_DISABLED(
      403, "user_disabled", "This account is disabled. Ask an administrator to enable" + " it."),
  PASSWORD_MANAGED_ELSEWHERE(403, "password_managed_elsewhere", "%s"),
  CSRF(403, "csrf", "%s"),
  MFA_NOT_AVAILABLE(403, "mfa_not_available", "%s"),
  METRICS_NOT_ALLOWED(
      403,
      "metrics_not_allowed",
      "The metrics are only for the addresses in %s; this connection's peer is not one."),
  REAUTHENTICATION_REQUIRED(
      403,
      "reauthentication_required",
      "Enter your password again to do" + " this: it must have been entered in the last %s."),
  NOT_FOUND(404, "not_found", "%s"),
  USER_NOT_FOUND(404, "user_not_found", "There is no user named %s."),
  SESSION_NOT_FOUND(404, "session_not_found", "%s"),
  GROUP_NOT_FOUND(404, "group_not_found", "There is no group named %s."),
  OIDC_NOT_CONFIGURED(
      404,
      "oidc_not_configured",
      "Signing in with an identity provider is not configured on this server."),
  METHOD_NOT_ALLOWED(405, "method_not_allowed", "%s"),
  NOT_ACCEPTABLE(
      406,
      "not_acceptable",
      "This is a stream of server-sent events: ask for it with"
          + " Accept: text/event-stream, as a browser's EventSource does."),
  USER_EXISTS(409, "user_exists", "A user named %s exists already."),
  MFA_ALREADY_ENABLED(
      409,
      "mfa_already_enabled",
      "Your authenticator app is set up already: turn it off first to set up another."),
  MFA_NOT_ENROLLING(
      409, "mfa_not_enrolling", "No authenticator app is being set up: start the set-up first."),
  GROUP_EXISTS(409, "group_exists", "A group named %s exists already."),
  LAST_ADMIN(
      409,
      "last_admin",
      "%s is the only enabled administrator; make another user an" + " administrator first."),
  CONFLICT(
      409,
      "conflict",
      "The settings were changed by someone else at the same time; nothing"
          + " was changed. Try again."),
  PAYLOAD_TOO_LARGE(413, "payload_too_large", "%s"),
  URI_TOO_LONG(414, "uri_too_long", "The request URI is too long."),
  UNSUPPORTED_MEDIA_TYPE(
      415,
      "unsupported_media_type",
      "The request body must be JSON" + " (Content-Type: application/json)."),
  TOO_MANY_ATTEMPTS(429, "too_many_attempts", "Too many wrong passwords. Try again in %s."),
  TOO_MANY_STREAMS(
      429,
      "too_many_streams",
      "This session already has %s open event streams."
          + " Close some tabs of this site, or reload them later."),
  HEADERS_TOO_LARGE(431, "headers_too_large", "The request headers are too large."),
  INTERNAL_ERROR(500, "internal_error", "%s"),
  STORE_UNAVAILABLE(
      503,
      "store_unavailable",
      "The session store cannot be reached right now, so"
          + " nothing was done. Try again in a moment."),
  OVERLOADED(
      503,
      "overloaded",
      "The server is checking too many passwords at once. Try again in" + " %s seconds."),
  DIRECTORY_UNAVAILABLE(
      503,
      "directory_unavailable",
      "The directory that checks this password cannot be reached right now, so nobody was"
          + " signed in. Try again in %s seconds."),
  UNAVAILABLE(
      503,
      "unavailable",
      "The server cannot take this request right now. Try again in a" + " moment."),
  IDENTITY_PROVIDER_UNAVAILABLE(
      503,
      "identity_provider_unavailable",
      "The identity provider cannot be reached right now, so nothing was done. Try again in a"
          + " moment."),
  HTTP_VERSION_NOT_SUPPORTED(
      505,
      "http_version_not_supported",
      "This server speaks HTTP/1.1 and"
          + " HTTP/1.0; the request's HTTP version is not supported.");

  private final int status;
  private final String code;
  private final String message;

  ApiError(int status, String code, String message) {
    this.status = status;
    this.code = code;
    this.message = message;
  }

  int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The sentence, its {@code %s} filled with {@code args} in order. */
  String message(Object... args) {
    return String.format(Locale.ROOT, message, args);
  }

  /** This error with its sentence filled with {@code args}, ready to throw. */
  public ApiException exception(Object... args) {
    return new ApiException(this, message(args));
  }
}
