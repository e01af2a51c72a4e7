package dev.sessionlimits.spring;

import static dev.sessionlimits.spring.SessionlimitsAuthenticationStrategy.SESSION_ID;
import static dev.sessionlimits.spring.SessionlimitsAuthenticationStrategy.attribute;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.SessionManager;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.LogoutHandler;

/** Ends the store session of the HttpSession signing out, with reason {@code logged_out}. */
public final class SessionlimitsLogoutHandler implements LogoutHandler {

  private final SessionManager manager;

  public SessionlimitsLogoutHandler(SessionManager manager) {
    this.manager = manager;
  }

  @Override
  public void logout(
      HttpServletRequest request, HttpServletResponse response, Authentication authentication) {
    HttpSession session = request.getSession(false);
    String id = (session == null) ? null : attribute(session, SESSION_ID);
    if (id != null) {
      manager.end(
          id, EndReason.LOGGED_OUT, (authentication == null) ? null : authentication.getName());
    }
  }
}
