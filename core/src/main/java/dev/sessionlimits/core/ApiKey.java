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
 * revokedAt}.
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
 */
public record ApiKey(
    String id,
    String name,
    Set<ApiKeyScope> scopes,
    TokenHash hash,
    Instant createdAt,
    String createdBy,
    Optional<Instant> lastUsedAt,
    Optional<Instant> revokedAt) {

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
  }

  /** A new, unused, live key for {@code token}. */
  public static ApiKey created(
      ApiKeyToken token, String name, Set<ApiKeyScope> scopes, Instant now, String createdBy) {
    return new ApiKey(
        token.id(), name, scopes, token.hash(), now, createdBy, Optional.empty(), Optional.empty());
  }

  /** Whether the key has not been revoked. */
  public boolean live() {
    return revokedAt.isEmpty();
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
