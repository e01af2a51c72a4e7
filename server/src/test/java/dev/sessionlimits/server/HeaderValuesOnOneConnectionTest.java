package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.server.http.Requests;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A credential is read as its request sent it, whatever an earlier request on the same connection
 * sent: a proxy's connection carries many clients' requests. Jetty's cache of a connection's header
 * fields matches values without regard to case by default; with it, a key's twin in another case
 * was accepted after the key, and the key refused after its twin.
 */
class HeaderValuesOnOneConnectionTest {

  private final TestServer t = TestServer.start();

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void anApiKeyIsReadAsSentAfterItsTwinInAnotherCase() {
    ServiceClient shop = ServiceClient.withKey(t);
    String id = shop.open("olga", "203.0.113.5").json().path("session").path("id").asText();
    String key = "Bearer " + shop.key;
    String twin = "Bearer " + shop.key.substring(0, 21) + swapCase(shop.key.substring(21));
    String path = ServiceClient.SESSIONS + "/" + id;

    assertThat(statuses(path, "Authorization", key, twin)).containsExactly(200, 401);
    assertThat(statuses(path, "Authorization", twin, key)).containsExactly(401, 200);
  }

  @Test
  void aSessionCookieIsReadAsSentAfterItsTwinInAnotherCase() {
    String token =
        ServiceClient.withKey(t).open("pia", "203.0.113.6").json().path("token").asText();
    String cookie = Requests.COOKIE + "=" + token;
    String twin = Requests.COOKIE + "=" + swapCase(token);

    assertThat(statuses("/auth/verify", "Cookie", cookie, twin)).containsExactly(200, 401);
    assertThat(statuses("/auth/verify", "Cookie", twin, cookie)).containsExactly(401, 200);
  }

  /** The statuses of GET {@code path} with {@code field} set to each of {@code values} in turn. */
  private List<Integer> statuses(String path, String field, String... values) {
    return RawHttp.statusesOnOneConnection(
        t.server.port(), path, List.of(values).stream().map(v -> List.of(field, v)).toList());
  }

  private static String swapCase(String s) {
    StringBuilder swapped = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      swapped.append(
          Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    assertThat(swapped.toString()).as("the twin differs from %s", s).isNotEqualTo(s);
    return swapped.toString();
  }
}
