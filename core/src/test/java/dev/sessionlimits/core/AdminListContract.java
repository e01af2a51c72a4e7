package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The administrators' lists every store must answer alike: {@link SessionStore#livePage} (each
 * order, keyset paging, search, address filters) and {@link AuditLog#search}. The selection in
 * memory ({@link SessionPage#select}, {@link AuditQuery#select}) is the reference each store is
 * held to, next to counts written out by hand. A store's test class says how to make fresh, empty
 * stores and closes them after each test.
 */
public abstract class AdminListContract {

  protected static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private static final Instant NOW = T0.plus(Duration.ofMinutes(10));
  private static final QuotaPolicy OPEN =
      new QuotaPolicy(-1, -1, ExhaustionAction.DENY_ACCESS, Duration.ofHours(1), Duration.ZERO);
  private static final List<String> USERS = List.of("alpha", "bravo", "charlie", "delta");
  private static final int SEEDED = 48;

  /** A session store and an audit log, new and empty. */
  public record Stores(SessionStore sessions, AuditLog audit) {}

  /** New, empty stores; the subclass closes them after the test. */
  protected abstract Stores createStores() throws Exception;

  private Stores stores;
  private final List<Session> live = new ArrayList<>();

  @BeforeEach
  void seed() throws Exception {
    stores = createStores();
    for (int i = 0; i < SEEDED; i++) {
      String ip = (i % 2 == 0) ? "10.1." + (i % 5) + "." + i : "2001:db8:" + (i % 3 + 1) + "::" + i;
      String agent = (i % 7 == 0) ? "Mozilla/5.0 (X11; Linux) Firefox/128.0" : "curl/8.5";
      Instant created = T0.plusSeconds(i / 3); // three logins a second: ties go by id
      Instant seen = created.plusSeconds((i * 7L) % 11);
      Session s =
          new Session(
              String.format("p%03d", i),
              TokenHash.of("paging-token-" + i),
              USERS.get(i % 4),
              ip,
              agent,
              (i == 5) ? "RoBot 3000" : null,
              "password",
              created,
              seen,
              seen.plus(Duration.ofHours(1)),
              null,
              null);
      assertThat(stores.sessions().open(s, OPEN)).isInstanceOf(OpenResult.Opened.class);
      live.add(s);
    }
    for (int i : List.of(1, 2, 3)) {
      stores.sessions().end(live.get(i).id(), SessionEnd.of(EndReason.REVOKED_BY_ADMIN, NOW));
    }
    live.removeIf(s -> Set.of("p001", "p002", "p003").contains(s.id()));
    Instant old = T0.minus(Duration.ofHours(3));
    Session expired =
        new Session(
            "p999",
            TokenHash.of("paging-token-expired"),
            "alpha",
            "10.1.0.99",
            "curl/8.5",
            null,
            "password",
            old,
            old,
            old.plus(Duration.ofHours(1)),
            null,
            null);
    stores.sessions().open(expired, OPEN);
  }

  private List<String> walk(SessionQuery first) {
    List<String> ids = new ArrayList<>();
    SessionQuery query = first;
    for (int pages = 0; pages < 100; pages++) {
      SessionPage page = stores.sessions().livePage(query, NOW);
      assertThat(page.sessions().size()).isLessThanOrEqualTo(query.limit());
      page.sessions().forEach(s -> ids.add(s.id()));
      if (page.next().isEmpty()) {
        return ids;
      }
      assertThat(page.sessions()).hasSize(query.limit());
      query = query.from(page.next().get());
    }
    throw new AssertionError("more than 100 pages");
  }

  private List<String> expected(SessionQuery query) {
    SessionQuery all =
        new SessionQuery(
            SessionQuery.MAX_LIMIT,
            query.sort(),
            query.after(),
            query.text(),
            query.ip(),
            query.user());
    return SessionPage.select(live, all).sessions().stream().map(Session::id).toList();
  }

  private static SessionQuery query(
      String sort, Optional<String> text, Optional<IpMatch> ip, Optional<String> user) {
    return new SessionQuery(
        5, SessionSort.parse(sort).orElseThrow(), Optional.empty(), text, ip, user);
  }

  @Test
  void everyOrderPagesThroughEveryLiveSessionOnceInThatOrder() {
    for (String sort : SessionSort.codes()) {
      SessionQuery query = query(sort, Optional.empty(), Optional.empty(), Optional.empty());

      List<String> ids = walk(query);

      assertThat(ids).as(sort).hasSize(SEEDED - 3).doesNotHaveDuplicates();
      assertThat(ids).as(sort).isEqualTo(expected(query));
    }
  }

  @Test
  void endedAndExpiredSessionsAreNeverListed() {
    List<String> ids = walk(query("created", Optional.empty(), Optional.empty(), Optional.empty()));

    assertThat(ids).doesNotContain("p001", "p002", "p003", "p999");
  }

  @Test
  void theSearchIsACaseInsensitiveSubstringOfUserDeviceOrUserAgent() {
    assertThat(walk(query("-created", Optional.of("ROBOT"), Optional.empty(), Optional.empty())))
        .containsExactly("p005");
    assertThat(walk(query("-created", Optional.of("FireFox"), Optional.empty(), Optional.empty())))
        .containsExactlyElementsOf(
            expected(query("-created", Optional.of("firefox"), Optional.empty(), Optional.empty())))
        .hasSize(7);
    SessionQuery harl = query("user", Optional.of("HARL"), Optional.empty(), Optional.empty());
    assertThat(walk(harl)).hasSize(11).isEqualTo(expected(harl));
    assertThat(walk(query("user", Optional.of("50%_"), Optional.empty(), Optional.empty())))
        .isEmpty();
  }

  @Test
  void theAddressFilterTakesAnAddressAPrefixOrABlock() {
    assertThat(walk(ip(new IpMatch.Exact("10.1.4.14")))).containsExactly("p014");
    assertThat(walk(ip(new IpMatch.Prefix("10.1.")))).hasSize(23);
    assertThat(walk(ip(new IpMatch.Prefix("10.1.4.")))).hasSize(5);
    assertThat(walk(ip(new IpMatch.Prefix("2001:db8:2:")))).hasSize(7);
    assertThat(walk(ip(IpMatch.Block.of(bytes(10, 0, 0, 0), bytes(10, 255, 255, 255)))))
        .hasSize(23);
    assertThat(walk(ip(IpMatch.Block.of(bytes(10, 1, 4, 0), bytes(10, 1, 4, 255))))).hasSize(5);
    byte[] low = new byte[16];
    byte[] high = new byte[16];
    System.arraycopy(bytes(0x20, 0x01, 0x0d, 0xb8, 0, 2), 0, low, 0, 6);
    System.arraycopy(bytes(0x20, 0x01, 0x0d, 0xb8, 0, 2), 0, high, 0, 6);
    for (int i = 6; i < 16; i++) {
      high[i] = (byte) 0xff;
    }
    SessionQuery block = ip(IpMatch.Block.of(low, high));
    assertThat(walk(block)).hasSize(7).isEqualTo(expected(block));
    assertThat(walk(ip(IpMatch.Block.of(bytes(192, 0, 2, 0), bytes(192, 0, 2, 255))))).isEmpty();
  }

  @Test
  void theUserFilterIsExactAndCombinesWithTheOthers() {
    assertThat(walk(query("created", Optional.empty(), Optional.empty(), Optional.of("bravo"))))
        .hasSize(11);
    assertThat(walk(query("created", Optional.empty(), Optional.empty(), Optional.of("Bravo"))))
        .isEmpty();
    SessionQuery both =
        query(
            "-expires",
            Optional.of("curl"),
            Optional.of(new IpMatch.Prefix("10.")),
            Optional.of("charlie"));
    assertThat(walk(both)).isNotEmpty().isEqualTo(expected(both));
  }

  private static SessionQuery ip(IpMatch match) {
    return query("created", Optional.empty(), Optional.of(match), Optional.empty());
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  @Test
  void theAuditSearchFiltersByUserTypeAndTimeNewestFirst() {
    AuditLog audit = stores.audit();
    List<AuditEvent> all = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      all.add(
          audit.record(
              new AuditEvent(
                  0,
                  T0.plusSeconds(i),
                  List.of("login", "logout", "session_revoked").get(i % 3),
                  (i % 3 == 2) ? "root" : USERS.get(i % 4),
                  "10.0.0.1",
                  USERS.get(i % 4),
                  null,
                  "{}")));
    }
    List<AuditQuery> queries =
        List.of(
            new AuditQuery(
                100, 0, Optional.of("alpha"), Set.of(), Optional.empty(), Optional.empty()),
            new AuditQuery(
                100, 0, Optional.of("root"), Set.of(), Optional.empty(), Optional.empty()),
            new AuditQuery(
                4,
                0,
                Optional.empty(),
                Set.of("login", "logout"),
                Optional.empty(),
                Optional.empty()),
            new AuditQuery(
                100,
                all.get(20).id(),
                Optional.empty(),
                Set.of("logout"),
                Optional.of(T0.plusSeconds(5)),
                Optional.of(T0.plusSeconds(17))));
    List<AuditEvent> newestFirst = new ArrayList<>(all);
    Collections.reverse(newestFirst);
    for (AuditQuery query : queries) {
      assertThat(audit.search(query)).as(query.toString()).isEqualTo(query.select(newestFirst));
    }
    assertThat(audit.search(queries.get(0))).hasSize(8);
    assertThat(audit.search(queries.get(1))).hasSize(10);
    assertThat(audit.search(queries.get(3)))
        .extracting(AuditEvent::at)
        .containsExactly(
            T0.plusSeconds(16), T0.plusSeconds(13), T0.plusSeconds(10), T0.plusSeconds(7));
  }
}
