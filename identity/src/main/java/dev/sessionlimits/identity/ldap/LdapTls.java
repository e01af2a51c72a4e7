package dev.sessionlimits.identity.ldap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS side of the directory connection: which certificate authorities are trusted. */
final class LdapTls {

  private LdapTls() {}

  /**
   * The certificates in the PEM file at {@code path}.
   *
   * @throws IllegalArgumentException when it cannot be read or holds no certificate
   */
  static List<X509Certificate> readCertificates(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) c);
      }
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("it holds no BEGIN CERTIFICATE block");
      }
      return certificates;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read it: " + e, e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not PEM certificates: " + e.getMessage(), e);
    }
  }

  /**
   * A TLS context that trusts the certificate authorities in {@code caFile}, or the JDK's trust
   * store when it is empty. Certificates are checked the JDK's way (PKIX: chain, validity dates).
   */
  static SSLContext context(Optional<Path> caFile) {
    try {
      KeyStore anchors = null;
      if (caFile.isPresent()) {
        anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        int i = 0;
        for (X509Certificate c : readCertificates(caFile.get())) {
          anchors.setCertificateEntry("ca-" + i++, c);
        }
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS for the directory: " + e, e);
    }
  }
}
