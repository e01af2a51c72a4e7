package dev.sessionlimits.server.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.ThrottleStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * The token of a sign-in that waits for the user's choice: refused by her own limit, she may sign
 * one of her sessions out ({@code resolve_token} of 403 {@code session_limit_reached}), or, told
 * which session a login would end, she may go on ({@code preview}). It proves, for {@link
 * #LIFETIME}, that this user's password (and every factor her login needs) was right, to a request
 * from the same address and user agent.
 *
 * <h2>Single use, on every node</h2>
 *
 * A token is signed like the second-factor tickets ({@link MfaTickets}: HMAC-SHA256 with a key
 * every node shares, kept in the store), and carries 128 random bits. The session it opens gets an
 * id derived from those bits and the key ({@link Ticket#sessionId}), so nothing about the token is
 * stored but that keyed hash, and the store's unique session id makes each token open at most one
 * session, atomically with the open, whichever node it reaches ({@link
 * dev.sessionlimits.core.DuplicateSessionException}). A token whose session exists is used.
 */
public final class ResolveTokens {

  /** The name of the signing key in the store's secrets. */
  public static final String KEY_NAME = "resolve-token-key";

  /** How long a token is good for. */
  public static final Duration LIFETIME = Duration.ofMinutes(2);

  /** The longest token this class issues or reads. */
  public static final int MAX_LENGTH = 2048;

  private static final String ALGORITHM = Signatures.ALGORITHM;
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 16;
  private static final int SESSION_ID_BYTES = 16;
  private static final int FIELDS = 6;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final InstantSource clock;
  private final SecureRandom random;

  /** Tokens signed with {@code key}, at least 32 bytes. */
  public ResolveTokens(byte[] key, InstantSource clock, SecureRandom random) {
    if (key.length < KEY_BYTES) {
      throw new IllegalArgumentException(
          "a token key needs at least " + KEY_BYTES + " bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    this.clock = requireNonNull(clock, "clock");
    this.random = requireNonNull(random, "random");
  }

  /** Tokens signed with the key kept in {@code store}'s secrets, made there if it is new. */
  public static ResolveTokens keptIn(
      ThrottleStore store, InstantSource clock, SecureRandom random) {
    return new ResolveTokens(store.secret(KEY_NAME, () -> newKey(random)), clock, random);
  }

  /** A new random signing key. */
  public static byte[] newKey(SecureRandom random) {
    return MfaTickets.newKey(random);
  }

  /**
   * What a valid token says.
   *
   * @param username whose password (and factors) were right
   * @param authMethod how they were checked, recorded with the session it opens
   * @param device the name the user gave this device, or empty
   * @param sessionId the id of the session the token opens: derived from it, and the same on every
   *     node
   */
  public record Ticket(String username, String authMethod, String device, String sessionId) {
    public Ticket {
      requireNonNull(username, "username");
      requireNonNull(authMethod, "authMethod");
      requireNonNull(device, "device");
      requireNonNull(sessionId, "sessionId");
    }
  }

  /**
   * A token just issued.
   *
   * @param token what the client sends back
   * @param expiresAt when it stops being accepted
   */
  public record Issued(String token, Instant expiresAt) {}

  /** A token for {@code username}, from this address and user agent. */
  public Issued issue(
      String username, String authMethod, String device, String clientIp, String userAgent) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    Instant now = clock.instant();
    String payload =
        String.join(
            "\n",
            ENCODER.encodeToString(nonce),
            username,
            authMethod,
            ENCODER.encodeToString((device == null ? "" : device).getBytes(UTF_8)),
            Long.toString(now.getEpochSecond()),
            client(clientIp, userAgent));
    byte[] body = payload.getBytes(UTF_8);
    String token = ENCODER.encodeToString(body) + "." + ENCODER.encodeToString(mac(body));
    return new Issued(token, now.plus(LIFETIME));
  }

  /**
   * What {@code token} says, if it is genuine, unexpired and from this client; whether it was used
   * already is the store's to say (a session with its {@link Ticket#sessionId} exists).
   */
  public Optional<Ticket> verify(String token, String clientIp, String userAgent) {
    if (token == null || token.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    int dot = token.indexOf('.');
    byte[] body;
    byte[] signature;
    try {
      body = DECODER.decode(token.substring(0, Math.max(dot, 0)));
      signature = DECODER.decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (dot < 0 || !MessageDigest.isEqual(mac(body), signature)) {
      return Optional.empty();
    }
    String[] fields = new String(body, UTF_8).split("\n", -1);
    if (fields.length != FIELDS || !fields[5].equals(client(clientIp, userAgent))) {
      return Optional.empty();
    }
    Instant issued = Instant.ofEpochSecond(Long.parseLong(fields[4]));
    Instant now = clock.instant();
    if (now.isBefore(issued.minusSeconds(5)) || !now.isBefore(issued.plus(LIFETIME))) {
      return Optional.empty();
    }
    byte[] derived = mac(("session\n" + fields[0]).getBytes(UTF_8));
    String sessionId = ENCODER.encodeToString(Arrays.copyOf(derived, SESSION_ID_BYTES));
    String device = new String(DECODER.decode(fields[3]), UTF_8);
    return Optional.of(new Ticket(fields[1], fields[2], device, sessionId));
  }

  private byte[] mac(byte[] body) {
    return Signatures.mac(key, body);
  }

  private static String client(String clientIp, String userAgent) {
    return Signatures.client(clientIp, userAgent);
  }
}
