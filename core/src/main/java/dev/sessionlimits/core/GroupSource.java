package dev.sessionlimits.core;

/** Where a user's membership of a group comes from. */
public enum GroupSource {
  /** Assigned to a local user by an administrator. */
  LOCAL,
  /** The user's group membership in the LDAP directory, read at each login. */
  LDAP,
  /** A groups claim of the OpenID Connect provider's token, read at each login. */
  OIDC
}
