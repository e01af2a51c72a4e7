package dev.sessionlimits.identity.oidc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A sign-in that went to the provider and has not come back yet: what the callback is checked
 * against. The server keeps it in a short-lived cookie of the browser that started the sign-in
 * ({@link #encode()}), so it holds nothing but the random values of this one attempt and where to
 * go afterwards; no client secret, no token.
 *
 * @param state the {@code state} sent to the provider, echoed in the callback (binds the callback
 *     to this browser)
 * @param nonce the {@code nonce} sent to the provider, which the ID token must carry
 * @param codeVerifier the PKCE code verifier whose S256 challenge was sent to the provider
 * @param returnTo where to send the browser once signed in (checked by the server, kept as given)
 * @param createdAt when the sign-in started (whole seconds)
 */
public record PendingLogin(
    String state, String nonce, String codeVerifier, String returnTo, Instant createdAt) {

  /** How long the provider may take to send the browser back. */
  public static final Duration LIFETIME = Duration.ofMinutes(10);

  /** The longest {@code returnTo} kept, so the cookie stays well below 4 KB. */
  public static final int MAX_RETURN_TO_LENGTH = 2000;

  private static final String VERSION = "o1";

  /** RFC 7636's verifier alphabet, the base64url subset: 43 to 128 characters. */
  private static final Pattern RANDOM = Pattern.compile("[A-Za-z0-9_-]{43,128}");

  private static final Pattern SECONDS = Pattern.compile("[0-9]{1,12}");

  private static final SecureRandom RNG = new SecureRandom();

  public PendingLogin {
    requireNonNull(returnTo, "returnTo");
    requireNonNull(createdAt, "createdAt");
    checkRandom("state", state);
    checkRandom("nonce", nonce);
    checkRandom("codeVerifier", codeVerifier);
    if (returnTo.length() > MAX_RETURN_TO_LENGTH) {
      throw new IllegalArgumentException(
          "returnTo must be at most " + MAX_RETURN_TO_LENGTH + " characters");
    }
    if (createdAt.getNano() != 0 || createdAt.isBefore(Instant.EPOCH)) {
      throw new IllegalArgumentException(
          "createdAt must be whole seconds after 1970, got " + createdAt);
    }
  }

  /** A new attempt with fresh 256-bit state, nonce and code verifier. */
  public static PendingLogin start(String returnTo, Instant now) {
    return new PendingLogin(
        random(), random(), random(), returnTo, Instant.ofEpochSecond(now.getEpochSecond()));
  }

  /** Whether the provider took too long: {@code now} is {@link #LIFETIME} or more after start. */
  public boolean expiredAt(Instant now) {
    return !now.isBefore(createdAt.plus(LIFETIME));
  }

  /**
   * The cookie value: URL-safe characters and dots only ({@code o1.state.nonce.verifier.seconds.
   * base64url(returnTo)}), about 200 characters for a short {@code returnTo}.
   */
  public String encode() {
    return String.join(
        ".",
        VERSION,
        state,
        nonce,
        codeVerifier,
        Long.toString(createdAt.getEpochSecond()),
        Base64.getUrlEncoder().withoutPadding().encodeToString(returnTo.getBytes(UTF_8)));
  }

  /** The pending login {@code encoded} by {@link #encode()}, or empty for anything else. */
  public static Optional<PendingLogin> decode(String encoded) {
    if (encoded == null || encoded.length() > 4096) {
      return Optional.empty();
    }
    String[] parts = encoded.split("\\.", -1);
    if (parts.length != 6 || !parts[0].equals(VERSION) || !SECONDS.matcher(parts[4]).matches()) {
      return Optional.empty();
    }
    try {
      String returnTo = new String(Base64.getUrlDecoder().decode(parts[5]), UTF_8);
      if (!Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(returnTo.getBytes(UTF_8))
          .equals(parts[5])) {
        return Optional.empty(); // not UTF-8, or not the canonical encoding
      }
      Instant createdAt = Instant.ofEpochSecond(Long.parseLong(parts[4]));
      return Optional.of(new PendingLogin(parts[1], parts[2], parts[3], returnTo, createdAt));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Everything but the code verifier. */
  @Override
  public String toString() {
    return "PendingLogin[state="
        + state
        + ", nonce="
        + nonce
        + ", codeVerifier=(redacted), returnTo="
        + returnTo
        + ", createdAt="
        + createdAt
        + "]";
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RNG.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void checkRandom(String field, String value) {
    requireNonNull(value, field);
    if (!RANDOM.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field + " must be 43 to 128 characters of A-Z a-z 0-9 - _, got \"" + value + "\"");
    }
  }
}
