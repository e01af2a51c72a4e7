package dev.sessionlimits.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The certificate chain and private key of {@code SESSIONLIMITS_TLS_CERT} and {@code
 * SESSIONLIMITS_TLS_KEY}: PEM files as nginx and Caddy take them (the key as PKCS#8 {@code PRIVATE
 * KEY}, PKCS#1 {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY}, unencrypted), read with
 * Bouncy Castle's {@link PEMParser} into an in-memory key store for Jetty.
 */
final class TlsFiles {

  static final String CERT_VARIABLE = "SESSIONLIMITS_TLS_CERT";
  static final String KEY_VARIABLE = "SESSIONLIMITS_TLS_KEY";

  /** The in-memory key store's password: it never leaves the process. */
  static final char[] PASSWORD = "sessionlimits".toCharArray();

  static final String ALIAS = "sessionlimits";

  private TlsFiles() {}

  /**
   * The key store holding the key of {@code keyFile} with the chain of {@code certFile}.
   *
   * @throws IllegalArgumentException naming the variable and file when a file cannot be read, holds
   *     no certificate or no usable key, or the key does not belong to the first certificate
   */
  static KeyStore keyStore(Path certFile, Path keyFile) {
    List<X509Certificate> chain = certificates(certFile);
    PrivateKey key = privateKey(keyFile);
    if (!matches(key, chain.get(0))) {
      throw new IllegalArgumentException(
          KEY_VARIABLE
              + " ("
              + keyFile
              + ") holds a private key that"
              + " does not belong to the certificate in "
              + CERT_VARIABLE
              + " ("
              + certFile
              + ", "
              + chain.get(0).getSubjectX500Principal().getName()
              + "): give the key the certificate was"
              + " issued for");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(ALIAS, key, PASSWORD, chain.toArray(new Certificate[0]));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          KEY_VARIABLE
              + " ("
              + keyFile
              + "): the key cannot be used"
              + " with its certificate ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  private static List<X509Certificate> certificates(Path file) {
    List<X509Certificate> chain = new ArrayList<>();
    for (Object object : read(file, CERT_VARIABLE)) {
      if (object instanceof X509CertificateHolder holder) {
        try {
          chain.add(new JcaX509CertificateConverter().getCertificate(holder));
        } catch (GeneralSecurityException e) {
          throw new IllegalArgumentException(
              CERT_VARIABLE
                  + " ("
                  + file
                  + ") holds a certificate"
                  + " that cannot be read: "
                  + e.getMessage(),
              e);
        }
      }
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(
          CERT_VARIABLE
              + " ("
              + file
              + ") holds no certificate: it must be a PEM file with \"-----BEGIN CERTIFICATE-----\""
              + " blocks, the server's own first");
    }
    return chain;
  }

  private static PrivateKey privateKey(Path file) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object object : read(file, KEY_VARIABLE)) {
      try {
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (object instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(
            KEY_VARIABLE
                + " ("
                + file
                + ") holds a private key that"
                + " cannot be read: "
                + e.getMessage(),
            e);
      }
      if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
        throw new IllegalArgumentException(
            KEY_VARIABLE
                + " ("
                + file
                + ") holds an encrypted private key: give it unencrypted (openssl pkey -in KEY -out"
                + " PLAIN), readable only by the server's user");
      }
    }
    throw new IllegalArgumentException(
        KEY_VARIABLE
            + " ("
            + file
            + ") holds no private key: it must be a PEM file with a \"PRIVATE KEY\", \"RSA PRIVATE"
            + " KEY\" or \"EC PRIVATE KEY\" block");
  }

  /** Every PEM object in {@code file}. */
  private static List<Object> read(Path file, String variable) {
    List<Object> objects = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        objects.add(object);
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(variable + " (" + file + ") does not exist", e);
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(
          variable + " (" + file + ") cannot be read by this user", e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          variable + " (" + file + ") cannot be read as a PEM file (" + e.getMessage() + ")", e);
    }
    return objects;
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm();
        };
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
