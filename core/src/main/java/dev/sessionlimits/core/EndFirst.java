package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

/**
 * A session of the same user that a login ends to make room for itself ({@link
 * SessionStore#open(Session, QuotaPolicy, TokenHash, EndFirst)}): left out of the counts and ended
 * with {@code reason} atomically with the opening, as if it had ended just before.
 *
 * @param sessionId the public id of the session to end
 * @param reason why it ends, such as {@link EndReason#SIGNED_OUT_AT_SIGN_IN}
 */
public record EndFirst(String sessionId, EndReason reason) {
  public EndFirst {
    LoginAttempt.requireNonBlank(sessionId, "sessionId");
    requireNonNull(reason, "reason");
  }
}
