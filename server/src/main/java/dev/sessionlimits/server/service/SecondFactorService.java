package dev.sessionlimits.server.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.SecondFactors;
import dev.sessionlimits.core.TotpFactor;
import dev.sessionlimits.core.User;
import io.nayuki.qrcodegen.QrCode;
import java.net.URI;
import java.net.URLEncoder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A second factor for local accounts: enrolment of an authenticator app (a secret shown once, as an
 * otpauth URI and its QR code), its confirmation with a first code, recovery codes, and the check
 * of a code at sign-in. What may happen only once (a code for a time step, a recovery code) is
 * decided by the {@link SecondFactors} store, so it holds on every node of a cluster.
 */
public final class SecondFactorService {

  /** How many recovery codes a user gets. */
  public static final int RECOVERY_CODES = 10;

  /** The name authenticator apps show for the account's issuer. */
  public static final String ISSUER = "Sessionlimits";

  /** Recovery codes are five groups of five base32 characters: 125 random bits each. */
  private static final int CODE_GROUPS = 5;

  private static final int GROUP_LENGTH = 5;
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  private final SecondFactors store;
  private final InstantSource clock;
  private final SecureRandom random;

  /** A service on {@code store}, telling time by {@code clock}. */
  public SecondFactorService(SecondFactors store, InstantSource clock, SecureRandom random) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    this.random = requireNonNull(random, "random");
  }

  /**
   * A new secret for the app, shown once.
   *
   * @param secret the base32 secret, for typing in by hand
   * @param uri the otpauth URI apps read
   * @param qrSvg {@code uri} as a QR code, an SVG document
   */
  public record Enrolment(String secret, URI uri, String qrSvg) {
    /** Never shows the secret. */
    @Override
    public String toString() {
      return "Enrolment[(secret redacted)]";
    }
  }

  /** The outcome of {@link #confirm}. */
  public sealed interface Confirmation {}

  /** The factor is on; the recovery codes are shown once, and only their hashes are kept. */
  public record Confirmed(List<String> recoveryCodes) implements Confirmation {}

  /** The code was not the app's, or was used already; nothing changed. */
  public record WrongCode() implements Confirmation {}

  /** No enrolment waits for a code: none was begun, or the factor is on already. */
  public record NotEnrolling() implements Confirmation {}

  /** How a second step was passed, or that it was not. */
  public enum Check {
    /** A code of the app, for a step no code was accepted for before. */
    TOTP,
    /** An unused recovery code, now used. */
    RECOVERY_CODE,
    /** Neither: a wrong, reused or malformed code, or no factor. */
    REJECTED
  }

  /**
   * Begins an enrolment for {@code user}, replacing one that waits for its first code.
   *
   * @return empty if she has a confirmed factor (it must be turned off first)
   */
  public Optional<Enrolment> begin(User user) {
    String secret = Totp.newSecret(random);
    if (!store.beginEnrolment(user.username(), secret, clock.instant())) {
      return Optional.empty();
    }
    URI uri = otpauthUri(user.username(), secret);
    return Optional.of(
        new Enrolment(secret, uri, svg(QrCode.encodeText(uri.toString(), QrCode.Ecc.MEDIUM))));
  }

  /** Turns the factor on with the app's first code, and makes its recovery codes. */
  public Confirmation confirm(String username, String code) {
    Optional<TotpFactor> factor = store.find(username);
    if (factor.isEmpty() || factor.get().confirmed()) {
      return new NotEnrolling();
    }
    if (acceptCode(factor.get(), code) != Check.TOTP) {
      return new WrongCode();
    }
    return new Confirmed(newRecoveryCodes(username));
  }

  /** Whether {@code username} has a confirmed factor, which sign-in then asks for. */
  public boolean enabled(String username) {
    return store.find(username).map(TotpFactor::confirmed).orElse(false);
  }

  /** Whether {@code username} has begun setting up an app and not yet entered its first code. */
  public boolean pending(String username) {
    return store.find(username).map(f -> !f.confirmed()).orElse(false);
  }

  /** Checks the second step of {@code username}'s sign-in: a code of her app or a recovery code. */
  public Check check(String username, String code) {
    Optional<TotpFactor> factor = store.find(username);
    if (factor.isEmpty() || !factor.get().confirmed() || code == null) {
      return Check.REJECTED;
    }
    if (code.strip().matches("[0-9]{6}")) {
      return acceptCode(factor.get(), code);
    }
    String normalized = code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    if (normalized.length() != CODE_GROUPS * GROUP_LENGTH) {
      return Check.REJECTED;
    }
    return store.useRecoveryCode(username, hash(normalized)) ? Check.RECOVERY_CODE : Check.REJECTED;
  }

  /** New recovery codes for {@code username}, replacing the old ones; shown once. */
  public List<String> newRecoveryCodes(String username) {
    List<String> codes = new ArrayList<>(RECOVERY_CODES);
    List<String> hashes = new ArrayList<>(RECOVERY_CODES);
    for (int i = 0; i < RECOVERY_CODES; i++) {
      StringBuilder code = new StringBuilder();
      StringBuilder plain = new StringBuilder();
      for (int g = 0; g < CODE_GROUPS; g++) {
        if (g > 0) {
          code.append('-');
        }
        for (int c = 0; c < GROUP_LENGTH; c++) {
          char next = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
          code.append(next);
          plain.append(next);
        }
      }
      codes.add(code.toString());
      hashes.add(hash(plain.toString()));
    }
    store.replaceRecoveryCodes(username, hashes);
    return List.copyOf(codes);
  }

  /** How many of {@code username}'s recovery codes are unused. */
  public int unusedRecoveryCodes(String username) {
    return store.unusedRecoveryCodes(username);
  }

  /** Turns {@code username}'s factor off and drops her recovery codes. */
  public void disable(String username) {
    store.forget(username);
  }

  private Check acceptCode(TotpFactor factor, String code) {
    Instant now = clock.instant();
    OptionalLong step = Totp.matchingStep(factor.secret(), code, now);
    if (step.isEmpty()) {
      return Check.REJECTED;
    }
    return store.acceptStep(factor.username(), factor.secret(), step.getAsLong(), now)
        ? Check.TOTP
        : Check.REJECTED;
  }

  static URI otpauthUri(String username, String secret) {
    String label = encode(ISSUER) + ":" + encode(username);
    return URI.create(
        "otpauth://totp/"
            + label
            + "?secret="
            + secret
            + "&issuer="
            + encode(ISSUER)
            + "&algorithm=SHA1&digits=6&period="
            + Totp.STEP.getSeconds());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, UTF_8).replace("+", "%20");
  }

  /** SHA-256 of a recovery code: 125 random bits need no slow hash (ASVS 6.5.2). */
  static String hash(String normalizedCode) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(normalizedCode.getBytes(UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK has SHA-256", e);
    }
  }

  /** The QR code as an SVG document: one path of dark modules, a four-module quiet zone. */
  static String svg(QrCode qr) {
    int border = 4;
    int size = qr.size + border * 2;
    StringBuilder path = new StringBuilder();
    for (int y = 0; y < qr.size; y++) {
      for (int x = 0; x < qr.size; x++) {
        if (qr.getModule(x, y)) {
          path.append('M').append(x + border).append(',').append(y + border).append("h1v1h-1z");
        }
      }
    }
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
        + size
        + " "
        + size
        + "\" role=\"img\" aria-label=\"QR code of the authenticator app's secret\""
        + " shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
        + "<path d=\""
        + path
        + "\" fill=\"#000\"/></svg>";
  }
}
