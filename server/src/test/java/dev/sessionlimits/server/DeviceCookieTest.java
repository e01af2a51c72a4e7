package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.server.service.DeviceCookies;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12.1: a guesser must not lock anyone out. A browser that signed in to an account before
 * holds a device cookie and is judged only by its own failures (OWASP's device cookies); everyone
 * else is throttled per user name and per address as before.
 */
class DeviceCookieTest {

  private static final String ATTACKER = "127.0.0.2";

  private TestServer t;

  @BeforeEach
  void start() {
    t = TestServer.start();
    t.createUser("alice", "alice-plum-harbor-lantern");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  /**
   * Wrong passwords for {@code user} from {@code address}, a second apart; returns the statuses.
   */
  private List<Integer> guess(String user, String address, int times) {
    return guess(user, address, times, 1);
  }

  private List<Integer> guess(String user, String address, int times, int secondsApart) {
    Browser attacker = t.browserFrom(address, TestServer.FIREFOX_LINUX);
    List<Integer> statuses = new java.util.ArrayList<>();
    for (int i = 0; i < times; i++) {
      statuses.add(attacker.login(user, "guess-" + i).status());
      t.clock.advanceSeconds(secondsApart);
    }
    return statuses;
  }

  @Test
  void theAdministratorWithADeviceCookieSignsInWhileAGuesserElsewhereKeepsGetting429() {
    Browser victim = t.browser(TestServer.CHROME_WINDOWS);
    assertThat(victim.login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);
    assertThat(victim.device()).isNotNull();
    assertThat(victim.post("/api/v1/logout", null).status()).isEqualTo(204);

    List<Integer> attacker = guess("admin", ATTACKER, 50);

    assertThat(attacker).containsOnly(401, 429);
    assertThat(attacker.subList(5, 50)).filteredOn(s -> s == 429).hasSizeGreaterThan(30);
    Browser.Response again = victim.login("admin", TestServer.ADMIN_PASSWORD);
    assertThat(again.status()).as(again.toString()).isEqualTo(201);
    assertThat(
            t.browserFrom(ATTACKER, TestServer.FIREFOX_LINUX)
                .login("admin", "one-more-guess")
                .status())
        .isEqualTo(429);
    // Without a device cookie, even the right password waits: that is the lockout for untrusted
    // clients, and the guesser cannot tell a right password from a wrong one.
    assertThat(
            t.browserFrom(ATTACKER, TestServer.FIREFOX_LINUX)
                .login("admin", TestServer.ADMIN_PASSWORD)
                .status())
        .isEqualTo(429);
  }

  @Test
  void aGuesserBehindTheSameAddressDoesNotStopAKnownDeviceThere() {
    Browser office = t.browserFrom(ATTACKER, TestServer.FIREFOX_LINUX);
    assertThat(office.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);

    guess("alice", ATTACKER, 10);
    for (int i = 0; i < 25; i++) {
      t.browserFrom(ATTACKER, TestServer.FIREFOX_LINUX).login("user" + i, "guess");
    }

    assertThat(t.browserFrom(ATTACKER, TestServer.FIREFOX_LINUX).login("bob", "guess").status())
        .as("the address is throttled for untrusted clients")
        .isEqualTo(429);
    assertThat(office.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
  }

  @Test
  void aDeviceIsThrottledByItsOwnWrongPasswordsOnly() {
    Browser mine = t.browser();
    assertThat(mine.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
    for (int i = 0; i < 5; i++) {
      assertThat(mine.login("alice", "typo-" + i).status()).isEqualTo(401);
    }

    Browser.Response blocked = mine.login("alice", "alice-plum-harbor-lantern");
    assertThat(blocked.status()).isEqualTo(429);
    assertThat(blocked.header("Retry-After")).isEqualTo("1");
    assertThat(
            t.browserFrom("127.0.0.3", TestServer.FIREFOX_LINUX)
                .login("alice", "alice-plum-harbor-lantern")
                .status())
        .as("untrusted clients are not locked out by a device's own typos")
        .isEqualTo(201);
    t.clock.advanceSeconds(1);
    assertThat(mine.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
  }

  @Test
  void aDeviceCookieOfAnotherAccountATamperedOneOrAnExpiredOneIsNoDeviceCookie() {
    Browser alices = t.browser();
    assertThat(alices.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
    String cookie = alices.device();
    guess("admin", ATTACKER, 6, 0);
    guess("alice", ATTACKER, 6, 0);

    Browser other = t.browser();
    other.device(cookie);
    assertThat(other.login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(429);
    other.device(cookie.replaceFirst("^alice!", "admin!"));
    assertThat(other.login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(429);
    other.device(cookie.substring(0, cookie.length() - 2) + "AA");
    assertThat(other.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(429);

    t.clock.advanceSeconds(DeviceCookies.LIFETIME.toSeconds());
    guess("alice", ATTACKER, 6, 0);
    assertThat(alices.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(429);
  }

  @Test
  void oneBrowserKeepsTheDevicesOfEachAccountItSignedInTo() {
    Browser shared = t.browser();
    assertThat(shared.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
    assertThat(shared.login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);

    guess("admin", ATTACKER, 8, 0);
    guess("alice", ATTACKER, 8, 0);

    assertThat(shared.device()).startsWith("admin!").contains("~alice!");
    assertThat(shared.login("alice", "alice-plum-harbor-lantern").status()).isEqualTo(201);
    assertThat(shared.login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(201);
  }

  @Test
  void theDeviceCookieIsHttpOnlyLaxLongLivedAndSecureWhenTheSessionCookieIs() {
    Browser.Response plain = t.browser().login("alice", "alice-plum-harbor-lantern");
    String device =
        plain.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith(DeviceCookies.COOKIE + "="))
            .findFirst()
            .orElseThrow();
    assertThat(device)
        .contains("; Max-Age=31536000", "; Path=/", "; HttpOnly", "; SameSite=Lax")
        .doesNotContain("Secure");

    try (TestServer secure = TestServer.start(Map.of("SESSIONLIMITS_COOKIE_SECURE", "true"))) {
      Browser.Response r = secure.browser().login("admin", TestServer.ADMIN_PASSWORD);
      assertThat(r.headers().allValues("Set-Cookie"))
          .filteredOn(c -> c.startsWith(DeviceCookies.COOKIE + "="))
          .singleElement()
          .satisfies(c -> assertThat(c).contains("; Secure"));
    }
  }
}
