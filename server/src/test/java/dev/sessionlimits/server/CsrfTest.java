package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CsrfTest {

  private TestServer t;
  private Browser alice;

  @BeforeEach
  void start() {
    t = TestServer.start();
    t.createUser("alice", "alice-plum-harbor-lantern");
    alice = t.browser();
    alice.login("alice", "alice-plum-harbor-lantern");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void aStateChangeWithTheOriginOfAnotherSiteIsRefused() {
    Browser.Response r = alice.post("/api/v1/logout", null, "Origin", "https://evil.example");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.error()).isEqualTo("csrf");
    assertThat(alice.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void anotherPortIsAnotherOrigin() {
    assertThat(alice.post("/api/v1/logout", null, "Origin", "http://127.0.0.1:1").error())
        .isEqualTo("csrf");
  }

  @Test
  void aNullOriginIsRefused() {
    assertThat(alice.post("/api/v1/logout", null, "Origin", "null").error()).isEqualTo("csrf");
  }

  @Test
  void aCrossSiteFetchIsRefusedEvenWithoutOrigin() {
    assertThat(alice.post("/api/v1/logout", null, "Sec-Fetch-Site", "cross-site").error())
        .isEqualTo("csrf");
  }

  @Test
  void theSameOriginMayChangeState() {
    Browser.Response r = alice.post("/api/v1/logout", null, "Origin", t.base.toString());
    assertThat(r.status()).isEqualTo(204);
  }

  @Test
  void readingWithAForeignOriginIsHarmlessAndAllowed() {
    assertThat(alice.get("/api/v1/me", "Origin", "https://evil.example").status()).isEqualTo(200);
  }

  @Test
  void aCookieAuthenticatedChangeWithAFormBodyIsRefused() {
    Browser.Response r =
        alice.send("DELETE", "/api/v1/me/sessions/x", "a=b", "application/x-www-form-urlencoded");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.error()).isEqualTo("csrf");
    Browser.Response plain = alice.send("POST", "/api/v1/logout", "{}", "text/plain");
    assertThat(plain.error()).isEqualTo("csrf");
    assertThat(alice.get("/api/v1/me").status()).isEqualTo(200);
  }

  @Test
  void aNonJsonBodyWithoutTheCookieIs415() {
    Browser.Response r =
        t.browser()
            .send(
                "POST",
                "/api/v1/login",
                "username=alice&password=alice-plum-harbor-lantern",
                "application/x-www-form-urlencoded");
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.error()).isEqualTo("unsupported_media_type");
  }

  @Test
  void aLoginFromAnotherSiteIsRefused() {
    Browser.Response r =
        t.browser()
            .post(
                "/api/v1/login",
                "{\"username\":\"alice\",\"password\":\"alice-plum-harbor-lantern\"}",
                "Origin",
                "https://evil.example");
    assertThat(r.error()).isEqualTo("csrf");
    assertThat(r.header("Set-Cookie")).isNull();
  }
}
