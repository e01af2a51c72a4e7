package dev.sessionlimits.store.jdbc;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that seal what the store keeps secret at rest: the TOTP secrets of second factors, which
 * a copy of the database (a backup, a dump) would otherwise hand over with the factor itself. Kept
 * outside the database, in a file of its own.
 *
 * <h2>Format</h2>
 *
 * AES-256-GCM from the JDK (no library needed for one cipher), a random 96-bit nonce for every
 * sealing, and the owner's user name as associated data, so that a sealed value copied into another
 * user's row does not open. A sealed value is {@code v1:<key id>:<base64url of nonce, ciphertext
 * and tag>}, where the key id is the first 4 bytes of the key's SHA-256 in hex: about 100
 * characters for a 32-character secret.
 *
 * <h2>Rotation</h2>
 *
 * A key file holds one or more keys, one a line, each 32 bytes in base64 ({@code openssl rand
 * -base64 32}); blank lines and lines starting with {@code #} are skipped. The first key seals,
 * every key opens. To replace a key, put the new one first and keep the old one below it; every
 * start seals again what an older key sealed, and once every node has restarted the old line can
 * go.
 */
public final class SecretsKey {

  static final String PREFIX = "v1:";

  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String CIPHER = "AES/GCM/NoPadding";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final List<SecretKeySpec> keys;
  private final List<String> ids;

  private SecretsKey(List<byte[]> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a key file needs at least one key");
    }
    this.keys = keys.stream().map(k -> new SecretKeySpec(k, "AES")).toList();
    this.ids = keys.stream().map(SecretsKey::id).toList();
  }

  /** A new random key, for tests and for the embedded store's first start. */
  public static SecretsKey generate() {
    return new SecretsKey(List.of(randomKey()));
  }

  /**
   * The keys in {@code file}.
   *
   * @throws IllegalArgumentException if it cannot be read or a line is not a key; the message names
   *     the file and the line, never its content
   */
  public static SecretsKey read(Path file) {
    requireNonNull(file, "file");
    List<String> lines;
    try {
      lines = Files.readAllLines(file, US_ASCII);
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException(
          "the key file " + file + " cannot be read (" + e.getMessage() + ")", e);
    }
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(line);
      } catch (IllegalArgumentException e) {
        key = new byte[0];
      }
      if (key.length != KEY_BYTES) {
        throw new IllegalArgumentException(
            "line "
                + (i + 1)
                + " of the key file "
                + file
                + " is not a key: each key is 32 random bytes in base64 on a line of its own"
                + " (openssl rand -base64 32)");
      }
      keys.add(key);
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          "the key file "
              + file
              + " holds no key: put 32 random bytes in base64 on a line (openssl rand -base64 32)");
    }
    return new SecretsKey(keys);
  }

  /**
   * The keys in {@code file}, which is first created with a new random key, readable by its owner
   * only, if it does not exist.
   */
  public static SecretsKey readOrCreate(Path file) {
    requireNonNull(file, "file");
    if (!Files.exists(file)) {
      String text =
          "# Seals the TOTP secrets in this folder's database (docs/security.md). Keep it with\n"
              + "# the database's backups, but not in them.\n"
              + Base64.getEncoder().encodeToString(randomKey())
              + "\n";
      try {
        Path folder = Files.createDirectories(file.toAbsolutePath().getParent());
        // Owner-only from its creation on: the key is never readable by others, not even briefly.
        if (Files.getFileStore(folder).supportsFileAttributeView("posix")) {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
          Files.createFile(file);
        }
        Files.write(file, text.getBytes(US_ASCII), StandardOpenOption.TRUNCATE_EXISTING);
      } catch (FileAlreadyExistsException e) {
        // another process made it first: read theirs
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "the key file " + file + " cannot be created (" + e.getMessage() + ")", e);
      }
    }
    return read(file);
  }

  /** A new key in front of these: it seals from now on, and these still open. */
  public SecretsKey rotatedTo(SecretsKey newer) {
    List<byte[]> all = new ArrayList<>();
    newer.keys.forEach(k -> all.add(k.getEncoded()));
    keys.forEach(k -> all.add(k.getEncoded()));
    return new SecretsKey(all);
  }

  /** {@code secret} of {@code owner}, sealed with the first key. */
  String seal(String owner, String secret) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(Cipher.ENCRYPT_MODE, keys.get(0), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(owner.getBytes(UTF_8));
      byte[] sealed = cipher.doFinal(secret.getBytes(UTF_8));
      byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
      return PREFIX
          + ids.get(0)
          + ":"
          + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to seal", e);
    }
  }

  /**
   * What {@code stored} holds for {@code owner}: the secret itself if it was stored before sealing,
   * else the secret it seals.
   *
   * @throws IllegalStateException if none of the keys sealed it, or it was altered or moved to
   *     another owner
   */
  String open(String owner, String stored) {
    if (!isSealed(stored)) {
      return stored;
    }
    int colon = stored.indexOf(':', PREFIX.length());
    int index = (colon < 0) ? -1 : ids.indexOf(stored.substring(PREFIX.length(), colon));
    if (index < 0) {
      throw new IllegalStateException(
          "the TOTP secret of "
              + owner
              + " was sealed with a key the key file does not hold; add that key (below the"
              + " current one)");
    }
    try {
      byte[] in = Base64.getUrlDecoder().decode(stored.substring(colon + 1));
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(
          Cipher.DECRYPT_MODE, keys.get(index), new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      cipher.updateAAD(owner.getBytes(UTF_8));
      return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "the sealed TOTP secret of " + owner + " does not open: it was altered or moved", e);
    }
  }

  /** How every value the key that seals now sealed begins: {@code v1:<key id>:}. */
  String sealedPrefix() {
    return PREFIX + ids.get(0) + ":";
  }

  /** Whether {@code stored} is a sealed value rather than a secret stored before sealing. */
  static boolean isSealed(String stored) {
    return stored.startsWith(PREFIX);
  }

  /** Names the keys by id only. */
  @Override
  public String toString() {
    return "SecretsKey" + ids;
  }

  private static byte[] randomKey() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return key;
  }

  private static String id(byte[] key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
