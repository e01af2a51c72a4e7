package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** External identities in this JVM's memory. */
final class InMemoryExternalIdentities implements ExternalIdentities {

  private static final Comparator<ExternalIdentity> ORDER =
      Comparator.comparing(ExternalIdentity::issuer).thenComparing(ExternalIdentity::subject);

  private final ConcurrentHashMap<ExternalIdentity, String> users = new ConcurrentHashMap<>();

  @Override
  public Optional<String> usernameFor(ExternalIdentity identity) {
    return Optional.ofNullable(users.get(requireNonNull(identity, "identity")));
  }

  @Override
  public Link link(String username, ExternalIdentity identity) {
    User.requireValidUsername(username);
    requireNonNull(identity, "identity");
    String linked = users.putIfAbsent(identity, username);
    if (linked == null) {
      return Link.LINKED;
    }
    return linked.equals(username) ? Link.ALREADY_LINKED : Link.LINKED_TO_ANOTHER_USER;
  }

  @Override
  public List<ExternalIdentity> identitiesOf(String username) {
    requireNonNull(username, "username");
    return users.entrySet().stream()
        .filter(e -> e.getValue().equals(username))
        .map(Map.Entry::getKey)
        .sorted(ORDER)
        .toList();
  }

  @Override
  public void forget(String username) {
    requireNonNull(username, "username");
    users.values().removeIf(username::equals);
  }
}
