package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.store.jdbc.Await;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The service API over HTTP: sessions an application opens for users it authenticated itself. */
class ServiceApiTest {

  private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

  private final TestServer t = TestServer.start();

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void aServiceOpensASessionForANewUserThatWorksLikeALoginsOwn() {
    ServiceClient shop = ServiceClient.withKey(t);

    Browser.Response opened = shop.open("olga", "203.0.113.5");

    assertThat(opened.status()).as(opened.toString()).isEqualTo(201);
    JsonNode body = opened.json();
    String token = body.path("token").asText();
    String id = body.path("session").path("id").asText();
    assertThat(token).hasSize(43);
    assertThat(body.path("session").path("client_ip").asText()).isEqualTo("203.0.113.5");
    assertThat(body.path("ended_sessions")).isEmpty();
    assertThat(opened.header("Location")).isEqualTo(ServiceClient.SESSIONS + "/" + id);
    Browser user = t.browser();
    user.cookie(token);
    Browser.Response verified = user.get("/auth/verify");
    assertThat(verified.status()).isEqualTo(200);
    assertThat(verified.header("X-Session-User")).isEqualTo("olga");
    JsonNode account = t.admin().get("/api/v1/users/olga").json();
    assertThat(account.path("username").asText()).isEqualTo("olga");
  }

