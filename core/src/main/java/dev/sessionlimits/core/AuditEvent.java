package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One audited happening: a login, a refusal, an eviction, a logout, a revocation, a user or
 * settings change. {@code type} is a short code such as {@code login} or {@code settings_changed};
 * {@code actor} who did it (null for the system), {@code clientIp} from where, {@code subject} whom
 * or what it concerns, {@code sessionId} the session if any, and {@code details} a JSON object as
 * text (stores keep it as given). {@code id} is assigned by the log; 0 before that.
 */
public record AuditEvent(
    long id,
    Instant at,
    String type,
    String actor,
    String clientIp,
    String subject,
    String sessionId,
    String details) {

  public AuditEvent {
    requireNonNull(at, "at");
    LoginAttempt.requireNonBlank(type, "type");
    details = (details == null) ? "{}" : details;
  }

  /** This event with the id the log gave it. */
  public AuditEvent withId(long id) {
    return new AuditEvent(id, at, type, actor, clientIp, subject, sessionId, details);
  }
}
