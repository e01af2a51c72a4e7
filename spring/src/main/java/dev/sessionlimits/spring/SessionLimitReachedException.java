package dev.sessionlimits.spring;

import dev.sessionlimits.core.QuotaDecision;
import dev.sessionlimits.core.Scope;
import java.util.Locale;
import org.springframework.security.web.authentication.session.SessionAuthenticationException;

/**
 * A login refused by a session limit (DENY_ACCESS, or a custom action that refused): Spring's form
 * login shows its message on the login page; other requests get 403 JSON.
 */
public final class SessionLimitReachedException extends SessionAuthenticationException {

  private final transient QuotaDecision.Deny deny;

  public SessionLimitReachedException(QuotaDecision.Deny deny) {
    super(sentence(deny));
    this.deny = deny;
  }

  /** The refusal: scope, limit and active sessions. */
  public QuotaDecision.Deny deny() {
    return deny;
  }

  /** {@code user} or {@code ip}. */
  public String scope() {
    return deny.scope().name().toLowerCase(Locale.ROOT);
  }

  private static String sentence(QuotaDecision.Deny deny) {
    String whose = (deny.scope() == Scope.USER) ? "your account" : "your network address";
    return "Sign-in refused: the session limit was reached ("
        + deny.active()
        + " of "
        + deny.limit()
        + " sessions for "
        + whose
        + " are active). Sign out on another device first.";
  }
}
