package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.server.service.Passwords;
import dev.sessionlimits.store.jdbc.JdbcStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real server on a free port, on in-memory stores (unless given others), with a hand-moved clock
 * and cheap password hashing. The administrator is {@code admin} / {@link #ADMIN_PASSWORD}.
 */
public final class TestServer implements AutoCloseable {

  static final String ADMIN_PASSWORD = "admin-plum-harbor-lantern";

  /** The user agent of Firefox on Linux. */
  public static final String FIREFOX_LINUX =
      "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

  /** The user agent of Chrome on Windows. */
  public static final String CHROME_WINDOWS =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
          + " (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

  /** Password hashing cheap enough for tests. */
  public static final Passwords.Cost CHEAP = Passwords.Cost.CHEAP;

  /** The time on the server's clock when it starts. */
  public static final Instant START = Instant.parse("2026-03-02T14:00:00Z");

  /** The server's clock; tests move it. */
  public final MutableClock clock;

  final Stores stores;
  final SessionlimitsServer server;
  final URI base;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private TestServer(
      Instant start,
      Stores stores,
      Map<String, String> env,
      Consumer<SessionlimitsServer.Builder> customize) {
    this.clock = new MutableClock(start);
    this.stores = stores;
    Map<String, String> environment = new HashMap<>(env);
    environment.putIfAbsent("SESSIONLIMITS_PORT", "0");
    environment.putIfAbsent("SESSIONLIMITS_ADMIN_PASSWORD", ADMIN_PASSWORD);
    SessionlimitsServer.Builder builder =
        SessionlimitsServer.builder()
            .config(ServerConfig.fromEnvironment(environment))
            .stores(stores)
            .clock(clock)
            .passwordCost(CHEAP)
            .out(new PrintStream(out, true, StandardCharsets.UTF_8));
    customize.accept(builder);
    this.server = builder.start();
    this.base = URI.create("http://127.0.0.1:" + server.port());
  }

  /** A server on in-memory stores. */
  public static TestServer start() {
    return start(Map.of());
  }

  /** A server on in-memory stores, with the environment {@code env}. */
  public static TestServer start(Map<String, String> env) {
    return new TestServer(START, Stores.inMemory(), env, b -> {});
  }

  /** A server on {@code stores}, with {@code env}, its builder changed by {@code customize}. */
  public static TestServer start(
      Stores stores, Map<String, String> env, Consumer<SessionlimitsServer.Builder> customize) {
    return new TestServer(START, stores, env, customize);
  }

  /**
   * A server whose clock starts at {@code start}: a real browser compares the server's times with
   * its own, so browser tests start the clock at the present (it still moves only by hand).
   */
  static TestServer startAt(
      Instant start, Map<String, String> env, Consumer<SessionlimitsServer.Builder> customize) {
    return new TestServer(start, Stores.inMemory(), env, customize);
  }

  /**
   * A cluster node on {@code jdbcUrl} and the real clock (nodes must agree on time, as real ones
   * do), with a {@link JdbcStore} of its own (pool, listener connection, cache), like a separate
   * process; {@code customize} may change the builder before it starts.
   */
  static SessionlimitsServer clusterNode(
      String jdbcUrl, Consumer<SessionlimitsServer.Builder> customize) {
    JdbcStore store = JdbcStore.postgres(jdbcUrl);
    try {
      SessionlimitsServer.Builder builder =
          SessionlimitsServer.builder()
              .config(
                  ServerConfig.fromEnvironment(
                      Map.of(
                          "SESSIONLIMITS_PORT",
                          "0",
                          "SESSIONLIMITS_ADMIN_PASSWORD",
                          ADMIN_PASSWORD)))
              .stores(Stores.of(store, store::isHealthy))
              .clock(InstantSource.system())
              .passwordCost(CHEAP);
      customize.accept(builder);
      return builder.start();
    } catch (RuntimeException | Error e) {
      store.close();
      throw e;
    }
  }

  /** A client of this server with its own cookies. */
  public Browser browser() {
    return new Browser(base, FIREFOX_LINUX);
  }

  /** A client of this server with its own cookies, sending {@code userAgent}. */
  public Browser browser(String userAgent) {
    return new Browser(base, userAgent);
  }

  /** A browser whose connections come from {@code localAddress}, such as 127.0.0.2. */
  Browser browserFrom(String localAddress, String userAgent) {
    return new Browser(base, userAgent, localAddress);
  }

  /** A browser signed in as the administrator. */
  Browser admin() {
    Browser admin = browser(CHROME_WINDOWS);
    assertThat(admin.login("admin", ADMIN_PASSWORD).status()).isEqualTo(201);
    return admin;
  }

  /** Changes settings through the API as the administrator; asserts success. */
  public void settings(String json) {
    Browser.Response r = admin().patch("/api/v1/settings", json);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  /** Creates a user through the API as the administrator. */
  public void createUser(String username, String password) {
    createUser("{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
  }

  /** Creates the user {@code json} describes through the API as the administrator. */
  public void createUser(String json) {
    Browser.Response r = admin().post("/api/v1/users", json);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  @Override
  public void close() {
    server.close();
  }
}