  @Test
  void aSessionIsCheckedByTokenOrIdAndEndedOnceItsBrowserHearsWhy() {
    ServiceClient shop = ServiceClient.withKey(t);
    JsonNode opened = shop.open("pia", "203.0.113.6").json();
    String token = opened.path("token").asText();
    String id = opened.path("session").path("id").asText();

    assertThat(shop.check(token).json().path("session").path("id").asText()).isEqualTo(id);
    assertThat(shop.check(id).status()).isEqualTo(200);
    try (EventStream stream = EventStream.open(t.base, token)) {
      Await.untilAsserted(
          "the stream is attached", () -> assertThat(t.server.push().streams()).isOne());

      assertThat(shop.end(id).status()).isEqualTo(204);

      assertThat(stream.next(TWO_SECONDS).json().path("reason").asText()).isEqualTo("logged_out");
    }
    Browser.Response after = shop.check(token);
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.error()).isEqualTo("session_ended");
    assertThat(after.header("X-Session-End-Reason")).isEqualTo("logged_out");
    assertThat(shop.end(token).status()).isEqualTo(204);
    assertThat(shop.check("AAAAAAAAAAAAAAAAAAAAAA").status()).isEqualTo(404);
  }

  @Test
  void underDenyAccessASecondOpeningIsRefusedAsALoginIsWithScopeLimitAndActive() {
    t.settings("{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
    ServiceClient shop = ServiceClient.withKey(t);
    assertThat(shop.open("quinn", "203.0.113.7").status()).isEqualTo(201);

    Browser.Response refused = shop.open("quinn", "203.0.113.8");

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.error()).isEqualTo("session_limit_reached");
    assertThat(refused.json().path("scope").asText()).isEqualTo("user");
    assertThat(refused.json().path("limit").asInt()).isEqualTo(1);
    assertThat(refused.json().path("active").asInt()).isEqualTo(1);
  }

  @Test
  void anEvictedSessionIsToldWhyOnItsStreamAndByItsCheck() {
    t.settings(
        "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
    ServiceClient shop = ServiceClient.withKey(t);
    String first = shop.open("rosa", "203.0.113.9").json().path("token").asText();
    try (EventStream stream = EventStream.open(t.base, first)) {
      Await.untilAsserted(
          "the stream is attached", () -> assertThat(t.server.push().streams()).isOne());

      JsonNode second = shop.open("rosa", "203.0.113.10").json();

      assertThat(second.path("ended_sessions")).hasSize(1);
      assertThat(stream.next(TWO_SECONDS).json().path("reason").asText())
          .isEqualTo("session_limit_reached");
    }
    Browser.Response check = shop.check(first);
    assertThat(check.status()).isEqualTo(401);
    assertThat(check.json().path("reason").asText()).isEqualTo("session_limit_reached");
    assertThat(check.json().path("caused_by").path("ip").asText()).isEqualTo("203.0.113.10");
  }

  @Test
  void theUsersOwnLimitFromTheServiceAppliesToHerOpenings() {
    Browser admin = t.admin();
    admin.patch(
        "/api/v1/settings",
        "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
    ServiceClient shop = ServiceClient.withKey(t);
    String json =
        "{\"user\":\"sven\",\"client_ip\":\"203.0.113.11\",\"user_agent\":\"\","
            + "\"sessions_limit\":2}";

    Browser.Response first = shop.open(json);
    Browser.Response second = shop.open(json);
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(second.status()).as(second.toString()).isEqualTo(201);
    Browser.Response third = shop.open(json);

    assertThat(third.status()).isEqualTo(403);
    assertThat(third.json().path("limit").asInt()).isEqualTo(2);
    assertThat(admin.get("/api/v1/users/sven").json().path("sessions_limit").asInt()).isEqualTo(2);
  }

  @Test
  void badInputIsA400NamingEachField() {
    ServiceClient shop = ServiceClient.withKey(t);

    JsonNode fields =
        shop.open(
                "{\"user\":\"no spaces\",\"client_ip\":\"not-an-ip\",\"device\":7,"
                    + "\"sessions_limit\":0,\"password\":\"x\"}")
            .json()
            .path("fields");

    assertThat(fields.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "user", "client_ip", "user_agent", "device", "sessions_limit", "password");
    Browser.Response missing = shop.open("{}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.error()).isEqualTo("invalid_request");
    assertThat(missing.json().path("fields").path("user").asText()).contains("user");
    assertThat(shop.open("not json").status()).isEqualTo(400);
  }

  @Test
  void missingRevokedAndWrongKeysAreRefusedAndScopesAreEnforcedPerRoute() {
    ServiceClient reader = ServiceClient.withKey(t, "reader", ApiKeyScope.SESSIONS_READ);
    ServiceClient opener = ServiceClient.withKey(t, "opener", ApiKeyScope.SESSIONS_OPEN);
    String token = opener.open("tara", "203.0.113.12").json().path("token").asText();

    assertThat(reader.open("tara", "203.0.113.12").error()).isEqualTo("api_key_scope_missing");
    assertThat(opener.check(token).error()).isEqualTo("api_key_scope_missing");
    assertThat(opener.end(token).status()).isEqualTo(403);
    assertThat(reader.check(token).status()).isEqualTo(200);
    Browser.Response none = t.browser().post(ServiceClient.SESSIONS, "{}");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.error()).isEqualTo("api_key_invalid");
    assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");
    String forged = reader.key.substring(0, reader.key.length() - 2) + "xx";
    assertThat(
            t.browser()
                .get(ServiceClient.SESSIONS + "/" + token, "Authorization", "Bearer " + forged)
                .status())
        .isEqualTo(401);

    t.stores.apiKeys().revoke(reader.keyId, t.clock.instant());

    assertThat(reader.check(token).error()).isEqualTo("api_key_invalid");
  }

  @Test
  void aKeyNeverSignsInALocalAccountNorSeesAPersonsOwnSignIn() {
    t.createUser("uma", "uma-plum-harbor-lantern");
    Browser uma = t.browser();
    assertThat(uma.login("uma", "uma-plum-harbor-lantern").status()).isEqualTo(201);
    ServiceClient shop = ServiceClient.withKey(t);

    Browser.Response admin = shop.open("admin", "203.0.113.13");
    Browser.Response local = shop.open("uma", "203.0.113.13");

    assertThat(admin.status()).isEqualTo(409);
    assertThat(admin.error()).isEqualTo("service_user_conflict");
    assertThat(local.error()).isEqualTo("service_user_conflict");
    assertThat(shop.check(uma.cookie()).status()).isEqualTo(404);
    assertThat(shop.end(uma.cookie()).status()).isEqualTo(404);
    assertThat(uma.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void theAuditNamesTheKeyButNeverHoldsItNorTheToken() {
    ServiceClient shop = ServiceClient.withKey(t);
    String token = shop.open("vera", "203.0.113.14").json().path("token").asText();
    shop.end(token);

    String audit = t.admin().get("/api/v1/audit?limit=50").text();

    assertThat(audit)
        .contains("\"api_key_id\":\"" + shop.keyId + "\"", "\"auth_method\":\"service\"");
    assertThat(audit).doesNotContain(shop.key, token);
  }

  @Test
  void everyAnswerOfTheServiceRoutesIsDocumentedAndMatchesItsSchema() {
    t.settings("{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
    DocumentedResponses docs =
        new DocumentedResponses(t.browser().get("/api/v1/openapi.json").text());
    ServiceClient shop = ServiceClient.withKey(t);
    ServiceClient reader = ServiceClient.withKey(t, "reader", ApiKeyScope.SESSIONS_READ);
    String post = ServiceClient.SESSIONS;
    String one = ServiceClient.SESSIONS + "/{ref}";

    Browser.Response opened = docs.check("POST", post, shop.open("yara", "203.0.113.15"));
    String token = opened.json().path("token").asText();
    docs.check("POST", post, shop.open("yara", "203.0.113.15"));
    docs.check("POST", post, shop.open("{\"user\":\"\"}"));
    docs.check("POST", post, shop.open("admin", "203.0.113.15"));
    docs.check("POST", post, reader.open("yara", "203.0.113.15"));
    docs.check("GET", one, shop.check(token));
    docs.check("GET", one, shop.check("no-such-session"));
    docs.check("DELETE", one, reader.end(token));
    docs.check("DELETE", one, shop.end(token));
    docs.check("GET", one, shop.check(token));
    docs.check("GET", one, t.browser().get(ServiceClient.SESSIONS + "/" + token));

    assertThat(docs.validated()).isEqualTo(10);
  }
}
