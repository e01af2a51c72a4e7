package dev.sessionlimits.spring;

import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.Settings;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.session.SessionRegistry;

/**
 * The starter's beans, each replaceable by the application's own
 * ({@code @ConditionalOnMissingBean}): the checked settings, the {@link SessionStore} (see {@code
 * sessionlimits.store}), the {@link SessionManager}, the {@link SessionLimitResolver}, and for
 * servlet web applications with Spring Security the authentication strategy, the {@link
 * SessionRegistry} view, the logout handler, the HttpSession listener and the {@link
 * SessionlimitsComponents} {@link SessionlimitsConfigurer} puts into every filter chain. Runs after
 * the DataSource's auto-configuration (Boot 3 and Boot 4 names), so {@code store=auto} sees it.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"
    })
@ConditionalOnProperty(
    prefix = "sessionlimits",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(SessionlimitsProperties.class)
public class SessionlimitsAutoConfiguration {

  /**
   * The installed exhaustion actions: built-ins, ServiceLoader ones and {@code ExhaustionAction}
   * beans.
   */
  @Bean
  @ConditionalOnMissingBean
  public ExhaustionActions sessionlimitsExhaustionActions(
      ObjectProvider<ExhaustionAction> beans, ResourceLoader loader) {
    ExhaustionActions loaded = ExhaustionActions.load(loader.getClassLoader());
    Set<String> builtIns = ExhaustionActions.builtIns().names();
    List<ExhaustionAction> custom = new ArrayList<>();
    loaded.names().stream()
        .filter(name -> !builtIns.contains(name))
        .forEach(name -> custom.add(loaded.require(name)));
    beans.orderedStream().forEach(custom::add);
    return ExhaustionActions.of(custom.toArray(ExhaustionAction[]::new));
  }

  /** The properties as core settings, checked once: a bad value stops the start here. */
  @Bean
  public Settings sessionlimitsSettings(
      SessionlimitsProperties properties, ExhaustionActions actions) {
    return properties.settings(actions.names());
  }

  /** The store the starter makes; {@code checked}: the properties are checked before it opens. */
  @Bean
  @ConditionalOnMissingBean(SessionStore.class)
  OwnedStore sessionlimitsOwnedStore(
      SessionlimitsProperties properties,
      ObjectProvider<DataSource> dataSource,
      ObjectProvider<InstantSource> clock,
      Settings checked) {
    return OwnedStore.create(
        properties.getStore(), dataSource.getIfUnique(), clock.getIfUnique(InstantSource::system));
  }

  /** The store the starter made; declare a {@link SessionStore} bean to use another. */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean(SessionStore.class)
  public SessionStore sessionlimitsSessionStore(OwnedStore owned) {
    return owned.sessions();
  }

  /**
   * The manager on the store, with the application's {@link InstantSource} bean if there is one.
   */
  @Bean
  @ConditionalOnMissingBean
  public SessionManager sessionlimitsSessionManager(
      SessionStore store, ObjectProvider<InstantSource> clock) {
    return new SessionManager(store, clock.getIfUnique(InstantSource::system));
  }

  /** The default per-user limit: the authority {@code limit-authority-prefix} + a number. */
  @Bean
  @ConditionalOnMissingBean
  public SessionLimitResolver sessionlimitsLimitResolver(SessionlimitsProperties properties) {
    return SessionLimitResolver.byAuthorityPrefix(properties.getLimitAuthorityPrefix());
  }

  /** The policy of each login. */
  @Bean
  public SessionlimitsPolicies sessionlimitsPolicies(
      Settings settings,
      ExhaustionActions actions,
      SessionLimitResolver resolver,
      SessionlimitsProperties properties) {
    return new SessionlimitsPolicies(settings, actions, resolver, properties.getAdminAuthority());
  }

  /** The servlet and Spring Security side. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(HttpSecurity.class)
  static class Web {

    @Bean
    @ConditionalOnMissingBean
    SessionlimitsAuthenticationStrategy sessionlimitsAuthenticationStrategy(
        SessionManager manager, SessionlimitsPolicies policies) {
      return new SessionlimitsAuthenticationStrategy(manager, policies);
    }

    @Bean
    @ConditionalOnMissingBean
    SessionRegistry sessionlimitsSessionRegistry(SessionManager manager) {
      return new StoreSessionRegistry(manager);
    }

    @Bean
    @ConditionalOnMissingBean
    SessionlimitsLogoutHandler sessionlimitsLogoutHandler(SessionManager manager) {
      return new SessionlimitsLogoutHandler(manager);
    }

    /** Registered with the container by Spring Boot, as every HttpSessionListener bean is. */
    @Bean
    SessionlimitsHttpSessionListener sessionlimitsHttpSessionListener(SessionManager manager) {
      return new SessionlimitsHttpSessionListener(manager);
    }

    @Bean
    SessionlimitsComponents sessionlimitsComponents(
        SessionManager manager,
        SessionlimitsPolicies policies,
        SessionlimitsAuthenticationStrategy strategy,
        SessionlimitsLogoutHandler logoutHandler,
        SessionlimitsProperties properties) {
      return new SessionlimitsComponents(
          manager,
          policies,
          strategy,
          logoutHandler,
          new SessionlimitsAnswers(properties.getLoginPage()));
    }
  }
}
