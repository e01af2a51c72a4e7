package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.server.http.Requests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS served directly, from the PEM files of SESSIONLIMITS_TLS_CERT and SESSIONLIMITS_TLS_KEY.
 */
class TlsTest {

  private static final String ADMIN_LOGIN =
      "{\"username\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}";

  @TempDir Path dir;

  @Test
  void theServerAnswersHttpsWithThePemCertificateAndKey() throws Exception {
    SelfSignedPem pem = SelfSignedPem.create("RSA");
    Map<String, String> env =
        Map.of(
            "SESSIONLIMITS_TLS_CERT", pem.writeCertificate(dir.resolve("cert.pem")).toString(),
            "SESSIONLIMITS_TLS_KEY",
                pem.writeKey(dir.resolve("key.pem"), SelfSignedPem.KeyForm.PKCS8).toString());
    try (TestServer t = TestServer.start(env)) {
      URI base = URI.create("https://127.0.0.1:" + t.server.port());
      HttpClient client = pem.client();
      HttpResponse<String> health = send(client, HttpRequest.newBuilder(base.resolve("/healthz")));
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.headers().firstValue("Strict-Transport-Security")).hasValue(Requests.HSTS);

      HttpResponse<String> login =
          send(
              client,
              HttpRequest.newBuilder(base.resolve("/api/v1/login"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(ADMIN_LOGIN)));
      assertThat(login.statusCode()).as(login.body()).isEqualTo(201);
      String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(cookie).startsWith("__Host-sl_session=").contains("; Secure", "; HttpOnly");

      HttpResponse<String> verify =
          send(
              client,
              HttpRequest.newBuilder(base.resolve("/auth/verify"))
                  .header("Cookie", cookie.split(";", 2)[0]));
      assertThat(verify.statusCode()).isEqualTo(200);
      assertThat(verify.headers().firstValue("X-Session-User")).hasValue("admin");

      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThatThrownBy(
              () ->
                  send(
                      plain,
                      HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + t.server.port() + "/healthz"))))
          .as("no plain HTTP on the TLS port")
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void rsaAndEcKeysAreReadInTheirTraditionalPemFormsToo() throws Exception {
    for (String algorithm : new String[] {"RSA", "EC"}) {
      SelfSignedPem pem = SelfSignedPem.create(algorithm);
      Path key =
          pem.writeKey(dir.resolve(algorithm + "-key.pem"), SelfSignedPem.KeyForm.TRADITIONAL);
      assertThat(Files.readString(key)).startsWith("-----BEGIN " + algorithm + " PRIVATE KEY-----");
      Map<String, String> env =
          Map.of(
              "SESSIONLIMITS_TLS_CERT",
              pem.writeCertificate(dir.resolve(algorithm + "-cert.pem")).toString(),
              "SESSIONLIMITS_TLS_KEY",
              key.toString());
      try (TestServer t = TestServer.start(env)) {
        HttpResponse<String> health =
            send(
                pem.client(),
                HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + t.server.port() + "/healthz")));
        assertThat(health.statusCode()).as(algorithm).isEqualTo(200);
      }
    }
  }

  @Test
  void aKeyThatDoesNotBelongToTheCertificateStopsTheStartNamingTheVariable() {
    SelfSignedPem pem = SelfSignedPem.create("RSA");
    SelfSignedPem other = SelfSignedPem.create("RSA");
    Path cert = pem.writeCertificate(dir.resolve("cert.pem"));
    Path key = other.writeKey(dir.resolve("other-key.pem"), SelfSignedPem.KeyForm.PKCS8);
    assertThatThrownBy(
            () ->
                ServerConfig.fromEnvironment(
                    Map.of(
                        "SESSIONLIMITS_TLS_CERT",
                        cert.toString(),
                        "SESSIONLIMITS_TLS_KEY",
                        key.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SESSIONLIMITS_TLS_KEY (" + key + ")")
        .hasMessageContaining("does not belong to the certificate in SESSIONLIMITS_TLS_CERT");
  }

  @Test
  void missingUnreadableOrWrongFilesStopTheStartNamingTheVariable() throws IOException {
    SelfSignedPem pem = SelfSignedPem.create("EC");
    Path cert = pem.writeCertificate(dir.resolve("cert.pem"));
    Path key = pem.writeKey(dir.resolve("key.pem"), SelfSignedPem.KeyForm.PKCS8);
    Path missing = dir.resolve("missing.pem");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a PEM file\n");

    assertThatThrownBy(() -> config(missing, key))
        .hasMessageContaining("SESSIONLIMITS_TLS_CERT (" + missing + ") does not exist");
    assertThatThrownBy(() -> config(cert, missing))
        .hasMessageContaining("SESSIONLIMITS_TLS_KEY (" + missing + ") does not exist");
    assertThatThrownBy(() -> config(key, key))
        .hasMessageContaining("SESSIONLIMITS_TLS_CERT (" + key + ") holds no certificate");
    assertThatThrownBy(() -> config(cert, cert))
        .hasMessageContaining("SESSIONLIMITS_TLS_KEY (" + cert + ") holds no private key");
    assertThatThrownBy(() -> config(garbage, key))
        .hasMessageContaining("SESSIONLIMITS_TLS_CERT (" + garbage + ") holds no certificate");
    assertThatThrownBy(
            () -> ServerConfig.fromEnvironment(Map.of("SESSIONLIMITS_TLS_CERT", cert.toString())))
        .hasMessageContaining(
            "SESSIONLIMITS_TLS_CERT and SESSIONLIMITS_TLS_KEY must be set together")
        .hasMessageContaining("got only SESSIONLIMITS_TLS_CERT");
  }

  private static ServerConfig config(Path cert, Path key) {
    return ServerConfig.fromEnvironment(
        Map.of("SESSIONLIMITS_TLS_CERT", cert.toString(), "SESSIONLIMITS_TLS_KEY", key.toString()));
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return client.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
