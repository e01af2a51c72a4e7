package dev.sessionlimits.identity.ldap;

import com.unboundid.ldap.listener.SelfSignedCertificateGenerator;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.util.ObjectPair;
import com.unboundid.util.ssl.KeyStoreKeyManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.cert.ManageCertificates;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSocketFactory;

/** A self-signed server certificate made for one test, and its PEM file for CA_FILE. */
final class TestCertificates {

  final SSLServerSocketFactory serverSockets;
  final SSLSocketFactory startTlsSockets;
  final Path pem;

  private TestCertificates(
      SSLServerSocketFactory serverSockets, SSLSocketFactory startTlsSockets, Path pem) {
    this.serverSockets = serverSockets;
    this.startTlsSockets = startTlsSockets;
    this.pem = pem;
  }

  /** A new key pair and a certificate for localhost and 127.0.0.1. */
  static TestCertificates create(Path dir) throws Exception {
    Path keyStore = Files.createTempFile(dir, "server-", ".p12");
    Files.delete(keyStore);
    char[] pin = "test-pin".toCharArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ResultCode made =
        ManageCertificates.main(
            null,
            out,
            out,
            "generate-self-signed-certificate",
            "--keystore",
            keyStore.toString(),
            "--keystore-password",
            new String(pin),
            "--keystore-type",
            "PKCS12",
            "--alias",
            "server",
            "--subject-dn",
            "CN=localhost,O=Sessionlimits test",
            "--subject-alternative-name-dns",
            "localhost",
            "--subject-alternative-name-ip-address",
            "127.0.0.1",
            "--days-valid",
            "2");
    if (made != ResultCode.SUCCESS) {
      throw new IllegalStateException("no certificate: " + out.toString(StandardCharsets.UTF_8));
    }
    return load(dir, keyStore.toFile(), pin);
  }

  /**
   * A new key pair and certificate for this machine's other names and addresses (UnboundID's
   * generator), which do not include localhost.
   */
  static TestCertificates createForAnotherHost(Path dir) throws Exception {
    ObjectPair<File, char[]> store =
        SelfSignedCertificateGenerator.generateTemporarySelfSignedCertificate(
            "sessionlimits-test", "PKCS12");
    store.getFirst().deleteOnExit();
    return load(dir, store.getFirst(), store.getSecond());
  }

  private static TestCertificates load(Path dir, File file, char[] pin) throws Exception {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file.toPath())) {
      keyStore.load(in, pin);
    }
    String alias = keyStore.aliases().nextElement();
    Certificate certificate = keyStore.getCertificate(alias);
    Path pem = Files.createTempFile(dir, "ca-", ".pem");
    Files.writeString(
        pem,
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    SSLUtil ssl = new SSLUtil(new KeyStoreKeyManager(file, pin, "PKCS12", alias), null);
    return new TestCertificates(
        ssl.createSSLServerSocketFactory(), ssl.createSSLSocketFactory(), pem);
  }
}
