package dev.sessionlimits.spring;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionManager.LoginResult;
import dev.sessionlimits.core.StoreUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.RememberMeAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;

/**
 * Opens a Sessionlimits session for every authentication that gets an HttpSession, through {@link
 * SessionManager#login} and so {@code SessionStore.open}: the limit is checked, sessions evicted
 * and the new one stored in one atomic step, in whatever store. The token is kept in the
 * HttpSession ({@link #SESSION_TOKEN}), so container sessions and Spring Session both carry it.
 *
 * <p>Runs after Spring's session fixation protection (the session id is changed first). A refused
 * login throws {@link SessionLimitReachedException}: form login then shows its message on the login
 * page. A store that cannot be reached refuses the login too (fail closed).
 */
public final class SessionlimitsAuthenticationStrategy implements SessionAuthenticationStrategy {

  /** The HttpSession attribute holding the Sessionlimits token (a String). */
  public static final String SESSION_TOKEN = "dev.sessionlimits.spring.SESSION_TOKEN";

  /** The HttpSession attribute holding the Sessionlimits session's public id (a String). */
  public static final String SESSION_ID = "dev.sessionlimits.spring.SESSION_ID";

  /** The HttpSession attribute holding the user the session was opened for (a String). */
  public static final String SESSION_USER = "dev.sessionlimits.spring.SESSION_USER";

  /**
   * The request attribute holding this request's refusal, for {@link SessionlimitsFilter} to answer
   * when the filter that asked swallowed it (remember-me goes on unauthenticated).
   */
  static final String REFUSAL = "dev.sessionlimits.spring.REFUSAL";

  private final SessionManager manager;
  private final SessionlimitsPolicies policies;

  public SessionlimitsAuthenticationStrategy(
      SessionManager manager, SessionlimitsPolicies policies) {
    this.manager = requireNonNull(manager, "manager");
    this.policies = requireNonNull(policies, "policies");
  }

  @Override
  public void onAuthentication(
      Authentication authentication, HttpServletRequest request, HttpServletResponse response) {
    HttpSession existing = request.getSession(false);
    String presented = (existing == null) ? null : attribute(existing, SESSION_TOKEN);
    LoginAttempt attempt =
        new LoginAttempt(
            authentication.getName(),
            request.getRemoteAddr(),
            request.getHeader("User-Agent"),
            null,
            method(authentication, request));
    LoginResult result;
    try {
      result = manager.login(attempt, policies.policyFor(authentication), presented);
    } catch (StoreUnavailableException e) {
      throw new AuthenticationServiceException(
          "Sign-in is unavailable for a moment: the session store cannot be reached.", e);
    }
    if (result instanceof LoginResult.Refused refused) {
      SessionLimitReachedException refusal = new SessionLimitReachedException(refused.deny());
      request.setAttribute(REFUSAL, refusal);
      throw refusal;
    }
    LoginResult.Admitted admitted = (LoginResult.Admitted) result;
    HttpSession session = request.getSession(true);
    session.setAttribute(SESSION_TOKEN, admitted.token().secret());
    session.setAttribute(SESSION_ID, admitted.session().id());
    session.setAttribute(SESSION_USER, admitted.session().user());
  }

  static String attribute(HttpSession session, String name) {
    try {
      return (session.getAttribute(name) instanceof String s) ? s : null;
    } catch (IllegalStateException invalidated) {
      return null;
    }
  }

  private static String method(Authentication authentication, HttpServletRequest request) {
    if (authentication instanceof RememberMeAuthenticationToken) {
      return "remember_me";
    }
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return "basic";
    }
    return "spring";
  }
}
