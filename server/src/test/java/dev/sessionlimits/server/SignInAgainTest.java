package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.store.jdbc.Await;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Signing in again in a browser that holds a live session (ASVS 7.2.4). */
class SignInAgainTest {

  private static final Duration TWO_SECONDS = Duration.ofSeconds(2);
  private static final String ALICE =
      "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\"}";

  private TestServer t;

  @BeforeEach
  void start() {
    t = TestServer.start(Stores.inMemory(), Map.of(), b -> b.heartbeat(Duration.ofMillis(25)));
    t.createUser("alice", "alice-plum-harbor-lantern");
    t.createUser("bob", "bob-quiet-meadow-ferry");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void signingInAgainAtALimitOfOneUnderDenyAccessReplacesThePresentedSessionAndTellsItWhy() {
    t.settings("{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");
    Browser browser = t.browser();
    assertThat(browser.post("/api/v1/login", ALICE).status()).isEqualTo(201);
    String old = browser.cookie();
    try (EventStream stream = EventStream.open(t.base, old)) {
      Await.untilAsserted(
          "the stream is attached", () -> assertThat(t.server.push().streams()).isOne());

      Browser.Response again = browser.post("/api/v1/login", ALICE);

      assertThat(again.status()).isEqualTo(201);
      assertThat(again.json().path("ended_sessions")).isEmpty();
      assertThat(browser.cookie()).isNotEqualTo(old);
      EventStream.Event event = stream.next(TWO_SECONDS);
      assertThat(event.name()).isEqualTo("session_ended");
      assertThat(event.json().path("reason").asText()).isEqualTo("superseded");
      assertThat(event.json().path("message").asText())
          .isEqualTo(
              "You were signed out at 14:00 UTC because this browser signed in again, and the new"
                  + " sign-in replaced this session.");
    }
    Browser oldToken = t.browser();
    oldToken.cookie(old);
    Browser.Response answer = oldToken.get("/api/v1/me");
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.json().path("reason").asText()).isEqualTo("superseded");
    assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void signingInAgainEndsNoOtherDeviceAndIsAudited() {
    t.settings(
        "{\"SESSIONS_PER_USER\": 2, \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
    Browser phone = t.browser(TestServer.CHROME_WINDOWS);
    assertThat(phone.post("/api/v1/login", ALICE).status()).isEqualTo(201);
    Browser laptop = t.browser();
    assertThat(laptop.post("/api/v1/login", ALICE).status()).isEqualTo(201);
    String old = laptop.cookie();

    assertThat(laptop.post("/api/v1/login", ALICE).status()).isEqualTo(201);

    assertThat(phone.get("/api/v1/me").status()).isEqualTo(200);
    assertThat(laptop.get("/api/v1/me/sessions").json().path("sessions")).hasSize(2);
    Browser oldToken = t.browser();
    oldToken.cookie(old);
    assertThat(oldToken.get("/api/v1/me").json().path("reason").asText()).isEqualTo("superseded");
    JsonNode events = t.admin().get("/api/v1/audit").json().path("events");
    assertThat(events)
        .anySatisfy(e -> assertThat(e.path("type").asText()).isEqualTo("session_superseded"));
  }

  @Test
  void signingInAsAnotherUserEndsThePresentedSessionOfTheFirst() {
    Browser browser = t.browser();
    assertThat(browser.post("/api/v1/login", ALICE).status()).isEqualTo(201);
    String alices = browser.cookie();

    assertThat(browser.login("bob", "bob-quiet-meadow-ferry").status()).isEqualTo(201);

    Browser oldToken = t.browser();
    oldToken.cookie(alices);
    assertThat(oldToken.get("/api/v1/me").json().path("reason").asText()).isEqualTo("superseded");
    assertThat(browser.get("/api/v1/me").json().path("user").path("username").asText())
        .isEqualTo("bob");
  }
}
