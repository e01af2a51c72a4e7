package dev.sessionlimits.core;

import java.time.Instant;

/**
 * What ended a session, as far as it is known. For {@link EndReason#SESSION_LIMIT_REACHED} it names
 * the exhausted {@code scope} and {@code limit} and the login that caused it, as for {@link
 * EndReason#SUPERSEDED} (without scope and limit); for endings by a person ({@code
 * revoked_by_admin}, {@code ended_by_user}) the {@code actor}. Absent parts are null.
 */
public record EndCause(
    Scope scope,
    Integer limit,
    Instant loginAt,
    String loginIp,
    String loginUserAgent,
    String loginDevice,
    String loginSessionId,
    String actor) {

  /** No known cause (expiry, logout). */
  public static final EndCause NONE = new EndCause(null, null, null, null, null, null, null, null);

  /** The cause of an eviction by a login that exhausted {@code scope}. */
  public static EndCause limitReached(Scope scope, int limit, Session login) {
    return new EndCause(
        scope,
        limit,
        login.createdAt(),
        login.clientIp(),
        login.userAgent(),
        login.device(),
        login.id(),
        null);
  }

  /** The cause of a {@link EndReason#SUPERSEDED} end: the new login of the same browser. */
  public static EndCause supersededBy(Session login) {
    return new EndCause(
        null,
        null,
        login.createdAt(),
        login.clientIp(),
        login.userAgent(),
        login.device(),
        login.id(),
        null);
  }

  /**
   * The cause of a {@link EndReason#SIGNED_OUT_AT_SIGN_IN} end: the login, elsewhere, of the user
   * who chose to end this session for it.
   */
  public static EndCause signedOutBy(Session login) {
    return supersededBy(login);
  }

  /** An ending by a person, such as an administrator's revocation. */
  public static EndCause byActor(String actor) {
    return new EndCause(null, null, null, null, null, null, null, actor);
  }
}
