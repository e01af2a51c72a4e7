package dev.sessionlimits.server.service;

import dev.sessionlimits.core.ExternalIdentities;
import dev.sessionlimits.core.ExternalIdentity;
import dev.sessionlimits.core.Group;
import dev.sessionlimits.core.GroupSource;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The local account of a user the directory or the identity provider vouched for: created on her
 * first sign-in, and kept in step with what the source says on every later one (the administrator
 * flag, when the source decides it, and her groups from that source).
 *
 * <h2>Which account</h2>
 *
 * An identity ({@link ExternalIdentity}: issuer and subject) is linked to one user name, once; a
 * later sign-in of that identity is that user, whatever name the source gives then. A first sign-in
 * links the identity to the name the source gives, unless that name belongs to an account of its
 * own: a local account (it has a password) or one linked to another identity is never taken over,
 * and the sign-in is refused ({@link Conflict}). The link is made before the account is created, so
 * of simultaneous first sign-ins of one identity all reach the same account, and the store's atomic
 * link decides between two identities claiming one free name.
 */
public final class ExternalUsers {

  private final UserStore users;
  private final GroupStore groups;
  private final ExternalIdentities identities;
  private final InstantSource clock;

  /**
   * @param users read past any cache: the account's flags decide this sign-in
   */
  public ExternalUsers(
      UserStore users, GroupStore groups, ExternalIdentities identities, InstantSource clock) {
    this.users = Objects.requireNonNull(users, "users");
    this.groups = Objects.requireNonNull(groups, "groups");
    this.identities = Objects.requireNonNull(identities, "identities");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The account, or why there is none. */
  public sealed interface Provisioned {}

  /**
   * The account to sign in; the caller still refuses a disabled one. {@code created} is true if
   * this call created it.
   */
  public record Ready(User user, boolean created) implements Provisioned {}

  /** No account: {@code reason} says why, for the log and the sign-in page. */
  public record Conflict(String reason) implements Provisioned {}

  /**
   * The account of {@code identity}, created or brought in step.
   *
   * @param username the name the source gives; must be a valid user name ({@link User#USERNAME})
   * @param admin whether the source makes the user an administrator, or empty when it does not
   *     decide (no administrators' group configured): the stored flag then stays as it is
   * @param source whose groups these are; only that source's memberships are replaced
   * @param groupNames the user's groups at the source; names no group may have are left out
   */
  public Provisioned provision(
      ExternalIdentity identity,
      String username,
      Optional<Boolean> admin,
      GroupSource source,
      Collection<String> groupNames) {
    Provisioned provisioned = provision(identity, username, admin);
    if (provisioned instanceof Ready ready) {
      Set<String> valid = new LinkedHashSet<>();
      for (String group : groupNames) {
        if (Group.isValidName(group)) {
          valid.add(group);
        }
      }
      groups.replaceMemberships(ready.user().username(), source, valid);
    }
    return provisioned;
  }

  /**
   * The account of {@code identity}, created or brought in step as {@link #provision(
   * ExternalIdentity, String, Optional, GroupSource, Collection)} does, for a source that names no
   * groups: her memberships stay as they are.
   */
  public Provisioned provision(
      ExternalIdentity identity, String username, Optional<Boolean> admin) {
    Optional<String> linked = identities.usernameFor(identity);
    String name;
    if (linked.isPresent()) {
      name = linked.get();
    } else {
      Optional<User> existing = users.find(username);
      if (existing.isPresent()
          // A simultaneous first sign-in of this identity may have linked and created it since.
          && !identities.usernameFor(identity).equals(Optional.of(username))) {
        return new Conflict(
            "the account " + username + " exists already and is not linked to this sign-in");
      }
      switch (identities.link(username, identity)) {
        case LINKED, ALREADY_LINKED -> name = username;
        default -> {
          return new Conflict("the name " + username + " is linked to another sign-in");
        }
      }
    }
    Instant now = clock.instant();
    User user = users.find(name).orElse(null);
    boolean createdHere = false;
    if (user == null) {
      User created = new User(name, null, admin.orElse(false), false, null, now, now);
      createdHere = users.create(created);
      if (!createdHere) {
        user = users.find(name).orElse(null);
        if (user == null) {
          return new Conflict("the account " + name + " could not be created");
        }
      } else {
        user = created;
      }
    }
    if (user.passwordHash() != null) {
      // A local account (perhaps created between the check and the link) is never taken over.
      return new Conflict("the account " + name + " has a password of its own");
    }
    if (admin.isPresent() && admin.get() != user.admin()) {
      User changed =
          new User(
              name,
              user.passwordHash(),
              admin.get(),
              user.disabled(),
              user.sessionsLimit(),
              user.createdAt(),
              now);
      if (users.updateKeepingAnAdministrator(changed) == UserStore.Guarded.DONE) {
        user = changed;
      }
    }
    return new Ready(user, createdHere);
  }
}
