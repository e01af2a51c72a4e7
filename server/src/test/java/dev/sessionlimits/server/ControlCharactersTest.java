package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.store.jdbc.JdbcStore;
import dev.sessionlimits.store.jdbc.TestPostgres;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Control characters (NUL above all, which PostgreSQL cannot store in text) in names a client
 * sends: user names, device names and query parameters are refused with 400; user agents are kept
 * without them. On PostgreSQL, where a NUL used to reach the database and come back as 503.
 */
class ControlCharactersTest {

  @RegisterExtension static final TestPostgres database = TestPostgres.perClass();

  private TestServer t;

  @BeforeEach
  void start() throws Exception {
    database.truncate();
    JdbcStore store = JdbcStore.postgres(database.url());
    t = TestServer.start(Stores.of(store, store::isHealthy), Map.of(), b -> {});
    t.createUser("alice", "alice-plum-harbor-lantern");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u0000", "\u0001", "\n", "\t", "\u007f", "\u0085"})
  void aUserNameWithAControlCharacterIs400(String control) {
    Browser.Response r =
        t.browser()
            .post(
                "/api/v1/login",
                Json.write(
                    Map.of(
                        "username",
                        "ali" + control + "ce",
                        "password",
                        "alice-plum-harbor-lantern")));
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().path("fields").path("username").asText()).contains("control characters");
    Browser.Response create =
        t.admin()
            .post(
                "/api/v1/users",
                Json.write(
                    Map.of(
                        "username", "bo" + control + "b", "password", "bob-plum-harbor-lantern")));
    assertThat(create.status()).as(create.toString()).isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u0000", "\u001b[31m", "\r\n"})
  void aDeviceNameWithAControlCharacterIs400AndOpensNoSession(String control) {
    Browser.Response r =
        t.browser()
            .post(
                "/api/v1/login",
                Json.write(
                    Map.of(
                        "username",
                        "alice",
                        "password",
                        "alice-plum-harbor-lantern",
                        "device",
                        "laptop" + control)));
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().path("fields").path("device").asText()).contains("control characters");
    assertThat(t.admin().get("/api/v1/sessions?user=alice").json().path("sessions")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/sessions?user=a%00b",
        "/api/v1/sessions?ip=1.2.3.4%00",
        "/api/v1/audit?limit=1%00",
        "/api/v1/sessions?user%00=a"
      })
  void aQueryParameterWithAControlCharacterIs400(String path) {
    Browser.Response r = t.admin().get(path);
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("invalid_request");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\t", "\u0085"}) // Jetty itself refuses the other C0 controls and DEL
  void aUserAgentIsKeptWithoutItsControlCharacters(String control) {
    Browser.Response r =
        RawHttp.send(
            "127.0.0.1",
            t.server.port(),
            "POST",
            "/api/v1/login",
            "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\"}",
            List.of(
                "Content-Type", "application/json", "User-Agent", "Firefox" + control + "/128.0"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().path("session").path("user_agent").asText()).isEqualTo("Firefox/128.0");
  }
}
