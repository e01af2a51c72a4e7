package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.core.ExhaustionAction;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.TokenHash;
import dev.sessionlimits.core.User;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The paged lists of sessions and users: limit, keyset cursor, next link and Link header, search,
 * address filters, sorts, and refusals. One server for the class; the tests only read.
 */
class AdminListsTest {

  private static final QuotaPolicy UNLIMITED =
      new QuotaPolicy(-1, -1, ExhaustionAction.DENY_ACCESS, Duration.ofDays(1), Duration.ZERO);
  private static final int SEEDED = 250;

  private static TestServer t;
  private static Browser admin;

  /** The seeded sessions and the administrator's own. */
  private static int total;

  @BeforeAll
  static void start() {
    t = TestServer.start();
    admin = t.admin();
    t.createUser("Bobby", "bobby-plum-harbor-lantern");
    Instant start = TestServer.START.minus(Duration.ofHours(1));
    for (int i = 0; i < SEEDED; i++) {
      String user = List.of("Bobby", "carol", "dave", "erin", "frank").get(i % 5);
      String ip = (i % 2 == 0) ? "10.1." + (i % 7) + "." + i : "2001:db8:" + (i % 3 + 1) + "::" + i;
      String device = (i == 7) ? "RoBot laptop" : null;
      String agent = (i % 10 == 3) ? "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0" : "curl/8.5";
      Instant at = start.plusSeconds(i / 2); // two logins a second: ties broken by id
      Session s =
          Session.open(
              "seeded-" + i,
              TokenHash.of("token-of-seeded-session-" + i),
              new LoginAttempt(user, ip, agent, device, "password"),
              at,
              UNLIMITED);
      t.stores.sessions().open(s, UNLIMITED);
    }
    total = SEEDED + t.stores.sessions().liveSessionsOfUser("admin", TestServer.START).size();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  private static List<JsonNode> walk(String first, String key, int expectedPages) {
    List<JsonNode> all = new ArrayList<>();
    String path = first;
    int pages = 0;
    while (path != null) {
      Browser.Response r = admin.get(path);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      r.json().path(key).forEach(all::add);
      JsonNode next = r.json().path("next");
      assertThat(next.isMissingNode()).isFalse();
      path = next.isNull() ? null : next.asText();
      assertThat(r.header("Link")).isEqualTo(path == null ? null : "<" + path + ">; rel=\"next\"");
      pages++;
    }
    assertThat(pages).isEqualTo(expectedPages);
    return all;
  }

  private static List<String> field(List<JsonNode> items, String name) {
    return items.stream().map(n -> n.path(name).asText()).toList();
  }

  @Test
  void pagingWithTheNextLinkVisitsEveryLiveSessionOnceNewestFirst() {
    List<JsonNode> all = walk("/api/v1/sessions?limit=100", "sessions", 3);

    assertThat(all).hasSize(total);
    assertThat(new HashSet<>(field(all, "id"))).hasSize(total);
    List<String> created = field(all, "created_at");
    assertThat(created).isSortedAccordingTo((a, b) -> b.compareTo(a));
  }

  @Test
  void everySortPagesThroughEverySessionInItsOrder() {
    for (String sort : List.of("created", "last_seen", "-last_seen", "expires", "-expires")) {
      String field =
          sort.replace("-", "")
              .replace("created", "created_at")
              .replace("last_seen", "last_seen_at")
              .replace("expires", "expires_at");
      List<JsonNode> all = walk("/api/v1/sessions?limit=60&sort=" + sort, "sessions", 5);
      assertThat(new HashSet<>(field(all, "id"))).as(sort).hasSize(total);
      List<String> keys = field(all, field);
      if (sort.startsWith("-")) {
        assertThat(keys).as(sort).isSortedAccordingTo((a, b) -> b.compareTo(a));
      } else {
        assertThat(keys).as(sort).isSorted();
      }
    }
    List<JsonNode> byUser = walk("/api/v1/sessions?limit=100&sort=-user", "sessions", 3);
    assertThat(new HashSet<>(field(byUser, "id"))).hasSize(total);
    assertThat(field(byUser, "user")).isSortedAccordingTo((a, b) -> b.compareTo(a));
  }

  @Test
  void theNextLinkKeepsTheFiltersAndTheSort() {
    Browser.Response r = admin.get("/api/v1/sessions?limit=10&q=carol&sort=user&ip=10.1.");
    String next = r.json().path("next").asText();

    assertThat(next).startsWith("/api/v1/sessions?limit=10&").contains("q=carol", "sort=user");
    assertThat(next).contains("ip=10.1.").contains("&cursor=");
    List<JsonNode> all =
        walk("/api/v1/sessions?limit=10&q=carol&sort=user&ip=10.1.", "sessions", 3);
    assertThat(all)
        .hasSize(25)
        .allSatisfy(s -> assertThat(s.path("user").asText()).isEqualTo("carol"));
  }

  @Test
  void theSearchIsCaseInsensitiveOverUserDeviceAndBrowser() {
    Function<String, List<JsonNode>> search =
        q -> {
          List<JsonNode> out = new ArrayList<>();
          admin.get("/api/v1/sessions?limit=1000&q=" + q).json().path("sessions").forEach(out::add);
          return out;
        };
    List<JsonNode> bo = search.apply("bo");
    // Bobby's 50, and dave's session 7 on the "RoBot laptop".
    assertThat(bo).hasSize(51);
    assertThat(bo).anySatisfy(s -> assertThat(s.path("device").asText()).isEqualTo("RoBot laptop"));
    assertThat(search.apply("BOBBY")).hasSize(50);
    assertThat(search.apply("firefox")).hasSize(25);
    assertThat(search.apply("nobody-at-all")).isEmpty();
  }

  @Test
  void theAddressFilterTakesAnAddressAPrefixOrACidrBlock() {
    Function<String, Integer> count =
        ip ->
            admin
                .get(
                    "/api/v1/sessions?limit=1000&ip="
                        + URLEncoder.encode(ip, StandardCharsets.UTF_8))
                .json()
                .path("sessions")
                .size();
    assertThat(count.apply("10.1.3.10")).isEqualTo(1);
    assertThat(count.apply("10.1.")).isEqualTo(125);
    assertThat(count.apply("10.1.3.")).isEqualTo(18);
    assertThat(count.apply("10.0.0.0/8")).isEqualTo(125);
    assertThat(count.apply("10.1.3.0/24")).isEqualTo(18);
    assertThat(count.apply("2001:db8:")).isEqualTo(125);
    assertThat(count.apply("2001:DB8:1:")).isEqualTo(42);
    assertThat(count.apply("2001:db8::/32")).isEqualTo(125);
    assertThat(count.apply("2001:db8:1::/48")).isEqualTo(42);
    assertThat(count.apply("192.0.2.0/24")).isZero();
  }

  @Test
  void wrongParametersAreRefusedNamingThem() {
    assertRefused(admin, "/api/v1/sessions?usr=bob", "usr");
    assertRefused(admin, "/api/v1/sessions?ip=10.x.", "ip");
    assertRefused(admin, "/api/v1/sessions?ip=10.0.0.0/33", "ip");
    assertRefused(admin, "/api/v1/sessions?sort=age", "sort");
    assertRefused(admin, "/api/v1/sessions?limit=0", "limit");
    assertRefused(admin, "/api/v1/sessions?limit=1001", "limit");
    assertRefused(admin, "/api/v1/sessions?cursor=not-a-cursor", "cursor");
    assertRefused(admin, "/api/v1/sessions?q=a&q=b", "q");
    assertRefused(admin, "/api/v1/users?user=bob", "user");
    assertRefused(admin, "/api/v1/users?sort=created", "sort");
    assertRefused(admin, "/api/v1/users?cursor=!!!", "cursor");
  }

  @Test
  void aCursorOfAnotherSortIsRefused() {
    String next = admin.get("/api/v1/sessions?limit=5&sort=user").json().path("next").asText();
    String cursor = next.substring(next.indexOf("cursor=") + "cursor=".length());

    assertRefused(admin, "/api/v1/sessions?limit=5&sort=created&cursor=" + cursor, "cursor");
    assertRefused(admin, "/api/v1/users?cursor=" + cursor, "cursor");
    assertRefused(admin, "/api/v1/audit?cursor=" + cursor, "cursor");
  }

  @Test
  void usersArePagedSearchedAndSortedByName() {
    for (int i = 0; i < 12; i++) {
      t.stores
          .users()
          .create(
              new User(
                  String.format("pager%02d", i),
                  null,
                  false,
                  false,
                  null,
                  TestServer.START,
                  TestServer.START));
    }
    List<JsonNode> all = walk("/api/v1/users?limit=5&q=PAGER&sort=-username", "users", 3);

    assertThat(field(all, "username")).hasSize(12).isSortedAccordingTo((a, b) -> b.compareTo(a));
    assertThat(
            admin.get("/api/v1/users?q=bob").json().path("users").get(0).path("username").asText())
        .isEqualTo("Bobby");
    assertThat(admin.get("/api/v1/users").json().path("next").isNull()).isTrue();
  }

  static void assertRefused(Browser browser, String path, String parameter) {
    Browser.Response r = browser.get(path);
    assertThat(r.status()).as(path + " -> " + r).isEqualTo(400);
    assertThat(r.error()).isEqualTo("invalid_request");
    assertThat(r.json().path("fields").has(parameter)).as(r.toString()).isTrue();
  }
}
