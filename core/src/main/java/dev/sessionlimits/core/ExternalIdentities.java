package dev.sessionlimits.core;

import java.util.List;
import java.util.Optional;

/**
 * Which local user each external identity (a directory entry, an identity provider's subject) signs
 * in as. An identity belongs to at most one user; a user may have several. Shared by all nodes of a
 * cluster. Every method throws {@link StoreUnavailableException} when the store cannot be reached
 * or failed ("try again"; nothing changed).
 */
public interface ExternalIdentities {

  /** A new store in this JVM's memory. */
  static ExternalIdentities inMemory() {
    return new InMemoryExternalIdentities();
  }

  /** The user {@code identity} signs in as, if it is linked to one. */
  Optional<String> usernameFor(ExternalIdentity identity);

  /**
   * Links {@code identity} to {@code username}, unless it is linked to a user already; atomic, so
   * of two concurrent links of one identity to different users exactly one is {@link Link#LINKED}.
   *
   * @throws IllegalArgumentException if {@code username} is not a valid user name
   */
  Link link(String username, ExternalIdentity identity);

  /** {@code username}'s identities, by issuer, then subject. */
  List<ExternalIdentity> identitiesOf(String username);

  /** Removes every identity of {@code username}: she was deleted. */
  void forget(String username);

  /** The outcome of {@link #link}. */
  enum Link {
    /** The identity is now linked to the user. */
    LINKED,
    /** The identity was linked to this user already; nothing changed. */
    ALREADY_LINKED,
    /** The identity is linked to another user; nothing changed. */
    LINKED_TO_ANOTHER_USER
  }
}
