package dev.sessionlimits.spring;

import dev.sessionlimits.core.SessionManager;

/**
 * What {@link SessionlimitsConfigurer} adds to a security filter chain, made by the
 * auto-configuration: its absence (sessionlimits.enabled=false) leaves every chain as it is.
 */
public record SessionlimitsComponents(
    SessionManager manager,
    SessionlimitsPolicies policies,
    SessionlimitsAuthenticationStrategy strategy,
    SessionlimitsLogoutHandler logoutHandler,
    SessionlimitsAnswers answers) {}
