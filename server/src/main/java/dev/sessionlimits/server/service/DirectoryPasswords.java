package dev.sessionlimits.server.service;

import dev.sessionlimits.core.ExternalIdentities;
import dev.sessionlimits.core.ExternalIdentity;
import dev.sessionlimits.core.GroupSource;
import dev.sessionlimits.core.User;
import dev.sessionlimits.identity.ldap.DirectoryAnswer;
import dev.sessionlimits.identity.ldap.LdapConfig;
import dev.sessionlimits.identity.ldap.LdapDirectory;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The directory's half of a password check ({@link Logins}): asks the LDAP or Active Directory
 * server whether the password is right, and brings the local account of a user it vouches for into
 * being and in step ({@link ExternalUsers}: her groups from the directory, and the administrator
 * flag when an administrators' group is configured). Throttling, auditing and the answer stay with
 * {@link Logins}. Close it to close the directory's connections.
 */
public final class DirectoryPasswords implements AutoCloseable {

  /** What the directory said, and what became of it. */
  public sealed interface Outcome {}

  /**
   * The password is right: {@code user} is the local account, brought in step, or created by this
   * sign-in if {@code created}.
   */
  public record Accepted(User user, boolean created) implements Outcome {}

  /** Wrong password, or a user the directory does not know: the same answer for both. */
  public record Wrong() implements Outcome {}

  /**
   * The password is right, but no account may be signed in with it ({@link ExternalUsers.Conflict},
   * or a name no account may have): {@code reason} is for the audit and the log.
   */
  public record Refused(String reason) implements Outcome {}

  /** The directory gave no answer: nobody signs in, and it is no wrong password either. */
  public record Unavailable(String reason) implements Outcome {}

  private final LdapDirectory directory;
  private final boolean decidesAdmin;
  private final ExternalUsers accounts;
  private final ExternalIdentities identities;

  /**
   * @param decidesAdmin whether an administrators' group is configured: only then does the
   *     directory make and unmake administrators
   * @param accounts the local accounts of external users
   * @param identities which local user each directory entry is
   */
  public DirectoryPasswords(
      LdapDirectory directory,
      boolean decidesAdmin,
      ExternalUsers accounts,
      ExternalIdentities identities) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.decidesAdmin = decidesAdmin;
    this.accounts = Objects.requireNonNull(accounts, "accounts");
    this.identities = Objects.requireNonNull(identities, "identities");
  }

  /**
   * A directory for {@code config} (its connections are made on first use: a directory that is down
   * now makes each sign-in {@link Unavailable}, never a failed start).
   */
  public static DirectoryPasswords open(
      LdapConfig config, ExternalUsers accounts, ExternalIdentities identities) {
    return new DirectoryPasswords(
        new LdapDirectory(config), config.adminGroup().isPresent(), accounts, identities);
  }

  /** Whether {@code password} is the directory password of {@code username}, and who she is. */
  Outcome check(String username, String password) {
    char[] secret = password.toCharArray();
    DirectoryAnswer answer;
    try {
      answer = directory.authenticate(username, secret);
    } finally {
      Arrays.fill(secret, '\0');
    }
    if (answer instanceof DirectoryAnswer.Unavailable unavailable) {
      return new Unavailable(unavailable.reason());
    }
    if (!(answer instanceof DirectoryAnswer.SignedIn signedIn)) {
      return new Wrong();
    }
    if (!User.USERNAME.matcher(signedIn.username()).matches()) {
      return new Refused(
          "the directory's name \""
              + signedIn.username()
              + "\" is not a valid user name (1 to 64 letters, digits or . _ @ -)");
    }
    ExternalIdentity identity;
    try {
      identity = ExternalIdentity.ldap(signedIn.dn());
    } catch (IllegalArgumentException e) {
      return new Refused("the directory entry's DN cannot identify a user: " + e.getMessage());
    }
    ExternalUsers.Provisioned provisioned =
        accounts.provision(
            identity,
            signedIn.username(),
            decidesAdmin ? Optional.of(signedIn.admin()) : Optional.empty(),
            GroupSource.LDAP,
            signedIn.groups());
    if (provisioned instanceof ExternalUsers.Ready ready) {
      return new Accepted(ready.user(), ready.created());
    }
    return new Refused(((ExternalUsers.Conflict) provisioned).reason());
  }

  /** Whether {@code username}'s account is one the directory signs in. */
  boolean keeps(String username) {
    return identities.identitiesOf(username).stream()
        .anyMatch(i -> i.issuer().equals(ExternalIdentity.LDAP));
  }

  @Override
  public void close() {
    directory.close();
  }
}
