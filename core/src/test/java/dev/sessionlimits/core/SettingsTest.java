package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

  private static final Set<String> ACTIONS = ExhaustionActions.builtIns().names();

  @Test
  void theDefaultsAreThoseOfTheSpec() {
    assertThat(Settings.DEFAULTS.asMap())
        .containsExactly(
            Map.entry("SESSIONS_PER_USER", -1L),
            Map.entry("SESSIONS_PER_IP", -1L),
            Map.entry("QUOTA_CONSTRAINTS_ENABLED", true),
            Map.entry("QUOTA_EXHAUSTION_ACTION", "DESTROY_NEXT_EXPIRING"),
            Map.entry("SESSION_COOKIE_AGE", 1800L),
            Map.entry("SESSION_MAX_LIFETIME", 0L),
            Map.entry("AUTH_BASIC_ENABLED", false),
            Map.entry("QUOTA_EXEMPT_ADMINS", false),
            Map.entry("MFA_REQUIRED_FOR_ADMINS", false),
            Map.entry("DENY_ACCESS_LETS_USER_CHOOSE", true));
  }

  @ParameterizedTest
  @CsvSource({
    "SESSIONS_PER_USER, -1",
    "SESSIONS_PER_USER, 1",
    "SESSIONS_PER_USER, 100000",
    "SESSIONS_PER_IP, -1",
    "SESSIONS_PER_IP, 1000000",
    "SESSION_COOKIE_AGE, 60",
    "SESSION_COOKIE_AGE, 31536000",
    "SESSION_MAX_LIFETIME, 0",
    "SESSION_MAX_LIFETIME, 60",
    "SESSION_MAX_LIFETIME, 31536000"
  })
  void acceptsTheEdgesOfEachRange(String name, long value) {
    assertThat(Settings.DEFAULTS.with(Map.of(name, value), ACTIONS).get(Setting.named(name)))
        .isEqualTo(value);
  }

  @ParameterizedTest
  @CsvSource({
    "SESSIONS_PER_USER, 0, 'SESSIONS_PER_USER must be -1, or 1..100000; 0 would sign out every"
        + " login at once (use -1 for unlimited), got 0'",
    "SESSIONS_PER_USER, 100001, 'SESSIONS_PER_USER must be -1, or 1..100000, got 100001'",
    "SESSIONS_PER_USER, -2, 'SESSIONS_PER_USER must be -1, or 1..100000, got -2'",
    "SESSIONS_PER_IP, 0, 'SESSIONS_PER_IP must be -1, or 1..1000000; 0 would sign out every login"
        + " at once (use -1 for unlimited), got 0'",
    "SESSION_COOKIE_AGE, 59, 'SESSION_COOKIE_AGE must be 60..31536000; shorter idle timeouts sign"
        + " users out while they work, got 59'",
    "SESSION_COOKIE_AGE, 31536001, 'SESSION_COOKIE_AGE must be 60..31536000, got 31536001'",
    "SESSION_MAX_LIFETIME, 59, 'SESSION_MAX_LIFETIME must be 0, or 60..31536000, got 59'"
  })
  void refusesValuesOutsideTheRangeWithASentenceNamingSettingValueAndRange(
      String name, long value, String message) {
    InvalidSettingsException e =
        catchThrowableOfType(
            InvalidSettingsException.class,
            () -> Settings.DEFAULTS.with(Map.of(name, value), ACTIONS));

    assertThat(e.fields()).containsExactly(Map.entry(name, message));
  }

  @Test
  void refusesWrongTypesAndUnknownNamesAllAtOnceAndAppliesNothing() {
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put("SESSIONS_PER_USER", "3");
    changes.put("QUOTA_CONSTRAINTS_ENABLED", "yes");
    changes.put("QUOTA_EXHAUSTION_ACTION", "DESTROY_EVERYTHING");
    changes.put("SESSION_COOKIE_AGE", 90.5);
    changes.put("NO_SUCH_SETTING", 1);
    changes.put("SESSION_MAX_LIFETIME", "forever");
    changes.put("SESSIONS_PER_IP", 5);

    InvalidSettingsException e =
        catchThrowableOfType(
            InvalidSettingsException.class, () -> Settings.DEFAULTS.with(changes, ACTIONS));

    assertThat(e.fields())
        .containsOnlyKeys(
            "SESSIONS_PER_USER",
            "QUOTA_CONSTRAINTS_ENABLED",
            "QUOTA_EXHAUSTION_ACTION",
            "SESSION_COOKIE_AGE",
            "NO_SUCH_SETTING",
            "SESSION_MAX_LIFETIME");
    assertThat(e.fields().get("SESSIONS_PER_USER")).contains("whole number").contains("\"3\"");
    assertThat(e.fields().get("QUOTA_EXHAUSTION_ACTION"))
        .contains("DENY_ACCESS, DESTROY_NEXT_EXPIRING");
    assertThat(e.fields().get("NO_SUCH_SETTING")).isEqualTo("NO_SUCH_SETTING is not a setting");
  }

  @Test
  void aNullValuePutsASettingBackToItsBuiltInDefault() {
    Settings changed = Settings.DEFAULTS.with(Map.of("SESSIONS_PER_USER", 3), ACTIONS);
    Map<String, Object> back = new LinkedHashMap<>();
    back.put("SESSIONS_PER_USER", null);

    assertThat(changed.with(back, ACTIONS).sessionsPerUser())
        .isEqualTo(Settings.DEFAULTS.sessionsPerUser());
  }

  @Test
  void aNullTextValueIsStillRefused() {
    Map<String, String> back = new LinkedHashMap<>();
    back.put("SESSIONS_PER_USER", null);

    InvalidSettingsException e =
        catchThrowableOfType(
            InvalidSettingsException.class, () -> Settings.DEFAULTS.withText(back, ACTIONS));

    assertThat(e.fields().get("SESSIONS_PER_USER")).contains("must have a value");
  }

  @Test
  void acceptsWholeNumbersWrittenAsDecimalsAsJsonMayGiveThem() {
    Settings s = Settings.DEFAULTS.with(Map.of("SESSIONS_PER_USER", 3.0), ACTIONS);

    assertThat(s.sessionsPerUser()).isEqualTo(3);
  }

  @Test
  void parsesTextValuesFromConfigurationFiles() {
    Settings s =
        Settings.DEFAULTS.withText(
            Map.of(
                "SESSIONS_PER_USER",
                " 2 ",
                "AUTH_BASIC_ENABLED",
                "TRUE",
                "QUOTA_EXHAUSTION_ACTION",
                "DENY_ACCESS"),
            ACTIONS);

    assertThat(s.sessionsPerUser()).isEqualTo(2);
    assertThat(s.authBasicEnabled()).isTrue();
    assertThat(s.quotaExhaustionAction()).isEqualTo("DENY_ACCESS");
    assertThatThrownBy(
            () -> Settings.DEFAULTS.withText(Map.of("SESSIONS_PER_USER", "two"), ACTIONS))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining(
            "SESSIONS_PER_USER must be a whole number: -1, or 1..100000, got \"two\"");
  }

  @Test
  void acceptsTheNameOfAnInstalledCustomAction() {
    Set<String> names = ExhaustionActions.of(new QuotaTest.NamedAction("KEEP_NEWEST")).names();

    assertThat(
            Settings.DEFAULTS
                .with(Map.of("QUOTA_EXHAUSTION_ACTION", "KEEP_NEWEST"), names)
                .quotaExhaustionAction())
        .isEqualTo("KEEP_NEWEST");
  }

  @Test
  void everySettingHasALabelHelpAndAValidDefault() {
    for (Setting setting : Setting.values()) {
      assertThat(setting.label()).isNotBlank();
      assertThat(setting.help()).isNotBlank();
      assertThat(setting.check(setting.defaultValue(), ACTIONS)).isEqualTo(setting.defaultValue());
    }
  }
}
