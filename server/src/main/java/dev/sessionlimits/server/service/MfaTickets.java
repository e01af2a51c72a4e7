package dev.sessionlimits.server.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ticket a password step hands out when the account has a second factor (401 {@code
 * mfa_required}): it proves, for {@link #LIFETIME}, that this user's password was right, to the
 * request that brings the code. Signed with a key every node shares (kept in the store, like the
 * device cookies'), bound to the client's address and user agent, so it is worth nothing elsewhere;
 * it opens no session and bears no limit, which apply only once the code is right.
 */
public final class MfaTickets {

  /** The name of the signing key in the store's secrets. */
  public static final String KEY_NAME = "mfa-ticket-key";

  /** How long a ticket is good for. */
  public static final Duration LIFETIME = Duration.ofMinutes(5);

  private static final String ALGORITHM = Signatures.ALGORITHM;
  private static final int KEY_BYTES = 32;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final InstantSource clock;

  /** Tickets signed with {@code key}. */
  public MfaTickets(byte[] key, InstantSource clock) {
    if (key.length < KEY_BYTES) {
      throw new IllegalArgumentException(
          "a ticket key needs at least " + KEY_BYTES + " bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    this.clock = requireNonNull(clock, "clock");
  }

  /** A new random signing key. */
  public static byte[] newKey(SecureRandom random) {
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return key;
  }

  /**
   * What a valid ticket says.
   *
   * @param username whose password was right
   * @param authMethod how it was checked ({@code password})
   */
  public record Ticket(String username, String authMethod) {}

  /** A ticket for {@code username}, from this address and user agent. */
  public String issue(String username, String authMethod, String clientIp, String userAgent) {
    String payload =
        String.join(
            "\n",
            username,
            authMethod,
            Long.toString(clock.instant().getEpochSecond()),
            client(clientIp, userAgent));
    byte[] body = payload.getBytes(UTF_8);
    return ENCODER.encodeToString(body) + "." + ENCODER.encodeToString(mac(body));
  }

  /** What {@code ticket} says, if it is genuine, unexpired and from this client. */
  public Optional<Ticket> verify(String ticket, String clientIp, String userAgent) {
    if (ticket == null || ticket.length() > 1024) {
      return Optional.empty();
    }
    int dot = ticket.indexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    byte[] body;
    byte[] signature;
    try {
      body = DECODER.decode(ticket.substring(0, dot));
      signature = DECODER.decode(ticket.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(mac(body), signature)) {
      return Optional.empty();
    }
    String[] fields = new String(body, UTF_8).split("\n", -1);
    if (fields.length != 4 || !fields[3].equals(client(clientIp, userAgent))) {
      return Optional.empty();
    }
    Instant issued = Instant.ofEpochSecond(Long.parseLong(fields[2]));
    Instant now = clock.instant();
    if (now.isBefore(issued.minusSeconds(5)) || !now.isBefore(issued.plus(LIFETIME))) {
      return Optional.empty();
    }
    return Optional.of(new Ticket(fields[0], fields[1]));
  }

  private byte[] mac(byte[] body) {
    return Signatures.mac(key, body);
  }

  private static String client(String clientIp, String userAgent) {
    return Signatures.client(clientIp, userAgent);
  }
}
