package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionlimits.core.AuditEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit trail's filters, cursor paging beside {@code next_before}, and its export as CSV and
 * JSON lines. One server for the class, its log seeded directly; the tests only read.
 */
class AuditListsTest {

  private static final Instant T = Instant.parse("2026-02-01T00:00:00Z");
  private static final int SEEDED = 240;

  private static TestServer t;
  private static Browser admin;

  @BeforeAll
  static void start() {
    t = TestServer.start();
    admin = t.admin();
    for (int i = 0; i < SEEDED; i++) {
      String type = List.of("login", "logout", "session_revoked").get(i % 3);
      String actor = (i % 3 == 2) ? "admin" : "alice";
      String subject = (i % 4 == 0) ? "bob" : "alice";
      t.stores
          .audit()
          .record(
              new AuditEvent(
                  0, T.plusSeconds(60L * i), type, actor, "192.0.2.1", subject, "s" + i, "{}"));
    }
    t.stores
        .audit()
        .record(
            new AuditEvent(
                0,
                T.plusSeconds(60L * SEEDED),
                "login_failed",
                "=HYPERLINK(\"http://x\")",
                "192.0.2.9",
                "-2+3, \"quoted\"",
                null,
                "{\"user_agent\":\"@evil\"}"));
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  private static List<JsonNode> events(String path) {
    Browser.Response r = admin.get(path);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.json().path("events").forEach(out::add);
    return out;
  }

  @Test
  void theUserFilterFindsEventsByOrAboutTheUser() {
    // bob is the subject of every fourth event and never the actor.
    assertThat(events("/api/v1/audit?limit=1000&user=bob"))
        .hasSize(SEEDED / 4)
        .allSatisfy(e -> assertThat(e.path("subject").asText()).isEqualTo("bob"));
    // admin acted in every third event, and signed in for this test (subject admin).
    assertThat(events("/api/v1/audit?limit=1000&user=admin&type=session_revoked"))
        .hasSize(SEEDED / 3);
    assertThat(events("/api/v1/audit?user=nobody")).isEmpty();
  }

  @Test
  void theTypeFilterTakesAListAndRefusesAnUnknownTypeListingTheKnownOnes() {
    assertThat(events("/api/v1/audit?limit=1000&type=logout,session_revoked"))
        .hasSize(2 * SEEDED / 3);
    Browser.Response r = admin.get("/api/v1/audit?type=login,logon");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("fields").path("type").asText())
        .contains("logon", "login_failed", "user_created");
  }

  @Test
  void sinceIncludesAndUntilExcludesItsInstant() {
    List<JsonNode> hour =
        events("/api/v1/audit?since=2026-02-01T01:00:00Z&until=2026-02-01T02:00:00%2B00:00");
    assertThat(hour).hasSize(60);
    assertThat(hour.get(0).path("at").asText()).isEqualTo("2026-02-01T01:59:00Z");
    assertThat(hour.get(59).path("at").asText()).isEqualTo("2026-02-01T01:00:00Z");
    AdminListsTest.assertRefused(admin, "/api/v1/audit?since=yesterday", "since");
    AdminListsTest.assertRefused(admin, "/api/v1/audit?until=2026-02-01", "until");
    AdminListsTest.assertRefused(admin, "/api/v1/audit?page=2", "page");
  }

  @Test
  void theNextLinkPagesThroughTheFilteredLogAndNextBeforeStillWorks() {
    List<Long> ids = new ArrayList<>();
    String path = "/api/v1/audit?limit=30&type=login";
    int pages = 0;
    while (path != null) {
      Browser.Response r = admin.get(path);
      r.json().path("events").forEach(e -> ids.add(e.path("id").asLong()));
      JsonNode next = r.json().path("next");
      path = next.isNull() ? null : next.asText();
      assertThat(r.header("Link")).isEqualTo(path == null ? null : "<" + path + ">; rel=\"next\"");
      pages++;
    }
    assertThat(pages).isEqualTo(3);
    // The seeded logins and the administrator's own.
    assertThat(ids).hasSize(SEEDED / 3 + 1).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(new HashSet<>(ids)).hasSize(SEEDED / 3 + 1);

    JsonNode first = admin.get("/api/v1/audit?limit=10").json();
    long before = first.path("next_before").asLong();
    JsonNode second = admin.get("/api/v1/audit?limit=10&before=" + before).json();
    assertThat(second.path("events").get(0).path("id").asLong()).isEqualTo(before - 1);
    AdminListsTest.assertRefused(
        admin, "/api/v1/audit?before=5&cursor=" + cursorOf(first), "cursor");
  }

  private static String cursorOf(JsonNode page) {
    String next = page.path("next").asText();
    return next.substring(next.indexOf("cursor=") + "cursor=".length());
  }

  @Test
  void theCsvExportHasAHeaderQuotesWhatItMustAndDisarmsFormulas() {
    Browser.Response r = admin.get("/api/v1/audit/export?format=csv&type=login_failed");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("text/csv; charset=utf-8");
    assertThat(r.header("Content-Disposition"))
        .matches("attachment; filename=\"sessionlimits-audit-\\d{8}T\\d{6}Z\\.csv\"");
    String[] lines = r.text().split("\r\n", -1);
    assertThat(lines[0]).isEqualTo("id,at,type,actor,client_ip,subject,session_id,details");
    assertThat(lines[1])
        .endsWith(
            ",login_failed,\"'=HYPERLINK(\"\"http://x\"\")\",192.0.2.9,"
                + "\"'-2+3, \"\"quoted\"\"\",,\"{\"\"user_agent\"\":\"\"@evil\"\"}\"");
    assertThat(lines).hasSize(3);
    assertThat(lines[2]).isEmpty();
  }

  @Test
  void theJsonLinesExportHoldsEveryMatchingEventNewestFirst() throws Exception {
    Browser.Response r = admin.get("/api/v1/audit/export?format=jsonl&user=bob");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/x-ndjson");
    assertThat(r.header("Content-Disposition")).endsWith(".jsonl\"");
    String[] lines = r.text().split("\n");
    assertThat(lines).hasSize(SEEDED / 4);
    JsonNode first = new ObjectMapper().readTree(lines[0]);
    assertThat(first.path("subject").asText()).isEqualTo("bob");
    assertThat(first.path("details").isObject()).isTrue();
    AdminListsTest.assertRefused(admin, "/api/v1/audit/export?format=xlsx", "format");
    AdminListsTest.assertRefused(admin, "/api/v1/audit/export?limit=5", "limit");
  }
}
