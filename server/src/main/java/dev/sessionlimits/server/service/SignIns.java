package dev.sessionlimits.server.service;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.EndFirst;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.QuotaDecision;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Scope;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.Settings;
import dev.sessionlimits.core.StoreUnavailableException;
import dev.sessionlimits.core.User;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.EndMessages;
import dev.sessionlimits.server.http.Sentence;
import dev.sessionlimits.server.ops.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a session for a user whose identity was just proven, whichever way she signed in (a local
 * password, the directory, the identity provider): the same limits, the same refusal, the same
 * audit trail.
 *
 * <p>The limit is the user's effective one ({@link Groups#policy}: her own, else the highest of her
 * groups', else {@code SESSIONS_PER_USER}), read from the store for this login, under the settings
 * the login is decided on. The store's atomic open applies it; nothing here counts sessions.
 */
public final class SignIns {

  private static final Logger LOG = LoggerFactory.getLogger(SignIns.class);

  private final SessionManager sessions;
  private final SettingsService settings;
  private final GroupStore groups;
  private final Auditor auditor;
  private final Metrics metrics;

  /**
   * @param groups read on every sign-in, never through a cache: a group's new limit applies to the
   *     next login on every node
   */
  public SignIns(
      SessionManager sessions,
      SettingsService settings,
      GroupStore groups,
      Auditor auditor,
      Metrics metrics) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.groups = Objects.requireNonNull(groups, "groups");
    this.auditor = Objects.requireNonNull(auditor, "auditor");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * The session opened for {@code user}: the sessions it ended to make room, and the one it
   * superseded, are audited with it.
   *
   * @param attempt who signs in, from where and how ({@link LoginAttempt#authMethod()})
   * @param presentedToken the session token this browser presents, or null: a live one ends with
   *     the new one opening (ASVS 7.2.4), whoever owns it
   * @throws ApiException 403 {@code session_limit_reached} (audited as {@code login_refused}) when
   *     a limit refuses the login
   */
  public SessionManager.LoginResult.Admitted open(
      User user, LoginAttempt attempt, String presentedToken) {
    return open(user, attempt, presentedToken, null, null, RefusalOffer.NONE);
  }

  /**
   * What a refused login offers the user besides the refusal: more fields of its 403 (such as her
   * sessions, to choose one to sign out), or none.
   */
  @FunctionalInterface
  public interface RefusalOffer {
    /** Offers nothing. */
    RefusalOffer NONE = (user, attempt, deny) -> Map.of();

    /** The fields to add to the refusal of {@code attempt}. */
    Map<String, ?> fields(User user, LoginAttempt attempt, QuotaDecision.Deny deny);
  }

  /**
   * {@link #open(User, LoginAttempt, String)} of a session with the id {@code sessionId} (or a new
   * random one, if null) that ends {@code endFirst} (a live session of hers, or null) as part of
   * the opening; a refusal carries the fields {@code offer} adds.
   *
   * @throws dev.sessionlimits.core.DuplicateSessionException if a session with {@code sessionId}
   *     exists already: nothing changed
   */
  public SessionManager.LoginResult.Admitted open(
      User user,
      LoginAttempt attempt,
      String presentedToken,
      String sessionId,
      EndFirst endFirst,
      RefusalOffer offer) {
    return open(user, attempt, presentedToken, sessionId, endFirst, offer, Map.of());
  }

  /**
   * {@link #open(User, LoginAttempt, String)} for a caller that vouches for the user itself (a
   * service's API key): its {@code login} or {@code login_refused} event also carries {@code
   * auditFields}, such as which key asked.
   */
  public SessionManager.LoginResult.Admitted openVouched(
      User user, LoginAttempt attempt, Map<String, ?> auditFields) {
    return open(user, attempt, null, null, null, RefusalOffer.NONE, auditFields);
  }

  private SessionManager.LoginResult.Admitted open(
      User user,
      LoginAttempt attempt,
      String presentedToken,
      String sessionId,
      EndFirst endFirst,
      RefusalOffer offer,
      Map<String, ?> auditFields) {
    QuotaPolicy policy = policy(user);
    SessionManager.LoginResult result;
    try {
      result =
          (sessionId == null)
              ? sessions.login(attempt, policy, presentedToken)
              : sessions.login(attempt, policy, presentedToken, sessionId, endFirst);
    } catch (StoreUnavailableException e) {
      metrics.login(Metrics.LoginResult.UNAVAILABLE);
      throw e;
    }
    if (result instanceof SessionManager.LoginResult.Refused refused) {
      metrics.refused(refused.deny().scope());
      throw refusal(refused.deny(), attempt, auditFields)
          .withFields(offer.fields(user, attempt, refused.deny()));
    }
    SessionManager.LoginResult.Admitted admitted = (SessionManager.LoginResult.Admitted) result;
    metrics.login(Metrics.LoginResult.ADMITTED);
    for (Session evicted : admitted.ended()) {
      if (evicted.end().reason() == EndReason.SESSION_LIMIT_REACHED) {
        metrics.evicted(policy.action().name(), evicted.end().cause().scope());
      }
    }
    audit(attempt, admitted, auditFields);
    LOG.info(
        "Login of {} from {} ({}): session {} (token {}…), {} ended{}",
        user.username(),
        attempt.clientIp(),
        attempt.authMethod(),
        admitted.session().id(),
        admitted.token().hash().prefix(),
        admitted.ended().size(),
        admitted.superseded() == null ? "" : ", superseding " + admitted.superseded().id());
    return admitted;
  }

  /** {@code user}'s effective policy under the current settings ({@link Groups#policy}). */
  public QuotaPolicy policy(User user) {
    Settings current = settings.settings();
    return Groups.policy(groups, user, current, settings.actions());
  }

  private void audit(
      LoginAttempt attempt,
      SessionManager.LoginResult.Admitted admitted,
      Map<String, ?> auditFields) {
    Session session = admitted.session();
    String ip = attempt.clientIp();
    List<String> endedIds = new ArrayList<>();
    List<AuditEvent> audit = new ArrayList<>(admitted.ended().size() + 2);
    for (Session evicted : admitted.ended()) {
      endedIds.add(evicted.id());
      if (evicted.end().reason() != EndReason.SESSION_LIMIT_REACHED) {
        // Chosen by the user herself: audited as login_resolved by whoever let her choose.
        continue;
      }
      Scope scope = evicted.end().cause().scope();
      audit.add(
          auditor.event(
              "session_evicted",
              null,
              ip,
              evicted.user(),
              evicted.id(),
              map(
                  "scope", scope == null ? null : scope.code(),
                  "limit", evicted.end().cause().limit(),
                  "caused_by_session", session.id(),
                  "caused_by_user", session.user(),
                  "login_ip", session.clientIp(),
                  "login_user_agent", session.userAgent())));
    }
    Session superseded = admitted.superseded();
    if (superseded != null) {
      audit.add(
          auditor.event(
              "session_superseded",
              null,
              ip,
              superseded.user(),
              superseded.id(),
              map("caused_by_session", session.id(), "caused_by_user", session.user())));
    }
    Map<String, Object> login =
        map(
            "user_agent", session.userAgent(),
            "device", session.device(),
            "auth_method", attempt.authMethod(),
            "ended_sessions", endedIds);
    login.putAll(auditFields);
    audit.add(auditor.event("login", attempt.user(), ip, attempt.user(), session.id(), login));
    auditor.recordAll(audit);
  }

  private ApiException refusal(
      QuotaDecision.Deny deny, LoginAttempt attempt, Map<String, ?> auditFields) {
    String ip = attempt.clientIp();
    Map<String, Object> refused =
        map(
            "scope", deny.scope().code(),
            "limit", deny.limit(),
            "active", deny.active(),
            "auth_method", attempt.authMethod(),
            "explanation", deny.explanation());
    refused.putAll(auditFields);
    auditor.record("login_refused", attempt.user(), ip, attempt.user(), null, refused);
    Sentence message =
        Sentence.of(
            (deny.scope() == Scope.USER) ? "refusal.user" : "refusal.ip",
            Sentence.of("count.active_sessions", deny.active()),
            EndMessages.sessions(deny.limit()),
            ip);
    ApiException answer =
        ApiError.SESSION_LIMIT_REACHED
            .exception(message)
            .withFields(
                map("scope", deny.scope().code(), "limit", deny.limit(), "active", deny.active()));
    // The address is the client's own; whose sessions hold it is never said.
    return (deny.scope() == Scope.IP) ? answer.withFields(map("client_ip", ip)) : answer;
  }
}
