package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsApiTest {

  private TestServer t;
  private Browser admin;

  @BeforeEach
  void start() {
    t = TestServer.start();
    admin = t.admin();
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void getShowsEverySettingWithItsDefault() {
    Browser.Response r = admin.get("/api/v1/settings");
    assertThat(r.status()).isEqualTo(200);
    JsonNode s = r.json();
    assertThat(s.path("SESSIONS_PER_USER").asInt()).isEqualTo(-1);
    assertThat(s.path("SESSIONS_PER_IP").asInt()).isEqualTo(-1);
    assertThat(s.path("QUOTA_CONSTRAINTS_ENABLED").asBoolean()).isTrue();
    assertThat(s.path("QUOTA_EXHAUSTION_ACTION").asText()).isEqualTo("DESTROY_NEXT_EXPIRING");
    assertThat(s.path("SESSION_COOKIE_AGE").asInt()).isEqualTo(1800);
    assertThat(s.path("SESSION_MAX_LIFETIME").asInt()).isEqualTo(0);
    assertThat(s.path("AUTH_BASIC_ENABLED").asBoolean()).isFalse();
    assertThat(s.path("QUOTA_EXEMPT_ADMINS").asBoolean()).isFalse();
    assertThat(s.path("MFA_REQUIRED_FOR_ADMINS").asBoolean()).isFalse();
    assertThat(s.path("DENY_ACCESS_LETS_USER_CHOOSE").asBoolean()).isTrue();
    assertThat(s.size()).isEqualTo(10);
  }

  @Test
  void patchAcceptsAValidValueForEverySettingAndAnswersTheNewObject() {
    Browser.Response r =
        admin.patch(
            "/api/v1/settings",
            "{\"SESSIONS_PER_USER\": 100000,"
                + " \"SESSIONS_PER_IP\": 1000000, \"QUOTA_CONSTRAINTS_ENABLED\": false,"
                + " \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\", \"SESSION_COOKIE_AGE\": 60,"
                + " \"SESSION_MAX_LIFETIME\": 31536000, \"AUTH_BASIC_ENABLED\": true,"
                + " \"QUOTA_EXEMPT_ADMINS\": true}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode s = r.json();
    assertThat(s.path("SESSIONS_PER_USER").asInt()).isEqualTo(100000);
    assertThat(s.path("SESSIONS_PER_IP").asInt()).isEqualTo(1000000);
    assertThat(s.path("QUOTA_CONSTRAINTS_ENABLED").asBoolean()).isFalse();
    assertThat(s.path("QUOTA_EXHAUSTION_ACTION").asText()).isEqualTo("DENY_ACCESS");
    assertThat(s.path("SESSION_COOKIE_AGE").asInt()).isEqualTo(60);
    assertThat(s.path("SESSION_MAX_LIFETIME").asInt()).isEqualTo(31536000);
    assertThat(s.path("AUTH_BASIC_ENABLED").asBoolean()).isTrue();
    assertThat(s.path("QUOTA_EXEMPT_ADMINS").asBoolean()).isTrue();
    assertThat(admin.get("/api/v1/settings").json()).isEqualTo(s);
  }

  @Test
  void theSpecialValuesAreAccepted() {
    assertThat(admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 5}").status())
        .isEqualTo(200);
    JsonNode s =
        admin
            .patch(
                "/api/v1/settings",
                "{\"SESSIONS_PER_USER\": -1, \"SESSIONS_PER_IP\": -1, \"SESSION_MAX_LIFETIME\": 0}")
            .json();
    assertThat(s.path("SESSIONS_PER_USER").asInt()).isEqualTo(-1);
    assertThat(s.path("SESSION_MAX_LIFETIME").asInt()).isEqualTo(0);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "SESSIONS_PER_USER | 0 | 0 would sign out every login at once",
        "SESSIONS_PER_USER | 100001 | -1, or 1..100000",
        "SESSIONS_PER_USER | -2 | -1, or 1..100000",
        "SESSIONS_PER_USER | \"5\" | whole number",
        "SESSIONS_PER_USER | 1.5 | whole number",
        "SESSIONS_PER_USER | true | whole number",
        "SESSIONS_PER_IP | 0 | 0 would sign out every login at once",
        "SESSIONS_PER_IP | 1000001 | -1, or 1..1000000",
        "QUOTA_CONSTRAINTS_ENABLED | \"yes\" | must be true or false",
        "QUOTA_CONSTRAINTS_ENABLED | 1 | must be true or false",
        "QUOTA_EXHAUSTION_ACTION | \"DESTROY_EVERYTHING\" | DENY_ACCESS, DESTROY_NEXT_EXPIRING",
        "QUOTA_EXHAUSTION_ACTION | 3 | DENY_ACCESS, DESTROY_NEXT_EXPIRING",
        "SESSION_COOKIE_AGE | 59 | shorter idle timeouts sign users out while they work",
        "SESSION_COOKIE_AGE | 0 | 60..31536000",
        "SESSION_COOKIE_AGE | 31536001 | 60..31536000",
        "SESSION_COOKIE_AGE | [1800] | whole number",
        "SESSION_MAX_LIFETIME | 59 | 0, or 60..31536000",
        "SESSION_MAX_LIFETIME | -1 | 0, or 60..31536000",
        "AUTH_BASIC_ENABLED | \"true\" | must be true or false",
        "QUOTA_EXEMPT_ADMINS | {} | must be true or false",
      })
  void refusesAnInvalidValueWithASentenceForThatSetting(String name, String json, String expected) {
    Browser.Response r = admin.patch("/api/v1/settings", "{\"" + name + "\": " + json + "}");

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("invalid_settings");
    assertThat(r.json().path("fields").path(name).asText()).startsWith(name).contains(expected);
    assertThat(r.json().path("message").asText()).contains("Nothing was changed");
  }

  @Test
  void aNullValuePutsASettingBackToItsDefaultAndForgetsTheStoredValue() {
    admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 3, \"SESSION_COOKIE_AGE\": 900}");

    Browser.Response r = admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": null}");

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().path("SESSIONS_PER_USER").asInt()).isEqualTo(-1);
    assertThat(r.json().path("SESSION_COOKIE_AGE").asInt()).isEqualTo(900);
    JsonNode perUser = admin.get("/api/v1/settings/schema").json().path("settings").get(0);
    assertThat(perUser.path("source").asText()).isEqualTo("default");
    assertThat(t.stores.settings().load().values())
        .doesNotContainKey("SESSIONS_PER_USER")
        .containsEntry("SESSION_COOKIE_AGE", "900");
    JsonNode change =
        admin.get("/api/v1/audit?limit=1").json().path("events").get(0).path("details");
    assertThat(change.path("changes").path("SESSIONS_PER_USER").path("old").asInt()).isEqualTo(3);
    assertThat(change.path("changes").path("SESSIONS_PER_USER").path("new").asInt()).isEqualTo(-1);
  }

  @Test
  void refusesAnUnknownSettingName() {
    Browser.Response r = admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USERS\": 3}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("fields").path("SESSIONS_PER_USERS").asText())
        .isEqualTo("SESSIONS_PER_USERS is not a setting");
  }

  @Test
  void appliesNothingWhenAnyValueIsRefused() {
    Browser.Response r =
        admin.patch(
            "/api/v1/settings",
            "{\"SESSIONS_PER_USER\": 3, \"SESSION_COOKIE_AGE\": 59, \"SESSIONS_PER_IP\": 0}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("fields").size()).isEqualTo(2);
    assertThat(admin.get("/api/v1/settings").json().path("SESSIONS_PER_USER").asInt())
        .isEqualTo(-1);
  }

  @Test
  void anEmptyPatchChangesNothing() {
    assertThat(admin.patch("/api/v1/settings", "{}").status()).isEqualTo(200);
  }

  @Test
  void onlyAdministratorsMaySeeOrChangeSettings() {
    t.createUser("alice", "alice-plum-harbor-lantern");
    Browser alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");
    assertThat(alice.get("/api/v1/settings").error()).isEqualTo("forbidden");
    assertThat(alice.get("/api/v1/settings").status()).isEqualTo(403);
    assertThat(alice.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 3}").status())
        .isEqualTo(403);
    assertThat(alice.get("/api/v1/settings/schema").status()).isEqualTo(403);
    assertThat(t.browser().get("/api/v1/settings").status()).isEqualTo(401);
  }

  @Test
  void theSchemaDescribesEverySettingAndWhereItsValueComesFrom() {
    admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 3}");
    JsonNode settings = admin.get("/api/v1/settings/schema").json().path("settings");
    assertThat(settings).hasSize(10);
    JsonNode perUser = settings.get(0);
    assertThat(perUser.path("name").asText()).isEqualTo("SESSIONS_PER_USER");
    assertThat(perUser.path("type").asText()).isEqualTo("integer");
    assertThat(perUser.path("default").asInt()).isEqualTo(-1);
    assertThat(perUser.path("valid_range").asText()).isEqualTo("-1, or 1..100000");
    assertThat(perUser.path("label").asText()).isEqualTo("Sessions per user");
    assertThat(perUser.path("help").asText()).isNotEmpty();
    assertThat(perUser.path("value").asInt()).isEqualTo(3);
    assertThat(perUser.path("source").asText()).isEqualTo("api");
    assertThat(perUser.path("read_only").asBoolean()).isFalse();
    JsonNode action = settings.get(3);
    assertThat(action.path("type").asText()).isEqualTo("action");
    assertThat(action.path("source").asText()).isEqualTo("default");
    assertThat(action.path("choices").toString()).contains("DENY_ACCESS", "DESTROY_OLD_SESSIONS");
    JsonNode basic = settings.get(6);
    assertThat(basic.path("name").asText()).isEqualTo("AUTH_BASIC_ENABLED");
    assertThat(basic.path("help").asText()).contains("create no session", "outside session limits");
  }

  @Test
  void settingChangesAreAuditedWithWhoWhenWhereAndOldAndNewValues() {
    admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 2}");
    JsonNode event = admin.get("/api/v1/audit?limit=1").json().path("events").get(0);
    assertThat(event.path("type").asText()).isEqualTo("settings_changed");
    assertThat(event.path("actor").asText()).isEqualTo("admin");
    assertThat(event.path("client_ip").asText()).isEqualTo("127.0.0.1");
    assertThat(event.path("at").asText()).isEqualTo("2026-03-02T14:00:00Z");
    JsonNode change = event.path("details").path("changes").path("SESSIONS_PER_USER");
    assertThat(change.path("old").asInt()).isEqualTo(-1);
    assertThat(change.path("new").asInt()).isEqualTo(2);
  }

  @Test
  void anotherNodeSeesAChangeWithinASecond() {
    try (TestServer other = TestServer.start(t.stores, Map.of(), b -> {})) {
      Browser otherAdmin = other.admin();
      assertThat(otherAdmin.get("/api/v1/settings").json().path("SESSIONS_PER_USER").asInt())
          .isEqualTo(-1);

      admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 7}");
      other.clock.advanceSeconds(1);

      assertThat(otherAdmin.get("/api/v1/settings").json().path("SESSIONS_PER_USER").asInt())
          .isEqualTo(7);
    }
  }

  @Test
  void settingsFromFilesWinAndAreReadOnlyInTheApi(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("limits.properties"), "SESSIONS_PER_USER = 3\n# a comment\n");
    Files.writeString(dir.resolve("ignored.txt"), "SESSIONS_PER_USER = nonsense\n");
    try (TestServer filed = TestServer.start(Map.of("SESSIONLIMITS_CONFIG_DIR", dir.toString()))) {
      Browser a = filed.admin();
      assertThat(a.get("/api/v1/settings").json().path("SESSIONS_PER_USER").asInt()).isEqualTo(3);

      Browser.Response r =
          a.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 5, \"SESSIONS_PER_IP\": 9}");
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.error()).isEqualTo("invalid_settings");
      assertThat(r.json().path("fields").path("SESSIONS_PER_USER").asText())
          .contains("limits.properties", "read-only");
      assertThat(r.json().path("fields").has("SESSIONS_PER_IP")).isFalse();
      assertThat(a.get("/api/v1/settings").json().path("SESSIONS_PER_IP").asInt()).isEqualTo(-1);

      JsonNode schema = a.get("/api/v1/settings/schema").json().path("settings").get(0);
      assertThat(schema.path("read_only").asBoolean()).isTrue();
      assertThat(schema.path("source").asText()).isEqualTo("file");
      assertThat(schema.path("file").asText()).endsWith("limits.properties");
      assertThat(schema.path("value").asInt()).isEqualTo(3);
    }
  }

  @Test
  void anInvalidFileValueStopsTheServerNamingTheFileSettingValueAndRange(@TempDir Path dir)
      throws IOException {
    Files.writeString(dir.resolve("limits.properties"), "SESSION_COOKIE_AGE=59\n");
    assertThatThrownBy(() -> TestServer.start(Map.of("SESSIONLIMITS_CONFIG_DIR", dir.toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("limits.properties")
        .hasMessageContaining("SESSION_COOKIE_AGE")
        .hasMessageContaining("59")
        .hasMessageContaining("60..31536000");
  }

  @Test
  void anUnknownNameOrASettingInTwoFilesStopsTheServer(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.properties"), "SESSIONS_PER_USER=2\nSESION_COOKIE_AGE=600\n");
    Files.writeString(dir.resolve("b.properties"), "SESSIONS_PER_USER=3\n");
    assertThatThrownBy(() -> TestServer.start(Map.of("SESSIONLIMITS_CONFIG_DIR", dir.toString())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SESION_COOKIE_AGE is not a setting")
        .hasMessageContaining("b.properties: SESSIONS_PER_USER is also set in");
  }
}
