package dev.sessionlimits.server.service;

import dev.sessionlimits.server.http.Requests;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Device cookies, as in OWASP's "Slow Down Online Guessing Attacks with Device Cookies": a browser
 * that signed in to an account gets {@value #COOKIE}, which names that account and a random nonce,
 * signed with a key every node shares ({@code HmacSHA256}, kept in the store). {@link
 * LoginThrottle} judges an attempt that presents a valid one by that device's own failures only, so
 * other people's wrong passwords never lock its owner out.
 *
 * <p>One cookie holds the devices of up to {@value #MAX_ACCOUNTS} accounts (an administrator who is
 * also an ordinary user keeps both), newest first, separated by {@code ~}. Each entry is {@code
 * user!nonce!expiry!signature}: the user name as stored (user names have no {@code !} or {@code
 * ~}), 16 random bytes and the signature in unpadded base64url, the expiry in epoch seconds ({@link
 * #LIFETIME} after the sign-in; every sign-in issues a fresh entry). The signature covers the first
 * three fields and is compared in constant time. The cookie is {@code HttpOnly}, {@code
 * SameSite=Lax}, {@code Path=/}, and {@code Secure} whenever the session cookie is.
 */
public final class DeviceCookies {

  /** The name of the device cookie. */
  public static final String COOKIE = "sl_device";

  /** How long a device entry is valid, and the cookie's {@code Max-Age}. */
  public static final Duration LIFETIME = Duration.ofDays(365);

  static final int MAX_ACCOUNTS = 5;

  /** The name of the signing key in the store's secrets. */
  public static final String KEY_NAME = "device-cookie-key";

  /** Bytes of a new signing key. */
  static final int KEY_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";
  private static final int NONCE_BYTES = 16;

  /** The longest cookie value read; a longer one is ignored. */
  private static final int MAX_VALUE = 2048;

  private final SecretKeySpec key;
  private final InstantSource clock;
  private final SecureRandom random;
  private final Requests requests;
  private final boolean alwaysSecure;

  /** Device cookies signed with {@code key}; {@code alwaysSecure} marks them Secure always. */
  public DeviceCookies(
      byte[] key,
      InstantSource clock,
      SecureRandom random,
      Requests requests,
      boolean alwaysSecure) {
    if (key.length < KEY_BYTES) {
      throw new IllegalArgumentException(
          "a device cookie key needs at least " + KEY_BYTES + " bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    this.clock = clock;
    this.random = random;
    this.requests = requests;
    this.alwaysSecure = alwaysSecure;
  }

  /** A new random signing key. */
  public static byte[] newKey(SecureRandom random) {
    byte[] bytes = new byte[KEY_BYTES];
    random.nextBytes(bytes);
    return bytes;
  }

  /** The device cookie the request carries, or null. */
  public static String presented(Context ctx) {
    String value = ctx.cookie(COOKIE);
    return (value == null || value.isEmpty() || value.length() > MAX_VALUE) ? null : value;
  }

  /**
   * The nonce of the valid, unexpired entry for {@code username} (case-insensitive) in {@code
   * cookie}; null if there is none.
   */
  String device(String cookie, String username) {
    if (cookie == null || username == null) {
      return null;
    }
    Instant now = clock.instant();
    for (Entry entry : valid(cookie, now)) {
      if (entry.user().equalsIgnoreCase(username)) {
        return entry.nonce();
      }
    }
    return null;
  }

  /**
   * Sets the device cookie after {@code username} signed in: a fresh entry for that account, then
   * the other accounts' valid entries from the request's cookie.
   */
  public void issue(Context ctx, String username) {
    Instant now = clock.instant();
    List<String> entries = new ArrayList<>();
    entries.add(sign(username, nonce(), now.plus(LIFETIME).getEpochSecond()));
    String old = presented(ctx);
    if (old != null) {
      for (Entry entry : valid(old, now)) {
        if (entries.size() < MAX_ACCOUNTS && !entry.user().equalsIgnoreCase(username)) {
          entries.add(entry.text());
        }
      }
    }
    ctx.res()
        .addHeader(
            "Set-Cookie",
            COOKIE
                + "="
                + String.join("~", entries)
                + "; Max-Age="
                + LIFETIME.toSeconds()
                + "; Path=/; HttpOnly; SameSite=Lax"
                + (alwaysSecure || requests.isHttps(ctx) ? "; Secure" : ""));
  }

  private record Entry(String user, String nonce, String text) {}

  private List<Entry> valid(String cookie, Instant now) {
    List<Entry> entries = new ArrayList<>();
    for (String text : cookie.split("~")) {
      String[] fields = text.split("!", -1);
      if (fields.length != 4 || entries.size() >= MAX_ACCOUNTS) {
        continue;
      }
      long expiry;
      try {
        expiry = Long.parseLong(fields[2]);
      } catch (NumberFormatException e) {
        continue;
      }
      byte[] expected = mac(fields[0] + "!" + fields[1] + "!" + fields[2]);
      byte[] given;
      try {
        given = Base64.getUrlDecoder().decode(fields[3]);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (MessageDigest.isEqual(expected, given) && now.getEpochSecond() < expiry) {
        entries.add(new Entry(fields[0], fields[1], text));
      }
    }
    return entries;
  }

  private String sign(String username, String nonce, long expiry) {
    String signed = username + "!" + nonce + "!" + expiry;
    return signed + "!" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(signed));
  }

  private String nonce() {
    byte[] bytes = new byte[NONCE_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private byte[] mac(String text) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
