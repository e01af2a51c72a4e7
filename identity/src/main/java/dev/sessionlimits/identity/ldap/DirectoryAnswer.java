package dev.sessionlimits.identity.ldap;

import java.util.List;
import java.util.Objects;

/**
 * What the directory said about a user name and password: signed in, rejected, or no answer. Only
 * {@link SignedIn} may open a session; {@link Unavailable} is a 503, never a sign-in.
 */
public sealed interface DirectoryAnswer {

  /**
   * The password is right.
   *
   * @param username the user name as the directory stores it (its user-name attribute), or the
   *     given one, trimmed, when the entry does not carry that attribute
   * @param dn the user's entry
   * @param groups the common names (CN) of her groups, in the directory's order
   * @param admin whether one of her groups is the configured admin group
   */
  record SignedIn(String username, String dn, List<String> groups, boolean admin)
      implements DirectoryAnswer {
    public SignedIn {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(dn, "dn");
      groups = List.copyOf(groups);
      if (username.isEmpty()) {
        throw new IllegalArgumentException("a signed-in user has a name");
      }
    }
  }

  /**
   * Wrong password, unknown user or a name that matches several entries: deliberately the same
   * answer, so that nobody learns which user names exist.
   */
  record Rejected() implements DirectoryAnswer {}

  /**
   * The directory did not answer, or answered with an error that says nothing about the password
   * (refused connection, timeout, TLS failure, busy server, refused service account...).
   *
   * @param reason for the log, never for the person signing in
   */
  record Unavailable(String reason) implements DirectoryAnswer {
    public Unavailable {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
