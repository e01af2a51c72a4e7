package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

/**
 * Who a user is at an identity provider: the provider ({@code issuer}: an OpenID Connect issuer
 * URL, or {@link #LDAP} for the directory) and her stable id there ({@code subject}: the token's
 * {@code sub}, or the directory entry's id). Each is 1 to {@value #MAX_LENGTH} characters without
 * control characters; compared exactly.
 */
public record ExternalIdentity(String issuer, String subject) {

  /** The issuer of the identities of directory (LDAP) users. */
  public static final String LDAP = "ldap";

  /** The longest issuer or subject, in UTF-16 units (OpenID Connect's limit for {@code sub}). */
  public static final int MAX_LENGTH = 255;

  public ExternalIdentity {
    requireValid(issuer, "issuer");
    requireValid(subject, "subject");
  }

  /** The identity of a directory user whose entry's id is {@code subject}. */
  public static ExternalIdentity ldap(String subject) {
    return new ExternalIdentity(LDAP, subject);
  }

  private static void requireValid(String value, String name) {
    requireNonNull(value, name);
    if (value.isEmpty()
        || value.length() > MAX_LENGTH
        || value
            .codePoints()
            .anyMatch(
                c ->
                    Character.getType(c) == Character.CONTROL
                        || Character.getType(c) == Character.SURROGATE)) {
      throw new IllegalArgumentException(
          "an external identity's "
              + name
              + " must be 1 to "
              + MAX_LENGTH
              + " characters without control characters, got one of "
              + value.length()
              + " characters");
    }
  }
}
