package dev.sessionlimits.spring;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.web.WebAttributes;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.HtmlUtils;

/**
 * Lets Spring's default login page say why a login was refused or a session ended.
 *
 * <h2>Why it is needed</h2>
 *
 * Placed just before the default page's filter, for a GET of the login page only. That page (Spring
 * Security 6.4 and later) recognises its failure URL only by the exact query string {@code error},
 * so the {@code session_ended} parameter meant for an application's own page is hidden from it; and
 * it always says "Invalid credentials", whatever the failure, so when the session holds one of the
 * starter's exceptions ({@link SessionLimitReachedException}, {@link SessionEndedException}), that
 * sentence of the generated page is replaced by the exception's, HTML-escaped. An application's own
 * login page is left as it is: it reads {@code SPRING_SECURITY_LAST_EXCEPTION} or {@code
 * session_ended} itself.
 */
final class LoginPageNotice extends OncePerRequestFilter {

  private static final String STOCK_SENTENCE = "role=\"alert\">Invalid credentials</div>";

  private final String loginPage;

  LoginPageNotice(String loginPage) {
    this.loginPage = loginPage;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String query = request.getQueryString();
    if (!"GET".equals(request.getMethod())
        || query == null
        || !(request.getContextPath() + loginPage).equals(request.getRequestURI())) {
      chain.doFilter(request, response);
      return;
    }
    String shown = withoutSessionEnded(query);
    HttpServletRequest seen =
        shown.equals(query)
            ? request
            : new HttpServletRequestWrapper(request) {
              @Override
              public String getQueryString() {
                return shown.isEmpty() ? null : shown;
              }
            };
    String notice = notice(request);
    if (notice == null) {
      chain.doFilter(seen, response);
      return;
    }
    ContentCachingResponseWrapper page = new ContentCachingResponseWrapper(response);
    chain.doFilter(seen, page);
    String html = new String(page.getContentAsByteArray(), StandardCharsets.UTF_8);
    String contentType = page.getContentType();
    if (contentType == null
        || !contentType.startsWith("text/html")
        || !html.contains(STOCK_SENTENCE)) {
      page.copyBodyToResponse();
      return;
    }
    byte[] body =
        html.replace(STOCK_SENTENCE, "role=\"alert\">" + HtmlUtils.htmlEscape(notice) + "</div>")
            .getBytes(StandardCharsets.UTF_8);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static String withoutSessionEnded(String query) {
    List<String> kept = new ArrayList<>();
    for (String part : query.split("&")) {
      if (!part.startsWith(SessionlimitsAnswers.SESSION_ENDED_PARAMETER + "=")) {
        kept.add(part);
      }
    }
    return String.join("&", kept);
  }

  /** The message of the starter's exception kept as the last authentication failure, or null. */
  private static String notice(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session == null) {
      return null;
    }
    Object last = session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
    if (last instanceof SessionLimitReachedException || last instanceof SessionEndedException) {
      return ((Exception) last).getMessage();
    }
    return null;
  }
}
