package dev.sessionlimits.core;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An API key as a service presents it: {@code slk_<id>_<secret>}, the id {@value #ID_LENGTH} random
 * hex digits (public: for lookup, listing and the audit), the secret 256 random bits in URL-safe
 * base64 without padding. The whole key is handed to the administrator once, at creation; a store
 * keeps only its {@link #hash()}.
 *
 * <p>The hash is a plain SHA-256, not a slow password hash: a slow hash protects guessable secrets,
 * and 256 random bits cannot be guessed, whatever the speed of the hash. The server compares hashes
 * in constant time all the same.
 *
 * <p>{@link #toString()} shows only the prefix and the id, never the secret.
 */
public final class ApiKeyToken {

  /** The length of a key's id, in hex digits. */
  public static final int ID_LENGTH = 16;

  /** What every key starts with, so a secret scanner (and a person) can tell one. */
  public static final String PREFIX = "slk_";

  private static final int SECRET_BYTES = 32;
  private static final Pattern FORM =
      Pattern.compile("slk_([0-9a-f]{" + ID_LENGTH + "})_([A-Za-z0-9_-]{43})");
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final String id;
  private final String value;
  private final TokenHash hash;

  private ApiKeyToken(String id, String value) {
    this.id = id;
    this.value = value;
    this.hash = TokenHash.of(value);
  }

  /** A new key drawn from {@code random}. */
  public static ApiKeyToken generate(SecureRandom random) {
    byte[] idBytes = new byte[ID_LENGTH / 2];
    random.nextBytes(idBytes);
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(secret);
    String id = HexFormat.of().formatHex(idBytes);
    return new ApiKeyToken(id, PREFIX + id + "_" + ENCODER.encodeToString(secret));
  }

  /** The key {@code presented} if it has the form of one; empty otherwise (and for null). */
  public static Optional<ApiKeyToken> parse(String presented) {
    if (presented == null || presented.length() > 100) {
      return Optional.empty();
    }
    var matcher = FORM.matcher(presented);
    return matcher.matches()
        ? Optional.of(new ApiKeyToken(matcher.group(1), presented))
        : Optional.empty();
  }

  /** Whether {@code id} has the form of a key's id; false for null. */
  public static boolean isValidId(String id) {
    return id != null && id.length() == ID_LENGTH && id.chars().allMatch(ApiKeyToken::isLowerHex);
  }

  /** The key's public id. */
  public String id() {
    return id;
  }

  /** The whole key, {@code slk_<id>_<secret>}: to show once, never to store or log. */
  public String value() {
    return value;
  }

  /** The SHA-256 of the whole key: what a store keeps. */
  public TokenHash hash() {
    return hash;
  }

  @Override
  public String toString() {
    return "ApiKeyToken[" + PREFIX + id + "_…]";
  }

  private static boolean isLowerHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }
}
