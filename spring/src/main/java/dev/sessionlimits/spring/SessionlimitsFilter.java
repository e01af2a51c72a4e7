package dev.sessionlimits.spring;

import static dev.sessionlimits.spring.SessionlimitsAuthenticationStrategy.SESSION_TOKEN;
import static dev.sessionlimits.spring.SessionlimitsAuthenticationStrategy.SESSION_USER;
import static dev.sessionlimits.spring.SessionlimitsAuthenticationStrategy.attribute;

import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.StoreUnavailableException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authentication.RememberMeAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Checks every request's Sessionlimits session, after Spring's authentication filters.
 *
 * <h2>What it decides</h2>
 *
 * <ul>
 *   <li>The HttpSession carries a token: the store is asked (and the session's idle expiry moved).
 *       Live: the request goes on. Ended (evicted by a limit, revoked, timed out, signed out
 *       elsewhere) or unknown: the HttpSession is invalidated, the request is not authenticated and
 *       is answered by {@link SessionlimitsAnswers#ended}.
 *   <li>The request is authenticated but has no session of ours, or one of another user: a login
 *       that did not pass a session strategy (HTTP Basic; remember-me when no strategy was shared
 *       with it). It is opened here with the same {@link SessionlimitsAuthenticationStrategy}, and
 *       the security context is saved in the new HttpSession, so the client's cookie carries it
 *       from now on. A refusal is 403 JSON.
 *   <li>The request is not authenticated because a limit refused the login a filter before this one
 *       tried (remember-me calls the session strategies, then goes on without a login when one
 *       refuses): the refusal is answered as {@link SessionlimitsAnswers#refused(
 *       HttpServletRequest, HttpServletResponse, SessionLimitReachedException)} says.
 * </ul>
 *
 * <p>A store that cannot be reached is 503 JSON: the request is never let through unchecked.
 */
public final class SessionlimitsFilter extends OncePerRequestFilter {

  private final SessionManager manager;
  private final SessionlimitsPolicies policies;
  private final SessionlimitsAuthenticationStrategy strategy;
  private final SessionlimitsAnswers answers;
  private final SecurityContextRepository contexts;
  private final SecurityContextHolderStrategy holder;
  private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

  public SessionlimitsFilter(
      SessionManager manager,
      SessionlimitsPolicies policies,
      SessionlimitsAuthenticationStrategy strategy,
      SessionlimitsAnswers answers,
      SecurityContextRepository contexts,
      SecurityContextHolderStrategy holder) {
    this.manager = manager;
    this.policies = policies;
    this.strategy = strategy;
    this.answers = answers;
    this.contexts = contexts;
    this.holder = holder;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    HttpSession session = request.getSession(false);
    String token = (session == null) ? null : attribute(session, SESSION_TOKEN);
    Authentication authentication = holder.getContext().getAuthentication();
    boolean authenticated = authentication != null && trust.isAuthenticated(authentication);
    if (!authenticated
        && request.getAttribute(SessionlimitsAuthenticationStrategy.REFUSAL)
            instanceof SessionLimitReachedException refusal) {
      // A login filter that goes on after a failure (remember-me, which also forgets its cookie)
      // had this login refused by a limit: the refusal is answered, never a bare login page.
      answers.refused(request, response, refusal);
      return;
    }
    try {
      if (token != null) {
        Lookup lookup = manager.authenticate(token, policies.idleTimeout(), false);
        if (!(lookup instanceof Lookup.Live)) {
          end(request, response, session, lookup);
          return;
        }
        if (!authenticated || authentication.getName().equals(attribute(session, SESSION_USER))) {
          chain.doFilter(request, response);
          return;
        }
      }
      if (authenticated && opensSession(request, session, authentication)) {
        strategy.onAuthentication(authentication, request, response);
        SecurityContext context = holder.getContext();
        contexts.saveContext(context, request, response);
      }
    } catch (SessionLimitReachedException refused) {
      holder.clearContext();
      answers.refused(response, refused);
      return;
    } catch (StoreUnavailableException | AuthenticationServiceException unavailable) {
      holder.clearContext();
      answers.storeUnavailable(response);
      return;
    }
    chain.doFilter(request, response);
  }

  private void end(
      HttpServletRequest request, HttpServletResponse response, HttpSession session, Lookup lookup)
      throws IOException {
    String reason =
        (lookup instanceof Lookup.Ended ended)
            ? ended.session().end().reason().code()
            : SessionEndedException.UNKNOWN;
    holder.clearContext();
    try {
      session.invalidate();
    } catch (IllegalStateException alreadyInvalidated) {
      // ended meanwhile by another request of the same browser: nothing left to do
    }
    answers.ended(request, response, reason);
  }

  /**
   * Whether an authentication without a session of ours is a login to open one for: one kept in an
   * HttpSession (a login that passed no session strategy), HTTP Basic, or remember-me. Bearer
   * tokens and other per-request credentials without an HttpSession stay stateless.
   */
  private static boolean opensSession(
      HttpServletRequest request, HttpSession session, Authentication authentication) {
    if (session != null || authentication instanceof RememberMeAuthenticationToken) {
      return true;
    }
    String header = request.getHeader("Authorization");
    return header != null && header.regionMatches(true, 0, "Basic ", 0, 6);
  }
}
