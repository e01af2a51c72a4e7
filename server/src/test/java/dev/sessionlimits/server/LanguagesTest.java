package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.server.service.PasswordPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API's sentences follow the request's {@code Accept-Language}, labelled with {@code
 * Content-Language} and {@code Vary}, while the codes a program reads stay the same.
 */
class LanguagesTest {

  private static final String PASSWORD = "alice-plum-harbor-lantern";
  private static final String LOGIN = "{\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"}";

  private TestServer t;

  @BeforeEach
  void start() {
    t = TestServer.start(Map.of());
    t.createUser("alice", PASSWORD);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private static void assertLabelled(Browser.Response r, String language) {
    assertThat(r.header("Content-Language")).as(r.toString()).isEqualTo(language);
    assertThat(r.headers().allValues("Vary"))
        .anySatisfy(v -> assertThat(v).contains("Accept-Language"));
  }

  @Test
  void aRefusalAtTheLimitIsWordedInGermanWithItsCodeUnchanged() {
    t.settings("{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
    assertThat(t.browser().login("alice", PASSWORD).status()).isEqualTo(201);

    Browser.Response refused = t.browser().post("/api/v1/login", LOGIN, "Accept-Language", "de");

    assertThat(refused.status()).isEqualTo(403);
    JsonNode body = refused.json();
    assertThat(body.path("error").asText()).isEqualTo("session_limit_reached");
    assertThat(body.path("scope").asText()).isEqualTo("user");
    assertThat(body.path("limit").asInt()).isEqualTo(1);
    assertThat(body.path("message").asText())
        .isEqualTo(
            "Sie haben bereits 1 aktive Sitzung, und Ihr Limit beträgt 1 Sitzung. Melden Sie sich"
                + " zuerst von einer davon ab, oder fragen Sie einen Administrator.");
    assertLabelled(refused, "de");
  }

  @Test
  void anEndedSessionsAnswerIsWordedInTheFirstLanguageOfTheListThatTheServerHas() {
    t.settings(
        "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
    Browser first = t.browser(TestServer.FIREFOX_LINUX);
    assertThat(first.login("alice", PASSWORD).status()).isEqualTo(201);
    assertThat(t.browser(TestServer.CHROME_WINDOWS).login("alice", PASSWORD).status())
        .isEqualTo(201);

    Browser.Response ended =
        first.get("/api/v1/me", "Accept-Language", "fr-FR, de-CH;q=0.9, en;q=0.5");

    assertThat(ended.status()).isEqualTo(401);
    assertThat(ended.error()).isEqualTo("session_ended");
    assertThat(ended.json().path("reason").asText()).isEqualTo("session_limit_reached");
    assertThat(ended.header("X-Session-End-Reason")).isEqualTo("session_limit_reached");
    assertThat(ended.json().path("message").asText())
        .isEqualTo(
            "Sie wurden abgemeldet, weil sich Ihr Konto um 14:00 UTC mit Chrome unter Windows von"
                + " 127.0.0.1 aus angemeldet hat und Ihr Limit 1 Sitzung beträgt.");
    assertLabelled(ended, "de");

    Browser.Response english = first.get("/api/v1/me", "Accept-Language", "fr");
    assertThat(english.json().path("message").asText())
        .startsWith("You were signed out because your account signed in on Chrome");
    assertLabelled(english, "en");
  }

  @Test
  void aBadFieldIsNamedInGermanUnderItsOwnName() {
    Browser.Response bad =
        t.browser()
            .post(
                "/api/v1/login",
                "{\"username\":\"alice\",\"password\":\"x\",\"colour\":1}",
                "Accept-Language",
                "de-DE,de;q=0.9");

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error()).isEqualTo("invalid_request");
    assertThat(bad.json().path("fields").path("colour").asText())
        .isEqualTo(
            "colour ist kein Feld dieser Anfrage; die Felder sind username, password, device,"
                + " preview.");
    assertThat(bad.json().path("message").asText())
        .startsWith("Einige Felder der Anfrage sind ungültig: colour ist kein Feld");
    assertLabelled(bad, "de");
  }

  @Test
  void aWeakPasswordIsRefusedWithItsReasonInGerman() {
    Browser.Response weak =
        t.admin()
            .post(
                "/api/v1/users",
                "{\"username\":\"bob\",\"password\":\"password\"}",
                "Accept-Language",
                "de");

    assertThat(weak.status()).isEqualTo(400);
    assertThat(weak.error()).isEqualTo("weak_password");
    String reason = weak.json().path("fields").path("password").asText();
    assertThat(reason)
        .isNotBlank()
        .isNotEqualTo(PasswordPolicy.weakness("password", List.of("bob")).orElseThrow());
    assertThat(weak.json().path("message").asText())
        .isEqualTo("Das Passwort ist zu leicht zu erraten. " + reason);
    assertLabelled(weak, "de");
  }

  @Test
  void aMalformedOrUnknownLanguageGetsEnglishAndTheUsualStatus() {
    for (String header : new String[] {"fr", "*;q=x;;,,", "de;q=2", "-"}) {
      Browser.Response wrong = t.browser().post("/api/v1/login", "{}", "Accept-Language", header);
      assertThat(wrong.status()).as(header).isEqualTo(400);
      assertThat(wrong.json().path("fields").path("username").asText())
          .as(header)
          .isEqualTo("username is required.");
      assertLabelled(wrong, "en");
      assertThat(t.browser().get("/healthz", "Accept-Language", header).status())
          .as(header)
          .isEqualTo(200);
    }
  }

  @Test
  void anAnswerOfTheJettyErrorHandlerFollowsTheLanguageToo() {
    Browser.Response missing = t.browser().get("/api/v1/nothing-here", "Accept-Language", "de");

    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.error()).isEqualTo("not_found");
    assertThat(missing.json().path("message").asText())
        .isEqualTo("Unter GET /api/v1/nothing-here gibt es nichts.");
    assertLabelled(missing, "de");
  }
}
