package dev.sessionlimits.spring;

import java.util.List;
import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.LogoutConfigurer;
import org.springframework.security.web.access.ExceptionTranslationFilter;
import org.springframework.security.web.authentication.session.CompositeSessionAuthenticationStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.authentication.ui.DefaultLoginPageGeneratingFilter;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.NullSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * Puts Sessionlimits into a security filter chain. Spring Security applies it to every {@code
 * HttpSecurity} by itself (this jar's {@code META-INF/spring.factories} names it as a default
 * {@link AbstractHttpConfigurer}, which {@code HttpSecurityConfiguration} loads); an application
 * may also apply it explicitly with {@code http.with(new SessionlimitsConfigurer(), c -> {})}.
 *
 * <p>It does nothing when the starter is disabled (no {@link SessionlimitsComponents} bean) and on
 * a stateless chain ({@code SessionCreationPolicy.STATELESS}). Otherwise:
 *
 * <ul>
 *   <li>the chain's session authentication strategy (session fixation protection, CSRF) runs first,
 *       then {@link SessionlimitsAuthenticationStrategy}: form login and every other login that
 *       calls session strategies opens its session atomically, or is refused;
 *   <li>{@link SessionlimitsFilter} goes before the {@code ExceptionTranslationFilter}, after all
 *       authentication filters: it checks each request's session and opens one for HTTP Basic and
 *       remember-me logins, which call no session strategy;
 *   <li>logout ends the store session ({@link SessionlimitsLogoutHandler});
 *   <li>{@link LoginPageNotice} lets Spring's default login page say why a login was refused or a
 *       session ended.
 * </ul>
 */
public final class SessionlimitsConfigurer
    extends AbstractHttpConfigurer<SessionlimitsConfigurer, HttpSecurity> {

  private SessionlimitsComponents components;

  @Override
  public void init(HttpSecurity http) {
    ApplicationContext context = http.getSharedObject(ApplicationContext.class);
    components =
        (context == null)
            ? null
            : context.getBeanProvider(SessionlimitsComponents.class).getIfAvailable();
    if (components == null || isStateless(http.getSharedObject(SecurityContextRepository.class))) {
      components = null;
      return;
    }
    SessionAuthenticationStrategy ours = components.strategy();
    SessionAuthenticationStrategy existing =
        http.getSharedObject(SessionAuthenticationStrategy.class);
    http.setSharedObject(
        SessionAuthenticationStrategy.class,
        (existing == null)
            ? ours
            : new CompositeSessionAuthenticationStrategy(List.of(existing, ours)));
    @SuppressWarnings("unchecked")
    LogoutConfigurer<HttpSecurity> logout = http.getConfigurer(LogoutConfigurer.class);
    if (logout != null) {
      logout.addLogoutHandler(components.logoutHandler());
    }
  }

  @Override
  public void configure(HttpSecurity http) {
    if (components == null) {
      return;
    }
    SecurityContextRepository contexts = http.getSharedObject(SecurityContextRepository.class);
    SessionlimitsFilter filter =
        new SessionlimitsFilter(
            components.manager(),
            components.policies(),
            components.strategy(),
            components.answers(),
            (contexts == null) ? new HttpSessionSecurityContextRepository() : contexts,
            getSecurityContextHolderStrategy());
    http.addFilterBefore(filter, ExceptionTranslationFilter.class);
    http.addFilterBefore(
        new LoginPageNotice(components.answers().loginPage()),
        DefaultLoginPageGeneratingFilter.class);
  }

  private static boolean isStateless(SecurityContextRepository contexts) {
    return contexts instanceof RequestAttributeSecurityContextRepository
        || contexts instanceof NullSecurityContextRepository;
  }
}
