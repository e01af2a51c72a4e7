package dev.sessionlimits.bench;

import dev.sessionlimits.core.User;
import dev.sessionlimits.server.ServerConfig;
import dev.sessionlimits.server.SessionlimitsServer;
import dev.sessionlimits.server.Stores;
import dev.sessionlimits.server.service.Passwords;
import dev.sessionlimits.store.jdbc.JdbcStore;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The server as the HTTP benchmarks run it: the real {@link SessionlimitsServer} on the embedded H2
 * store or PostgreSQL, with production (OWASP Argon2id) or cheap password hashing. Benchmarks only:
 * the cheap cost ({@link Passwords.Cost#CHEAP}) is a builder option for tests and benchmarks, never
 * a setting a user can reach.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.sessionlimits.bench.BenchServer h2:<dir> |
 * postgres:<jdbc url> argon2id|cheap <ready file> [verify sessions]}. It starts on a free port,
 * creates the users {@code limit1-0} to {@code limit1-63} ({@code sessions_limit} 1), {@code
 * unlimited-0} to {@code unlimited-63} ({@code -1}) and {@code verifier} (no limit of its own;
 * global default is unlimited), all with the password {@link #PASSWORD} hashed at the server's cost
 * (except {@code verifier}, whose hash is always cheap: its logins only set the benchmark up),
 * signs {@code verifier} in as many times as asked through {@code POST /api/v1/login}, and writes
 * the ready file: {@code port=<port>} and one {@code cookie=<sl_session value>} line per session.
 * It serves until killed.
 */
public final class BenchServer {

  /** The benchmark users' password. */
  public static final String PASSWORD = "bench-password-1";

  /** How many users of each kind ({@code limit1-<i>}, {@code unlimited-<i>}) there are. */
  public static final int USERS = 64;

  /** The cheap test-only cost, as the server's tests use. */
  static final Passwords.Cost CHEAP = Passwords.Cost.CHEAP;

  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println(
          "usage: BenchServer h2:<dir>|postgres:<jdbc url> argon2id|cheap <ready file>"
              + " [verify sessions]");
      System.exit(2);
    }
    String storeSpec = args[0];
    Passwords.Cost cost =
        switch (args[1]) {
          case "argon2id" -> Passwords.Cost.OWASP;
          case "cheap" -> CHEAP;
          default ->
              throw new IllegalArgumentException(
                  "hashing must be argon2id or cheap, got " + args[1]);
        };
    Path ready = Path.of(args[2]);
    int verifySessions = (args.length > 3) ? Integer.parseInt(args[3]) : 64;

    JdbcStore store;
    Map<String, String> env = new HashMap<>();
    env.put("SESSIONLIMITS_PORT", "0");
    env.put("SESSIONLIMITS_ADMIN_PASSWORD", "bench-admin-plum-harbor");
    if (storeSpec.startsWith("h2:")) {
      Path dir = Path.of(storeSpec.substring(3));
      env.put("SESSIONLIMITS_DATA_DIR", dir.toString());
      store = JdbcStore.embedded(dir);
    } else if (storeSpec.startsWith("postgres:")) {
      store = JdbcStore.postgres(storeSpec.substring("postgres:".length()));
    } else {
      throw new IllegalArgumentException(
          "store must be h2:<dir> or postgres:<jdbc url>, got " + storeSpec);
    }
    SessionlimitsServer.Builder builder =
        SessionlimitsServer.builder()
            .config(ServerConfig.fromEnvironment(env))
            .stores(Stores.of(store, store::isHealthy));
    if (cost != Passwords.Cost.OWASP) {
      builder.passwordCost(cost);
    }
    if ("off".equals(System.getenv("SL_BENCH_METRICS"))) {
      // A composite registry without members: every meter a no-op (bench/metrics-ab.sh).
      builder.meterRegistry(new CompositeMeterRegistry());
    }
    SessionlimitsServer server = builder.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "bench-server-shutdown"));

    Instant now = Instant.now();
    Passwords passwords = new Passwords(cost);
    String hash = passwords.hash(PASSWORD);
    // Logins rotate over USERS users of each kind: one user's logins serialize on its quota lock by
    // design, and one user does not log in hundreds of times a second. One hash serves them all
    // (the
    // check costs the same).
    for (int i = 0; i < USERS; i++) {
      store.users().create(new User("limit1-" + i, hash, false, false, 1, now, now));
      store.users().create(new User("unlimited-" + i, hash, false, false, -1, now, now));
    }
    store
        .users()
        .create(
            new User(
                "verifier", new Passwords(CHEAP).hash(PASSWORD), false, false, null, now, now));

    HttpClient client = HttpClient.newHttpClient();
    URI login = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/login");
    List<String> lines = new ArrayList<>();
    lines.add("port=" + server.port());
    for (int i = 0; i < verifySessions; i++) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(login)
                  .header("Content-Type", "application/json")
                  .header(
                      "User-Agent",
                      "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"username\":\"verifier\",\"password\":\"" + PASSWORD + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 201) {
        throw new IOException(
            "the verifier's login got " + response.statusCode() + ": " + response.body());
      }
      String cookie =
          response.headers().allValues("Set-Cookie").stream()
              .filter(c -> c.startsWith("sl_session="))
              .findFirst()
              .orElseThrow(() -> new IOException("no session cookie in " + response.headers()));
      lines.add("cookie=" + cookie.substring("sl_session=".length(), cookie.indexOf(';')));
    }
    Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(tmp, ready);
    System.out.println("BenchServer ready on port " + server.port());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
