package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad requests get a clear 4xx with a JSON error, never a 500 or a stack trace. */
class BadInputTest {

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

  private static void assertClientError(Browser.Response r, int status, String error) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.error()).as(r.toString()).isEqualTo(error);
    assertThat(r.json().path("message").asText()).isNotBlank();
    assertThat(r.text()).doesNotContain("Exception", "\tat ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"username\": }",
        "{\"username\":\"a\"} trailing",
        "nul",
        "{\"a\":1,\"a\":2}",
        "{'username':'a'}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
      })
  void malformedJsonIs400InvalidJson(String body) {
    assertClientError(t.browser().post("/api/v1/login", body), 400, "invalid_json");
    assertClientError(admin.patch("/api/v1/settings", body), 400, "invalid_json");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"text\"", "42", "null", "true"})
  void aBodyThatIsNotAnObjectIs400(String body) {
    assertClientError(t.browser().post("/api/v1/login", body), 400, "invalid_request");
    assertClientError(admin.post("/api/v1/users", body), 400, "invalid_request");
  }

  @Test
  void anEmptyBodyWhereOneIsNeededIs400() {
    assertClientError(t.browser().post("/api/v1/login", ""), 400, "invalid_request");
    assertClientError(t.browser().post("/api/v1/login", null), 400, "invalid_request");
  }

  @Test
  void wrongTypesAre400NamingTheField() {
    Browser.Response r =
        t.browser().post("/api/v1/login", "{\"username\": 5, \"password\": [\"x\"]}");
    assertClientError(r, 400, "invalid_request");
    assertThat(r.json().path("fields").path("username").asText())
        .isEqualTo("username must be a string, got a number (5).");
    assertThat(r.json().path("fields").path("password").asText()).contains("must be a string");

    Browser.Response user =
        admin.post(
            "/api/v1/users",
            "{\"username\":\"bob\",\"password\":\"bob-plum-harbor-lantern\","
                + "\"admin\":\"yes\",\"sessions_limit\":\"3\"}");
    assertClientError(user, 400, "invalid_request");
    assertThat(user.json().path("fields").path("admin").asText()).contains("true or false");
    assertThat(user.json().path("fields").path("sessions_limit").asText()).contains("1..100000");
  }

  @Test
  void unknownFieldsAre400NamingTheField() {
    Browser.Response r =
        t.browser()
            .post(
                "/api/v1/login",
                "{\"username\":\"admin\",\"password\":\"x\",\"remember_me\":true}");
    assertClientError(r, 400, "invalid_request");
    assertThat(r.json().path("fields").path("remember_me").asText())
        .isEqualTo(
            "remember_me is not a field of this request; the fields are username, password,"
                + " device, preview.");
  }

  @Test
  void overLongValuesAre400() {
    String longName = "a".repeat(65);
    assertClientError(
        t.browser().post("/api/v1/login", "{\"username\":\"" + longName + "\",\"password\":\"x\"}"),
        400,
        "invalid_request");
    assertClientError(
        t.browser()
            .post(
                "/api/v1/login",
                "{\"username\":\"admin\",\"password\":\"" + "p".repeat(1025) + "\"}"),
        400,
        "invalid_request");
    Browser.Response device =
        t.browser()
            .post(
                "/api/v1/login",
                "{\"username\":\"admin\",\"password\":\""
                    + TestServer.ADMIN_PASSWORD
                    + "\",\"device\":\""
                    + "d".repeat(101)
                    + "\"}");
    assertClientError(device, 400, "invalid_request");
    assertThat(device.json().path("fields").path("device").asText())
        .contains("at most 100 characters");
  }

  @Test
  void aBodyOverSixtyFourKibIs413() {
    String body = "{\"username\":\"" + "a".repeat(64 * 1024 - 15 + 1) + "\"}";
    assertThat(body.length()).isEqualTo(64 * 1024 + 1);
    assertClientError(t.browser().post("/api/v1/login", body), 413, "payload_too_large");
    assertClientError(admin.patch("/api/v1/settings", body), 413, "payload_too_large");
  }

  @Test
  void aBodyOfExactlySixtyFourKibIsReadAndJudgedOnItsContent() {
    String body = "{\"username\":\"" + "a".repeat(64 * 1024 - 15) + "\"}";
    assertThat(body.length()).isEqualTo(64 * 1024);
    assertClientError(t.browser().post("/api/v1/login", body), 400, "invalid_request");
  }

  @Test
  void unknownRoutesAndMethodsAnswerJson() {
    assertClientError(t.browser().get("/api/v1/nothing"), 404, "not_found");
    assertClientError(
        t.browser().send("PUT", "/api/v1/login", "{}", "application/json"),
        405,
        "method_not_allowed");
  }

  @Test
  void badQueryParametersAre400() {
    assertClientError(admin.get("/api/v1/audit?limit=abc"), 400, "invalid_request");
    assertClientError(admin.get("/api/v1/audit?limit=0"), 400, "invalid_request");
    assertClientError(admin.get("/api/v1/audit?before=-1"), 400, "invalid_request");
    assertClientError(admin.get("/api/v1/sessions?ip=not-an-address"), 400, "invalid_request");
  }

  @Test
  void enforceAcceptsNoBodyButRefusesABadOne() {
    assertThat(admin.post("/api/v1/sessions/enforce", null).status()).isEqualTo(200);
    assertClientError(
        admin.post("/api/v1/sessions/enforce", "{\"dry_run\": \"yes\"}"), 400, "invalid_request");
    assertClientError(
        admin.post("/api/v1/sessions/enforce", "{\"dryrun\": true}"), 400, "invalid_request");
  }

  @Test
  void aHugeNumberForASettingIsRefusedAsInvalid() {
    assertClientError(
        admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 1e400}"), 400, "invalid_settings");
    assertClientError(
        admin.patch("/api/v1/settings", "{\"SESSIONS_PER_USER\": 123456789012345678901234567890}"),
        400,
        "invalid_settings");
  }

  @Test
  void requestsJettyRefusesBeforeAnyRouteAlsoAnswerJson() {
    int port = t.server.port();
    Browser.Response headers =
        RawHttp.sendBytes(
            port, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    assertClientError(headers, 431, "headers_too_large");
    Browser.Response length =
        RawHttp.sendBytes(
            port, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
    assertClientError(length, 400, "invalid_request");
    Browser.Response line = RawHttp.sendBytes(port, "GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n");
    assertClientError(line, 400, "invalid_request");
  }

  @Test
  void anHttpVersionJettyDoesNotSpeakIs505WithItsOwnCode() {
    for (String request :
        new String[] {
          "GET /\r\n\r\n", "GET / HTTP/0.9\r\n\r\n", "GET /healthz HTTP/2.5\r\nHost: x\r\n\r\n"
        }) {
      Browser.Response r = RawHttp.sendBytes(t.server.port(), request);
      assertThat(r.status()).as(request).isEqualTo(505);
      assertThat(r.error()).as(request).isEqualTo("http_version_not_supported");
      assertThat(r.json().path("message").asText()).contains("HTTP/1.1");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"username\": }",
        "{\"username\":\"a\"} trailing",
        "nul",
        "{\"a\":1,\"a\":2}",
        "{'username':'a'}",
        "{\"a\": NaN}",
        "{\"a\": tru}",
        "{\"a\": [1,}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
      })
  void invalidJsonMessagesSpeakOfTheBodyNotOfTheParser(String body) {
    Browser.Response r = t.browser().post("/api/v1/login", body);
    assertClientError(r, 400, "invalid_json");
    assertThat(r.json().path("message").asText())
        .startsWith("The request body is not valid JSON")
        .doesNotContainIgnoringCase("jackson")
        .doesNotContainIgnoringCase("feature")
        .doesNotContain("Source", "REDACTED", "marker", "com.", "Exception", "`", "JsonToken");
  }

  @Test
  void aDuplicateFieldIsNamed() {
    Browser.Response r = t.browser().post("/api/v1/login", "{\"a\":1,\"a\":2}");
    assertThat(r.json().path("message").asText()).endsWith("the field \"a\" appears twice.");
  }

  @Test
  void aMethodAPathDoesNotTakeIs405NamingTheMethodsItTakes() {
    Browser.Response r = admin.send("PUT", "/api/v1/users", "{}", "application/json");
    assertClientError(r, 405, "method_not_allowed");
    assertThat(r.header("Allow")).isEqualTo("GET, HEAD, POST");
  }
}
