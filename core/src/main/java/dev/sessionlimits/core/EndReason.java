package dev.sessionlimits.core;

import java.util.Locale;

/** Why a session ended. The API spells each one in lower case ({@link #code()}). */
public enum EndReason {
  /** The user signed out of this session. */
  LOGGED_OUT,
  /** A newer login exceeded a session limit and this session was ended to make room. */
  SESSION_LIMIT_REACHED,
  /** No authenticated request arrived for {@code SESSION_COOKIE_AGE} seconds. */
  IDLE_TIMEOUT,
  /** The session reached {@code SESSION_MAX_LIFETIME} seconds since login. */
  MAX_LIFETIME,
  /** The user signed this session out from another device. */
  ENDED_BY_USER,
  /** An administrator revoked the session. */
  REVOKED_BY_ADMIN,
  /** The account was disabled. */
  USER_DISABLED,
  /** The account's password was changed. */
  PASSWORD_CHANGED,
  /**
   * The browser holding this session signed in again, and the new session replaced this one (ASVS
   * 7.2.4: re-authentication never keeps the presented session alive).
   */
  SUPERSEDED,
  /**
   * The user signed out at the OpenID Connect provider she signed in with, which told this server
   * through back-channel logout.
   */
  IDENTITY_PROVIDER_LOGOUT,
  /**
   * The user, refused by her session limit while signing in elsewhere, chose to sign this session
   * out to make room for the new one.
   */
  SIGNED_OUT_AT_SIGN_IN;

  private final String code = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used in the HTTP API, e.g. {@code session_limit_reached}. */
  public String code() {
    return code;
  }

  /** The reason named by {@code code}, in either case. */
  public static EndReason fromCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
