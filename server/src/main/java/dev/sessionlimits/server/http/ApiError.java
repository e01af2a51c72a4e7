package dev.sessionlimits.server.http;

/**
 * Every error the API answers with, in one list: the machine-readable {@code code} a client reads,
 * and its HTTP {@code status}. Its sentence for a person is {@code error.<code>} of the message
 * bundles ({@link Messages}: {@code {0}} for what varies; {@code {0}} alone where each place words
 * it its own way, with a {@link Sentence} of its own). An answer is an {@link ApiException} made
 * here, rendered by {@link ErrorAnswers} in the request's language; clients rely on the codes, so a
 * code is never renamed, translated or given another status.
 */
public enum ApiError {
  INVALID_REQUEST(400, "invalid_request"),
  INVALID_JSON(400, "invalid_json"),
  INVALID_SETTINGS(400, "invalid_settings"),
  WEAK_PASSWORD(400, "weak_password"),
  RESOLVE_TOKEN_INVALID(400, "resolve_token_invalid"),
  RESOLVE_SESSION_NOT_FOUND(400, "resolve_session_not_found"),
  UNKNOWN_GROUPS(400, "unknown_groups"),
  NOT_AUTHENTICATED(401, "not_authenticated"),
  INVALID_CREDENTIALS(401, "invalid_credentials"),
  SESSION_ENDED(401, "session_ended"),
  MFA_REQUIRED(401, "mfa_required"),
  INVALID_CODE(401, "invalid_code"),
  INVALID_MFA_TICKET(401, "invalid_mfa_ticket"),
  API_KEY_INVALID(401, "api_key_invalid"),
  FORBIDDEN(403, "forbidden"),
  SESSION_LIMIT_REACHED(403, "session_limit_reached"),
  WRONG_PASSWORD(403, "wrong_password"),
  USER_DISABLED(403, "user_disabled"),
  PASSWORD_MANAGED_ELSEWHERE(403, "password_managed_elsewhere"),
  CSRF(403, "csrf"),
  MFA_NOT_AVAILABLE(403, "mfa_not_available"),
  METRICS_NOT_ALLOWED(403, "metrics_not_allowed"),
  REAUTHENTICATION_REQUIRED(403, "reauthentication_required"),
  API_KEY_SCOPE_MISSING(403, "api_key_scope_missing"),
  API_KEY_NOT_FOUND(404, "api_key_not_found"),
  NOT_FOUND(404, "not_found"),
  USER_NOT_FOUND(404, "user_not_found"),
  SESSION_NOT_FOUND(404, "session_not_found"),
  GROUP_NOT_FOUND(404, "group_not_found"),
  OIDC_NOT_CONFIGURED(404, "oidc_not_configured"),
  METHOD_NOT_ALLOWED(405, "method_not_allowed"),
  NOT_ACCEPTABLE(406, "not_acceptable"),
  USER_EXISTS(409, "user_exists"),
  MFA_ALREADY_ENABLED(409, "mfa_already_enabled"),
  MFA_NOT_ENROLLING(409, "mfa_not_enrolling"),
  GROUP_EXISTS(409, "group_exists"),
  LAST_ADMIN(409, "last_admin"),
  CONFLICT(409, "conflict"),
  SERVICE_USER_CONFLICT(409, "service_user_conflict"),
  PAYLOAD_TOO_LARGE(413, "payload_too_large"),
  URI_TOO_LONG(414, "uri_too_long"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
  TOO_MANY_ATTEMPTS(429, "too_many_attempts"),
  TOO_MANY_STREAMS(429, "too_many_streams"),
  HEADERS_TOO_LARGE(431, "headers_too_large"),
  INTERNAL_ERROR(500, "internal_error"),
  STORE_UNAVAILABLE(503, "store_unavailable"),
  OVERLOADED(503, "overloaded"),
  DIRECTORY_UNAVAILABLE(503, "directory_unavailable"),
  UNAVAILABLE(503, "unavailable"),
  IDENTITY_PROVIDER_UNAVAILABLE(503, "identity_provider_unavailable"),
  HTTP_VERSION_NOT_SUPPORTED(505, "http_version_not_supported");

  private final int status;
  private final String code;

  ApiError(int status, String code) {
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The sentence, its placeholders filled with {@code args} in order. */
  Sentence message(Object... args) {
    return Sentence.of("error." + code, args);
  }

  /** This error with its sentence filled with {@code args}, ready to throw. */
  public ApiException exception(Object... args) {
    return new ApiException(this, message(args));
  }
}
