package dev.sessionlimits.spring;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.security.web.WebAttributes;

/**
 * What a refused login and a request of an ended session are answered, in one place: a page request
 * (Accept includes text/html) is sent to the login page with the reason as Spring's last
 * authentication exception; any other request gets JSON (403 refused, 401 ended) and never a 200.
 */
public final class SessionlimitsAnswers {

  /** The header naming why the request's session ended. */
  public static final String END_REASON_HEADER = "X-Session-End-Reason";

  /** The login page's query parameter naming why the session ended, for the app's own page. */
  public static final String SESSION_ENDED_PARAMETER = "session_ended";

  private final String loginPage;

  public SessionlimitsAnswers(String loginPage) {
    this.loginPage = loginPage;
  }

  /** The login page ended page requests go to. */
  public String loginPage() {
    return loginPage;
  }

  /** 403 JSON: the login was refused by a limit. */
  public void refused(HttpServletResponse response, SessionLimitReachedException refusal)
      throws IOException {
    write(
        response,
        HttpServletResponse.SC_FORBIDDEN,
        Json.object()
            .put("error", "session_limit_reached")
            .put("scope", refusal.scope())
            .put("limit", refusal.deny().limit())
            .put("active", refusal.deny().active())
            .put("message", refusal.getMessage()));
  }

  /**
   * The login was refused by a limit: a page request is sent to the login page ({@code ?error})
   * with the refusal as Spring's last authentication exception, as a refused form login is; any
   * other request gets {@link #refused(HttpServletResponse, SessionLimitReachedException) 403
   * JSON}.
   */
  public void refused(
      HttpServletRequest request,
      HttpServletResponse response,
      SessionLimitReachedException refusal)
      throws IOException {
    if (wantsPage(request)) {
      request.getSession(true).setAttribute(WebAttributes.AUTHENTICATION_EXCEPTION, refusal);
      response.sendRedirect(request.getContextPath() + loginPage + "?error");
      return;
    }
    refused(response, refusal);
  }

  /**
   * The request's session has ended: a page request is redirected to the login page ({@code
   * ?error&session_ended=<reason>}, the reason kept for Spring's default page), any other gets 401
   * JSON and {@value #END_REASON_HEADER}. The caller has invalidated the old HttpSession.
   */
  public void ended(HttpServletRequest request, HttpServletResponse response, String reason)
      throws IOException {
    SessionEndedException ended = new SessionEndedException(reason);
    response.setHeader(END_REASON_HEADER, reason);
    if (wantsPage(request)) {
      request.getSession(true).setAttribute(WebAttributes.AUTHENTICATION_EXCEPTION, ended);
      response.sendRedirect(
          request.getContextPath()
              + loginPage
              + "?error&"
              + SESSION_ENDED_PARAMETER
              + "="
              + URLEncoder.encode(reason, StandardCharsets.UTF_8));
      return;
    }
    write(
        response,
        HttpServletResponse.SC_UNAUTHORIZED,
        Json.object()
            .put("error", "session_ended")
            .put("reason", reason)
            .put("message", ended.getMessage()));
  }

  /** 503 JSON: the store cannot be reached, so the session cannot be checked (fail closed). */
  public void storeUnavailable(HttpServletResponse response) throws IOException {
    response.setHeader("Retry-After", "1");
    write(
        response,
        HttpServletResponse.SC_SERVICE_UNAVAILABLE,
        Json.object()
            .put("error", "store_unavailable")
            .put("message", "The session store cannot be reached; try again in a moment."));
  }

  static boolean wantsPage(HttpServletRequest request) {
    String accept = request.getHeader("Accept");
    return accept != null && accept.contains("text/html");
  }

  private static void write(HttpServletResponse response, int status, Json body)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/json;charset=UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.getWriter().write(body.toString());
    response.getWriter().flush();
  }
}
