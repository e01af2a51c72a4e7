package dev.sessionlimits.bench;

import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.AuditQuery;
import dev.sessionlimits.core.IpMatch;
import dev.sessionlimits.core.SessionPage;
import dev.sessionlimits.core.SessionQuery;
import dev.sessionlimits.core.SessionSort;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.UserQuery;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.store.jdbc.JdbcStore;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The administrators' lists at scale (bench/lists.sh): fills an empty PostgreSQL database, migrated
 * by the store, with 1,000,000 live sessions of 5,040 users (and 100,000 ended ones, and 1,000,000
 * audit events), then times each list query through the store ({@link SessionStore#livePage},
 * {@link UserStore#page}, {@link AuditLog#search}): the time of the call, which is what the server
 * spends on it, without HTTP. Each query runs {@value #WARMUP} times unmeasured, then {@value
 * #RUNS} times; the table gives the median and the 99th percentile in milliseconds, and the rows of
 * one answer.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.sessionlimits.bench.ListBench JDBC_URL [--fill-only |
 * --no-fill]</pre>
 */
public final class ListBench {

  private static final int WARMUP = 10;
  private static final int RUNS = 200;
  private static final int LIVE = 1_000_000;

  private static final String FIRST =
      "'{olivia,liam,emma,noah,amelia,oliver,ava,elijah,sophia,mateo,isabella,lucas,mia,levi,"
          + "evelyn,asher,harper,james,luna,leo,camila,grayson,gianna,ezra,elizabeth,luca,eleanor,"
          + "ethan,ella,aiden,abigail,wyatt,sofia,sebastian,avery,benjamin,scarlett,mason,emily,"
          + "henry,aria,hudson,penelope,jack,chloe,jackson,layla,owen,mila,daniel,nora,alexander,"
          + "hazel,maverick,madison,kai,ellie,gabriel,lily,carter}'";
  private static final String LAST =
      "'{smith,johnson,williams,brown,jones,garcia,miller,davis,rodriguez,martinez,hernandez,"
          + "lopez,gonzalez,wilson,anderson,thomas,taylor,moore,jackson,martin,lee,perez,thompson,"
          + "white,harris,sanchez,clark,ramirez,lewis,robinson,walker,young,allen,king,wright,"
          + "scott,"
          + "torres,nguyen,hill,flores,green,adams,nelson,baker,hall,rivera,campbell,mitchell,"
          + "carter,roberts,gomez,phillips,evans,turner,diaz,parker,cruz,edwards,collins,reyes,"
          + "stewart,morris,morales,murphy,cook,rogers,gutierrez,ortiz,morgan,cooper,peterson,"
          + "bailey,reed,kelly,howard,ramos,kim,cox,ward,richardson,watson,brooks,bolton,bowman}'";

  /** 60 first names by 84 last names: 5,040 users, first.last. */
  private static final String NAMES =
      "CREATE TABLE bench_names AS SELECT (f.i - 1) * 84 + (l.i - 1) AS n, f.v || '.' || l.v AS"
          + " name FROM unnest("
          + FIRST
          + "::text[]) WITH ORDINALITY f(v, i), unnest("
          + LAST
          + "::text[]) WITH ORDINALITY l(v, i)";

  private static final String USERS =
      "INSERT INTO sl_users (username, password_hash, is_admin, is_disabled, sessions_limit,"
          + " created_at, updated_at) SELECT name, NULL, false, false, NULL, now(), now()"
          + " FROM bench_names";

  private static final String AGENTS =
      "ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/131.0.0.0 Safari/537.36',"
          + " 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like"
          + " Gecko) Version/18.1 Safari/605.1.15',"
          + " 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',"
          + " 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML,"
          + " like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',"
          + " 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/131.0.0.0 Mobile Safari/537.36',"
          + " 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',"
          + " 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',"
          + " 'curl/8.5.0']";

  private static final String DEVICES =
      "ARRAY['laptop', 'work laptop', 'phone', 'iPad', 'desktop', 'kiosk 3', 'home PC']";

  /**
   * Parameter-free: {@code %1$d} sessions from {@code %2$d}, ended or not ({@code %3$s}). Numbers
   * from hashint4 of the row number, so the fill is the same on every run. IPv4 (7 in 10) in
   * 10.0.0.0/10-ish ranges, IPv6 in 2001:db8::/32, written canonically, with their ip_key.
   */
  private static final String SESSIONS =
      "INSERT INTO sl_sessions (id, token_hash, user_name, client_ip, user_agent, device,"
          + " auth_method, created_at, last_seen_at, expires_at, absolute_expires_at, ended_at,"
          + " end_reason, ip_key) SELECT 'b' || g, md5(g::text) || md5((-g)::text), n.name, CASE"
          + " WHEN v4 THEN '10.' || a || '.' || b || '.' || c  ELSE '2001:db8:' || to_hex(a + 1) ||"
          + " ':' || to_hex(b + 1) || '::' || to_hex(c + 1) END, ("
          + AGENTS
          + ")[1 + agent], CASE WHEN device < 3 THEN NULL ELSE ("
          + DEVICES
          + ")[device - 2] END, 'password', created, created + seen * interval '1 second',"
          + " created + seen * interval '1 second' + interval '30 days', NULL, %3$s,"
          + " CASE WHEN %3$s IS NULL THEN NULL ELSE 'logged_out' END,"
          + " CASE WHEN v4 THEN '40a' || lpad(to_hex(a), 2, '0') || lpad(to_hex(b), 2, '0')"
          + "  || lpad(to_hex(c), 2, '0')"
          + "  ELSE '620010db8' || lpad(to_hex(a + 1), 4, '0') || lpad(to_hex(b + 1), 4, '0')"
          + "  || '000000000000' || lpad(to_hex(c + 1), 4, '0') END"
          + " FROM (SELECT g, abs(hashint4(g)) %% 5040 AS u, abs(hashint4(g + 1)) %% 10 < 7 AS v4,"
          + "  abs(hashint4(g + 2)) %% 40 AS a, abs(hashint4(g + 3)) %% 256 AS b,"
          + "  abs(hashint4(g + 4)) %% 254 + 1 AS c, abs(hashint4(g + 5)) %% 8 AS agent,"
          + "  abs(hashint4(g + 6)) %% 10 AS device,"
          + "  now() - interval '7 days' + (abs(hashint4(g + 7)) %% 604800) * interval '1 second'"
          + "   AS created, abs(hashint4(g + 8)) %% 3600 AS seen"
          + "  FROM generate_series(%2$d, %2$d + %1$d - 1) AS s(g)) r"
          + " JOIN bench_names n ON n.n = r.u";

  private static final String AUDIT =
      "INSERT INTO sl_audit_events (occurred_at, event_type, actor, client_ip, subject, session_id,"
          + " details) SELECT now() - interval '30 days' + g * interval '2592 milliseconds',"
          + " t.type, CASE WHEN t.type IN ('login_failed', 'login_refused') THEN NULL"
          + "  WHEN t.type IN ('session_revoked', 'user_updated', 'sessions_enforced')"
          + "  THEN 'olivia.smith' ELSE n.name END,"
          + " '10.' || (g %% 40) || '.' || (g %% 256) || '.1', n.name, 'b' || g, '{}'"
          + " FROM generate_series(1, %d) AS s(g)"
          + " JOIN bench_names n ON n.n = abs(hashint4(g)) %% 5040"
          + " JOIN (SELECT (ARRAY['login', 'login', 'login', 'login', 'logout', 'logout',"
          + "  'session_evicted', 'login_failed', 'session_revoked', 'user_updated',"
          + "  'session_ended_by_user', 'login_refused'])[i] AS type, i - 1 AS k"
          + "  FROM generate_series(1, 12) AS t(i)) t ON t.k = abs(hashint4(g + 9)) %% 12"
          + " UNION ALL SELECT now(), 'settings_changed', 'olivia.smith', '10.0.0.1', 'settings',"
          + " NULL, '{}' FROM generate_series(1, 20)";

  private ListBench() {}

  /** One measured query. */
  record Row(String name, double median, double p99, int rows) {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String mode = (args.length > 1) ? args[1] : "";
    List<Row> rows = new ArrayList<>();
    try (JdbcStore store = JdbcStore.postgres(url)) {
      if (!mode.equals("--no-fill")) {
        fill(url);
      }
      if (mode.equals("--fill-only")) {
        return;
      }
      SessionStore sessions = store.sessions();
      Instant now = Instant.now();
      for (String sort : SessionSort.codes()) {
        rows.add(time("sessions, first page, sort=" + sort, () -> page(sessions, q(sort), now)));
      }
      for (String sort : List.of("-created", "user", "-last_seen")) {
        SessionQuery deep = deep(sessions, q(sort), now);
        rows.add(
            time("sessions, page 5,001 by cursor, sort=" + sort, () -> page(sessions, deep, now)));
      }
      for (String text : List.of("bo", "bob", "olivia.sm", "firefox", "ipad", "zzq")) {
        Q query = q("-created").withText(text);
        rows.add(time("sessions, q=" + text, () -> page(sessions, query, now)));
      }
      rows.add(
          time("sessions, q=bo, sort=user", () -> page(sessions, q("user").withText("bo"), now)));
      for (String ip : List.of("10.1.", "10.33.200.", "2001:db8:1a:")) {
        Q query = q("-created").withIp(new IpMatch.Prefix(ip));
        rows.add(time("sessions, ip=" + ip, () -> page(sessions, query, now)));
      }
      String[][] blocks = {
        {"10.0.0.0/8", "10.0.0.0", "10.255.255.255"},
        {"10.33.0.0/16", "10.33.0.0", "10.33.255.255"},
        {"10.33.200.0/24", "10.33.200.0", "10.33.200.255"},
        {"2001:db8:1a::/48", "2001:db8:1a::", "2001:db8:1a:ffff:ffff:ffff:ffff:ffff"}
      };
      for (String[] block : blocks) {
        Q query =
            q("-created")
                .withIp(
                    IpMatch.Block.of(
                        InetAddress.getByName(block[1]).getAddress(),
                        InetAddress.getByName(block[2]).getAddress()));
        rows.add(time("sessions, ip=" + block[0], () -> page(sessions, query, now)));
      }
      rows.add(
          time(
              "sessions, ip=10.33.200.17 (an address)",
              () -> page(sessions, q("-created").withIp(new IpMatch.Exact("10.33.200.17")), now)));
      rows.add(
          time(
              "sessions, user=olivia.smith",
              () -> page(sessions, q("-created").withUser("olivia.smith"), now)));
      rows.add(
          time(
              "sessions, user=olivia.smith, q=firefox, sort=expires",
              () ->
                  page(sessions, q("expires").withUser("olivia.smith").withText("firefox"), now)));
      UserStore users = store.users();
      rows.add(time("users, first page", () -> users.page(users(false, null)).users().size()));
      rows.add(time("users, sort=-username", () -> users.page(users(true, null)).users().size()));
      rows.add(time("users, q=bo", () -> users.page(users(false, "bo")).users().size()));
      rows.add(time("users, q=son", () -> users.page(users(false, "son")).users().size()));
      AuditLog audit = store.audit();
      rows.add(time("audit, first page", () -> audit.search(audit(null, Set.of(), null)).size()));
      rows.add(
          time(
              "audit, user=liam.jones",
              () -> audit.search(audit("liam.jones", Set.of(), null)).size()));
      rows.add(
          time(
              "audit, user=olivia.smith (actor of 1 in 4)",
              () -> audit.search(audit("olivia.smith", Set.of(), null)).size()));
      rows.add(
          time(
              "audit, type=login,logout",
              () -> audit.search(audit(null, Set.of("login", "logout"), null)).size()));
      rows.add(
          time(
              "audit, type=settings_changed (rare)",
              () -> audit.search(audit(null, Set.of("settings_changed"), null)).size()));
      rows.add(
          time(
              "audit, since..until, a day 20 days ago",
              () -> audit.search(audit(null, Set.of(), now.minusSeconds(20 * 86400L))).size()));
      rows.add(
          time(
              "audit, user=liam.jones, type=login, a day",
              () ->
                  audit
                      .search(audit("liam.jones", Set.of("login"), now.minusSeconds(20 * 86400L)))
                      .size()));
    }
    System.out.println("| query | median ms | p99 ms | rows |");
    System.out.println("|---|---:|---:|---:|");
    for (Row row : rows) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %.1f | %.1f | %d |%n",
          row.name(),
          row.median(),
          row.p99(),
          row.rows());
    }
  }

  private static void fill(String url) throws Exception {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      long start = System.nanoTime();
      statement.execute(NAMES);
      statement.execute(USERS);
      int chunk = 100_000;
      for (int from = 1; from <= LIVE; from += chunk) {
        statement.execute(String.format(Locale.ROOT, SESSIONS, chunk, from, "NULL"));
      }
      statement.execute(
          String.format(Locale.ROOT, SESSIONS, 100_000, LIVE + 1, "now() - interval '1 hour'"));
      statement.execute(String.format(Locale.ROOT, AUDIT, LIVE));
      statement.execute("VACUUM ANALYZE");
      try (ResultSet r =
          statement.executeQuery(
              "SELECT count(*) FILTER (WHERE ended_at IS NULL), count(*),"
                  + " pg_size_pretty(pg_total_relation_size('sl_sessions'))"
                  + " FROM sl_sessions")) {
        r.next();
        System.err.printf(
            "filled in %d s: %d live sessions of %d rows (%s with indexes)%n",
            (System.nanoTime() - start) / 1_000_000_000L,
            r.getLong(1),
            r.getLong(2),
            r.getString(3));
      }
    }
  }

  private static Q q(String sort) {
    return new Q(SessionSort.parse(sort).orElseThrow(), null, null, null);
  }

  /** A session query under construction. */
  private record Q(SessionSort sort, String text, IpMatch ip, String user) {
    Q withText(String t) {
      return new Q(sort, t, ip, user);
    }

    Q withIp(IpMatch i) {
      return new Q(sort, text, i, user);
    }

    Q withUser(String u) {
      return new Q(sort, text, ip, u);
    }

    SessionQuery query() {
      return new SessionQuery(
          100,
          sort,
          Optional.empty(),
          Optional.ofNullable(text),
          Optional.ofNullable(ip),
          Optional.ofNullable(user));
    }
  }

  private static int page(SessionStore sessions, Q q, Instant now) {
    return page(sessions, q.query(), now);
  }

  private static int page(SessionStore sessions, SessionQuery query, Instant now) {
    return sessions.livePage(query, now).sessions().size();
  }

  /** The query from the position after 500,000 sessions: page 5,001 of 100. */
  private static SessionQuery deep(SessionStore sessions, Q q, Instant now) {
    SessionQuery query =
        new SessionQuery(
            1000, q.sort(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    for (int i = 0; i < 500; i++) {
      SessionPage page = sessions.livePage(query, now);
      query = query.from(page.next().orElseThrow());
    }
    return q.query().from(query.after().orElseThrow());
  }

  private static UserQuery users(boolean descending, String text) {
    return new UserQuery(100, descending, Optional.empty(), Optional.ofNullable(text));
  }

  private static AuditQuery audit(String user, Set<String> types, Instant day) {
    return new AuditQuery(
        100,
        0,
        Optional.ofNullable(user),
        types,
        Optional.ofNullable(day),
        Optional.ofNullable(day == null ? null : day.plusSeconds(86400)));
  }

  private static Row time(String name, Supplier<Integer> query) {
    int rows = 0;
    for (int i = 0; i < WARMUP; i++) {
      rows = query.get();
    }
    double[] ms = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      query.get();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    java.util.Arrays.sort(ms);
    Row row = new Row(name, ms[RUNS / 2], ms[(int) Math.ceil(RUNS * 0.99) - 1], rows);
    System.err.printf(
        Locale.ROOT,
        "%s: median %.1f ms, p99 %.1f ms, %d rows%n",
        name,
        row.median(),
        row.p99(),
        rows);
    return row;
  }
}
