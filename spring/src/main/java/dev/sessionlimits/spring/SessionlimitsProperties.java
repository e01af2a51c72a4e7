package dev.sessionlimits.spring;

import dev.sessionlimits.core.InvalidSettingsException;
import dev.sessionlimits.core.Setting;
import dev.sessionlimits.core.Settings;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * The {@code sessionlimits.*} properties: the server's settings of the same names, plus where the
 * sessions are kept. Read once at start and checked by {@link #settings} with core's rules, so a
 * bad value stops the application with the property, its value and what is valid.
 */
@ConfigurationProperties(prefix = "sessionlimits")
public class SessionlimitsProperties {

  /** Where the sessions are kept. */
  public enum Store {
    /**
     * The application's DataSource when the JDBC store is on the classpath and there is exactly one
     * DataSource bean, else in memory.
     */
    AUTO,
    /** In this JVM's memory: exact, gone at shutdown, not shared with other instances. */
    MEMORY,
    /** The application's DataSource (H2 or PostgreSQL), shared by every instance on it. */
    JDBC
  }

  /** Whether the starter contributes anything at all. */
  private boolean enabled = true;

  /** Maximum simultaneous sessions of one user; -1 is unlimited, else 1..100000. */
  private int sessionsPerUser = -1;

  /** Maximum simultaneous sessions from one client address; -1 is unlimited, else 1..1000000. */
  private int sessionsPerIp = -1;

  /** Master switch for both limits: when off, logins are never limited. */
  private boolean quotaConstraintsEnabled = true;

  /**
   * What a login beyond a limit does: DENY_ACCESS, DESTROY_NEXT_EXPIRING, DESTROY_OLDEST_SESSION,
   * DESTROY_OLD_SESSIONS, or the name of a custom ExhaustionAction (a bean or a ServiceLoader one).
   */
  private String quotaExhaustionAction = "DESTROY_NEXT_EXPIRING";

  /** Idle timeout: a session without a request for this long ends (60s..365d). */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration sessionCookieAge = Duration.ofMinutes(30);

  /** Absolute lifetime from login, whatever the activity; 0 is none, else 60s..365d. */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration sessionMaxLifetime = Duration.ZERO;

  /** Whether users holding the admin authority are exempt from the limits. */
  private boolean quotaExemptAdmins = false;

  /** The authority that makes a user an administrator for quota-exempt-admins. */
  private String adminAuthority = "ROLE_ADMIN";

  /**
   * The default per-user limit: an authority made of this prefix and a number (SESSIONS_LIMIT_3)
   * gives that user her own limit; -1 is unlimited.
   */
  private String limitAuthorityPrefix = "SESSIONS_LIMIT_";

  /** Where the sessions are kept: auto, memory or jdbc. */
  private Store store = Store.AUTO;

  /**
   * The login page an ended page request is sent to (with ?error and session_ended): set it when
   * the application's form login has a page of its own.
   */
  private String loginPage = "/login";

  /**
   * These properties as core {@link Settings}, checked with the server's rules.
   *
   * @param actionNames the installed exhaustion actions
   * @throws InvalidSessionlimitsPropertiesException naming each bad property, its value and what is
   *     valid
   */
  public Settings settings(Set<String> actionNames) {
    Map<String, String> errors = new LinkedHashMap<>();
    Map<String, String> text = new LinkedHashMap<>();
    text.put(Setting.SESSIONS_PER_USER.name(), Integer.toString(sessionsPerUser));
    text.put(Setting.SESSIONS_PER_IP.name(), Integer.toString(sessionsPerIp));
    text.put(Setting.QUOTA_CONSTRAINTS_ENABLED.name(), Boolean.toString(quotaConstraintsEnabled));
    text.put(Setting.QUOTA_EXHAUSTION_ACTION.name(), String.valueOf(quotaExhaustionAction));
    seconds(text, errors, Setting.SESSION_COOKIE_AGE, "session-cookie-age", sessionCookieAge);
    seconds(text, errors, Setting.SESSION_MAX_LIFETIME, "session-max-lifetime", sessionMaxLifetime);
    text.put(Setting.QUOTA_EXEMPT_ADMINS.name(), Boolean.toString(quotaExemptAdmins));
    requireText(errors, "admin-authority", adminAuthority);
    requireText(errors, "limit-authority-prefix", limitAuthorityPrefix);
    if (loginPage == null || !loginPage.startsWith("/")) {
      errors.put(
          "sessionlimits.login-page",
          "sessionlimits.login-page=" + loginPage + " is not valid: a path starting with /");
    }
    Settings settings = null;
    try {
      settings = Settings.DEFAULTS.withText(text, actionNames);
    } catch (InvalidSettingsException e) {
      e.fields()
          .forEach(
              (setting, sentence) -> {
                String property = propertyOf(setting);
                errors.put(
                    property, property + "=" + shown(setting) + " is not valid: " + sentence);
              });
    }
    if (!errors.isEmpty()) {
      throw new InvalidSessionlimitsPropertiesException(errors);
    }
    return settings;
  }

  /** {@code sessionlimits.} and the kebab-case form of a setting's name. */
  static String propertyOf(String setting) {
    return "sessionlimits." + setting.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private String shown(String setting) {
    return switch (Setting.named(setting)) {
      case SESSIONS_PER_USER -> Integer.toString(sessionsPerUser);
      case SESSIONS_PER_IP -> Integer.toString(sessionsPerIp);
      case QUOTA_EXHAUSTION_ACTION -> String.valueOf(quotaExhaustionAction);
      case SESSION_COOKIE_AGE -> String.valueOf(sessionCookieAge);
      case SESSION_MAX_LIFETIME -> String.valueOf(sessionMaxLifetime);
      default -> "?";
    };
  }

  private static void seconds(
      Map<String, String> text,
      Map<String, String> errors,
      Setting setting,
      String name,
      Duration value) {
    if (value == null || value.getNano() != 0) {
      errors.put(
          "sessionlimits." + name,
          "sessionlimits." + name + "=" + value + " is not valid: a whole number of seconds");
      return;
    }
    text.put(setting.name(), Long.toString(value.getSeconds()));
  }

  private static void requireText(Map<String, String> errors, String name, String value) {
    if (value == null || value.isBlank()) {
      errors.put(
          "sessionlimits." + name,
          "sessionlimits." + name + "=\"" + value + "\" is not valid: it must not be blank");
    }
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public int getSessionsPerUser() {
    return sessionsPerUser;
  }

  public void setSessionsPerUser(int sessionsPerUser) {
    this.sessionsPerUser = sessionsPerUser;
  }

  public int getSessionsPerIp() {
    return sessionsPerIp;
  }

  public void setSessionsPerIp(int sessionsPerIp) {
    this.sessionsPerIp = sessionsPerIp;
  }

  public boolean isQuotaConstraintsEnabled() {
    return quotaConstraintsEnabled;
  }

  public void setQuotaConstraintsEnabled(boolean quotaConstraintsEnabled) {
    this.quotaConstraintsEnabled = quotaConstraintsEnabled;
  }

  public String getQuotaExhaustionAction() {
    return quotaExhaustionAction;
  }

  public void setQuotaExhaustionAction(String quotaExhaustionAction) {
    this.quotaExhaustionAction = quotaExhaustionAction;
  }

  public Duration getSessionCookieAge() {
    return sessionCookieAge;
  }

  public void setSessionCookieAge(Duration sessionCookieAge) {
    this.sessionCookieAge = sessionCookieAge;
  }

  public Duration getSessionMaxLifetime() {
    return sessionMaxLifetime;
  }

  public void setSessionMaxLifetime(Duration sessionMaxLifetime) {
    this.sessionMaxLifetime = sessionMaxLifetime;
  }

  public boolean isQuotaExemptAdmins() {
    return quotaExemptAdmins;
  }

  public void setQuotaExemptAdmins(boolean quotaExemptAdmins) {
    this.quotaExemptAdmins = quotaExemptAdmins;
  }

  public String getAdminAuthority() {
    return adminAuthority;
  }

  public void setAdminAuthority(String adminAuthority) {
    this.adminAuthority = adminAuthority;
  }

  public String getLimitAuthorityPrefix() {
    return limitAuthorityPrefix;
  }

  public void setLimitAuthorityPrefix(String limitAuthorityPrefix) {
    this.limitAuthorityPrefix = limitAuthorityPrefix;
  }

  public Store getStore() {
    return store;
  }

  public void setStore(Store store) {
    this.store = store;
  }

  public String getLoginPage() {
    return loginPage;
  }

  public void setLoginPage(String loginPage) {
    this.loginPage = loginPage;
  }
}
