package dev.sessionlimits.identity.oidc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Keycloak (the Maven distribution unpacked by the build into {@code keycloak.home}) in dev
 * mode on a free loopback port, with the {@code sessionlimits} realm imported from {@link #REALM}:
 * started once per JVM by {@link #shared()}, stopped when the JVM exits. Its H2 database lives in a
 * temporary folder of its own, deleted at exit. It runs on the JDK at {@link #JAVA_HOME} (Keycloak
 * 26 needs Java 21 or later); its output goes to {@code keycloak-<port>.log} beside the home.
 *
 * <p>When it cannot start, tests that need it are skipped, or fail under {@code CI=true}.
 */
public final class KeycloakServer {

  /** The realm file (classpath resource): realm {@value #REALM_NAME}, users alice and bob. */
  public static final String REALM = "/dev/sessionlimits/identity/oidc/sessionlimits-realm.json";

  /** The realm's name. */
  public static final String REALM_NAME = "sessionlimits";

  /** The confidential client of the realm, with PKCE S256 required. */
  public static final String CLIENT_ID = "sessionlimits";

  /** The client's secret. */
  public static final String CLIENT_SECRET = "sessionlimits-test-secret";

  /** The JDK Keycloak runs on, unless the {@code keycloak.java.home} property names another. */
  public static final String JAVA_HOME = "/usr/lib/jvm/temurin-25-jdk-amd64";

  static final String ADMIN_USER = "admin";
  static final String ADMIN_PASSWORD = "admin-password";

  /** The first start builds Keycloak's optimized image (about 100 s); later ones take ~20 s. */
  private static final Duration START_LIMIT = Duration.ofMinutes(6);

  private static Object shared;

  private final URI baseUri;
  private final Process process;
  private final Path dataDir;
  private final Path log;
  private Duration startTime = Duration.ZERO;

  private KeycloakServer(URI baseUri, Process process, Path dataDir, Path log) {
    this.baseUri = baseUri;
    this.process = process;
    this.dataDir = dataDir;
    this.log = log;
  }

  /**
   * The Keycloak of this JVM, started at the first call (later calls wait for it or fail the same
   * way). Skips the calling test when it cannot start, or fails it under {@code CI=true}.
   */
  public static synchronized KeycloakServer shared() {
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException | RuntimeException e) {
        shared = e.toString();
      }
    }
    if (shared instanceof KeycloakServer server) {
      return server;
    }
    String reason = "Keycloak could not start: " + shared;
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(reason);
    }
    Assumptions.abort(reason);
    throw new AssertionError("unreachable");
  }

  /** Where Keycloak listens: {@code http://127.0.0.1:<port>}. */
  public URI baseUri() {
    return baseUri;
  }

  /** The issuer of the {@code sessionlimits} realm. */
  public URI issuer() {
    return URI.create(baseUri + "/realms/" + REALM_NAME);
  }

  /** How long this Keycloak took to answer its discovery document after being started. */
  public Duration startTime() {
    return startTime;
  }

  /** The realm's admin API, signed in as the bootstrap administrator. */
  public KeycloakAdmin admin() {
    return new KeycloakAdmin(baseUri, REALM_NAME, ADMIN_USER, ADMIN_PASSWORD);
  }

  /**
   * An OpenID Connect configuration for the realm's client, with the given public URL and
   * environment additions (claims, admin group, name).
   */
  public OidcConfig config(URI publicUrl, Map<String, String> more) {
    var env = new java.util.HashMap<>(more);
    env.put(OidcConfig.ISSUER, issuer().toString());
    env.put(OidcConfig.CLIENT_ID, CLIENT_ID);
    env.put(OidcConfig.CLIENT_SECRET, CLIENT_SECRET);
    env.put(OidcConfig.PUBLIC_URL, publicUrl.toString());
    return OidcConfig.fromEnvironment(env).orElseThrow();
  }

  private static KeycloakServer start() throws IOException {
    String homeProperty = System.getProperty("keycloak.home");
    if (homeProperty == null || !Files.isExecutable(Path.of(homeProperty, "bin", "kc.sh"))) {
      throw new IllegalStateException(
          "keycloak.home (" + homeProperty + ") is not an unpacked Keycloak distribution");
    }
    Path home = Path.of(homeProperty).toAbsolutePath();
    Path java = Path.of(System.getProperty("keycloak.java.home", JAVA_HOME));
    if (!Files.isExecutable(java.resolve("bin/java"))) {
      throw new IllegalStateException("no JDK at " + java + " (Keycloak needs Java 21+)");
    }
    Path imports = Files.createDirectories(home.resolve("data/import"));
    try (InputStream realm = KeycloakServer.class.getResourceAsStream(REALM)) {
      Files.copy(
          realm, imports.resolve("sessionlimits-realm.json"), StandardCopyOption.REPLACE_EXISTING);
    }
    int port = freePort();
    URI base = URI.create("http://127.0.0.1:" + port);
    Path dataDir = Files.createTempDirectory("sessionlimits-keycloak-");
    Path log = home.resolveSibling("keycloak-" + port + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                home.resolve("bin/kc.sh").toString(),
                "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port,
                "--http-management-port=" + freePort(),
                "--hostname=" + base,
                "--db-url=jdbc:h2:file:" + dataDir.resolve("keycloakdb") + ";NON_KEYWORDS=VALUE",
                "--import-realm"));
    builder.environment().put("JAVA_HOME", java.toString());
    builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx768m");
    builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
    builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    long started = System.nanoTime();
    Process process = builder.start();
    KeycloakServer server = new KeycloakServer(base, process, dataDir, log);
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "keycloak-stop"));
    server.awaitDiscovery(started);
    server.startTime = Duration.ofNanos(System.nanoTime() - started);
    System.out.println(
        "Keycloak " + base + " answered after " + server.startTime.toMillis() + " ms");
    return server;
  }

  /**
   * Polls the realm's discovery document until it answers 200, the process dies, or time runs out.
   */
  private void awaitDiscovery(long startedNanos) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest discovery =
        HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = startedNanos + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Keycloak exited with " + process.exitValue() + "; its output: " + tail());
      }
      try {
        if (http.send(discovery, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Keycloak", e);
      }
      try {
        process.waitFor(250, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Keycloak", e);
      }
    }
    stop();
    throw new IllegalStateException(
        "Keycloak did not answer within " + START_LIMIT + "; its output: " + tail());
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return log
          + "\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return log + " (unreadable: " + e + ")";
    }
  }

  private void stop() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteTree(dataDir);
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
