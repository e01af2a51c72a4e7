package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * A service's API key as the store keeps it: never the key itself, only its SHA-256 ({@link
 * ApiKeyToken}). A key is live until it is revoked; a revoked key stays listed with its {@code
 * revokedAt}. A key may also expire: from {@code expiresAt} on it is refused like a revoked one,
 * and stays listed.
 *
 * @param id the key's public id, {@value ApiKeyToken#ID_LENGTH} lower-case hex digits (the middle
 *     of {@code slk_<id>_<secret>})
 * @param name what the administrator called it: 1 to {@value #MAX_NAME_LENGTH} characters, no
 *     control character, no whitespace at either end
 * @param scopes what it lets a service do; at least one
 * @param hash the SHA-256 of the whole key
 * @param createdAt when it was created
 * @param createdBy the administrator who created it
 * @param lastUsedAt when a service last used it (recorded at most about once a minute), if ever
 * @param revokedAt when it was revoked, if it was
 * @param expiresAt when it stops being accepted, if ever; after {@code createdAt}
 */
public record ApiKey(
    String id,
    String name,
    Set<ApiKeyScope> scopes,
    TokenHash hash,
    Instant createdAt,
    String createdBy,
    Optional<Instant> lastUsedAt,
    Optional<Instant> revokedAt,
    Optional<Instant> expiresAt) {

  /** The longest name, in UTF-16 units. */
  public static final int MAX_NAME_LENGTH = 100;

  /** The longest {@code createdBy}, in UTF-16 units. */
  public static final int MAX_CREATED_BY_LENGTH = 255;

  public ApiKey {
    if (!ApiKeyToken.isValidId(id)) {
      throw new IllegalArgumentException(
          "an API key's id is " + ApiKeyToken.ID_LENGTH + " lower-case hex digits, got " + id);
    }
    if (!isValidName(name)) {
      throw new IllegalArgumentException(
          "an API key's name is 1 to "
              + MAX_NAME_LENGTH
              + " characters without control characters or surrounding spaces, got "
              + (name == null ? "null" : name.length() + " characters"));
    }
    requireNonNull(scopes, "scopes");
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("an API key needs at least one scope");
    }
    scopes = Collections.unmodifiableSet(EnumSet.copyOf(scopes));
    requireNonNull(hash, "hash");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(createdBy, "createdBy");
    if (createdBy.isEmpty() || createdBy.length() > MAX_CREATED_BY_LENGTH) {
      throw new IllegalArgumentException(
          "createdBy must be 1 to " + MAX_CREATED_BY_LENGTH + " characters");
    }
    requireNonNull(lastUsedAt, "lastUsedAt");
    requireNonNull(revokedAt, "revokedAt");
    requireNonNull(expiresAt, "expiresAt");
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(createdAt)) {
      throw new IllegalArgumentException(
          "an API key expires after it is created, got " + expiresAt.get() + " for " + createdAt);
    }
  }

  /** A key that never expires. */
  public ApiKey(
      String id,
      String name,
      Set<ApiKeyScope> scopes,
      TokenHash hash,
      Instant createdAt,
      String createdBy,
      Optional<Instant> lastUsedAt,
      Optional<Instant> revokedAt) {
    this(id, name, scopes, hash, createdAt, createdBy, lastUsedAt, revokedAt, Optional.empty());
  }

  /** A new, unused, live key for {@code token} that never expires. */
  public static ApiKey created(
      ApiKeyToken token, String name, Set<ApiKeyScope> scopes, Instant now, String createdBy) {
    return created(token, name, scopes, now, createdBy, Optional.empty());
  }

  /** A new, unused, live key for {@code token} that expires at {@code expiresAt}, if given. */
  public static ApiKey created(
      ApiKeyToken token,
      String name,
      Set<ApiKeyScope> scopes,
      Instant now,
      String createdBy,
      Optional<Instant> expiresAt) {
    return new ApiKey(
        token.id(),
        name,
        scopes,
        token.hash(),
        now,
        createdBy,
        Optional.empty(),
        Optional.empty(),
        expiresAt);
  }

  /** Whether the key has not been revoked (it may have expired). */
  public boolean live() {
    return revokedAt.isEmpty();
  }

  /** Whether the key is accepted at {@code now}: not revoked, and not expired. */
  public boolean acceptedAt(Instant now) {
    return live() && expiresAt.map(now::isBefore).orElse(true);
  }

  /** The same key, revoked at {@code at}. */
  public ApiKey revoked(Instant at) {
    return new ApiKey(
        id, name, scopes, hash, createdAt, createdBy, lastUsedAt, Optional.of(at), expiresAt);
  }

  /** The same key, last used at {@code at}. */
  public ApiKey usedAt(Instant at) {
    return new ApiKey(
        id, name, scopes, hash, createdAt, createdBy, Optional.of(at), revokedAt, expiresAt);
  }

  /** Whether {@code name} is a valid key name (see {@link #name()}); false for null. */
  public static boolean isValidName(String name) {
    return name != null
        && !name.isEmpty()
        && name.length() <= MAX_NAME_LENGTH
        && !Character.isWhitespace(name.codePointAt(0))
        && !Character.isWhitespace(name.codePointBefore(name.length()))
        && name.codePoints().noneMatch(Character::isISOControl);
  }
}
