package dev.sessionlimits.server.service;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.server.http.Json;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import net.logstash.logback.argument.StructuredArgument;
import net.logstash.logback.argument.StructuredArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit events. Auditing happens after the fact it records: if the log cannot be written,
 * the event is logged as an error here and the request still gets the answer for what really
 * happened. The events of one request (a login and the sessions it evicted) are written together,
 * in one write.
 *
 * <p>Each event written is also one line under the logger {@value #AUDIT_LOGGER}, its fields as
 * structured arguments: in the JSON log format they are fields of the line ({@code type}, {@code
 * actor}, {@code client_ip}, {@code subject}, {@code session_id}, {@code details} as JSON), so a
 * log collector sees the audit trail without reading the database.
 */
public final class Auditor {

  /** The logger every written audit event is logged under. */
  public static final String AUDIT_LOGGER = "sessionlimits.audit";

  private static final Logger LOG = LoggerFactory.getLogger(Auditor.class);
  private static final Logger AUDIT = LoggerFactory.getLogger(AUDIT_LOGGER);

  private final AuditLog log;
  private final InstantSource clock;

  /** Records into {@code log}, at the time of {@code clock}. */
  public Auditor(AuditLog log, InstantSource clock) {
    this.log = log;
    this.clock = clock;
  }

  /** Records one event; a failure to record is logged, never thrown. */
  public void record(
      String type,
      String actor,
      String clientIp,
      String subject,
      String sessionId,
      Map<String, ?> details) {
    AuditEvent event = event(type, actor, clientIp, subject, sessionId, details);
    try {
      log.record(event);
      logged(event);
    } catch (RuntimeException e) {
      failed(event, e);
    }
  }

  /** An event at the present time, to record later with others ({@link #recordAll}). */
  public AuditEvent event(
      String type,
      String actor,
      String clientIp,
      String subject,
      String sessionId,
      Map<String, ?> details) {
    return new AuditEvent(
        0, clock.instant(), type, actor, clientIp, subject, sessionId, Json.write(details));
  }

  /** Records {@code events} together; a failure to record is logged, never thrown. */
  public void recordAll(List<AuditEvent> events) {
    try {
      log.recordAll(events);
      events.forEach(Auditor::logged);
    } catch (RuntimeException e) {
      for (AuditEvent event : events) {
        failed(event, e);
      }
    }
  }

  private static void logged(AuditEvent event) {
    if (!AUDIT.isInfoEnabled()) {
      return;
    }
    StructuredArgument[] fields = {
      StructuredArguments.keyValue("type", event.type()),
      StructuredArguments.keyValue("actor", event.actor()),
      StructuredArguments.keyValue("client_ip", event.clientIp()),
      StructuredArguments.keyValue("subject", event.subject()),
      StructuredArguments.keyValue("session_id", event.sessionId()),
      StructuredArguments.raw("details", event.details())
    };
    AUDIT.info("audit {} {} {} {} {} {}", (Object[]) fields);
  }

  private static void failed(AuditEvent event, RuntimeException e) {
    LOG.error(
        "Could not write the audit event {} (actor {}, subject {}, session {}): {}",
        event.type(),
        event.actor(),
        event.subject(),
        event.sessionId(),
        event.details(),
        e);
  }
}
