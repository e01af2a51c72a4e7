package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.core.ExternalIdentities.Link;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ExternalIdentities} must have: an identity signs in as at most one
 * user, however many links of it run at once. A store's test class extends this and says how to
 * make a fresh, empty store.
 */
public abstract class ExternalIdentitiesContract {

  private static final String ISSUER = "https://id.example.org/realms/staff";
  private static final int THREADS = 8;
  private static final int ROUNDS = 10;

  protected ExternalIdentities store;

  /** A new, empty store; closed after the test if it is {@link AutoCloseable}. */
  protected abstract ExternalIdentities createStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = createStore();
  }

  @AfterEach
  void closeStore() throws Exception {
    if (store instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  @Test
  void aLinkedIdentitySignsInAsItsUserAndAnUnknownOneAsNobody() {
    ExternalIdentity oidc = new ExternalIdentity(ISSUER, "248289761001");

    assertThat(store.link("alice", oidc)).isEqualTo(Link.LINKED);

    assertThat(store.usernameFor(oidc)).contains("alice");
    assertThat(store.usernameFor(new ExternalIdentity(ISSUER, "other"))).isEmpty();
    assertThat(store.usernameFor(ExternalIdentity.ldap("248289761001"))).isEmpty();
  }

  @Test
  void anIdentityLinkedAlreadyStaysWithItsUser() {
    ExternalIdentity directory = ExternalIdentity.ldap("6d3f0a4e-1c2b-4f5e-8a9b-0c1d2e3f4a5b");
    store.link("alice", directory);

    assertThat(store.link("alice", directory)).isEqualTo(Link.ALREADY_LINKED);
    assertThat(store.link("bob", directory)).isEqualTo(Link.LINKED_TO_ANOTHER_USER);
    assertThat(store.usernameFor(directory)).contains("alice");
    assertThat(store.identitiesOf("bob")).isEmpty();
  }

  @Test
  void aUserMayHaveSeveralIdentitiesListedByIssuerThenSubjectComparedExactly() {
    ExternalIdentity upper = ExternalIdentity.ldap("ABC");
    ExternalIdentity lower = ExternalIdentity.ldap("abc");
    ExternalIdentity oidc = new ExternalIdentity(ISSUER, "Ünïcode-sub");
    store.link("alice", oidc);
    store.link("alice", lower);
    store.link("alice", upper);

    assertThat(store.identitiesOf("alice")).containsExactly(oidc, upper, lower);
    assertThat(store.usernameFor(oidc)).contains("alice");
  }

  @Test
  void forgettingAUserUnlinksHerIdentitiesOnly() {
    ExternalIdentity hers = ExternalIdentity.ldap("a");
    ExternalIdentity his = ExternalIdentity.ldap("b");
    store.link("alice", hers);
    store.link("alice", new ExternalIdentity(ISSUER, "a"));
    store.link("bob", his);

    store.forget("alice");
    store.forget("nobody");

    assertThat(store.identitiesOf("alice")).isEmpty();
    assertThat(store.usernameFor(hers)).isEmpty();
    assertThat(store.usernameFor(his)).contains("bob");
    assertThat(store.link("carol", hers)).isEqualTo(Link.LINKED);
  }

  @Test
  void anInvalidUserNameIsRefused() {
    assertThatThrownBy(() -> store.link("not valid", ExternalIdentity.ldap("x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.usernameFor(ExternalIdentity.ldap("x"))).isEmpty();
  }

  @Test
  void concurrentLinksOfOneIdentityToDifferentUsersLinkExactlyOne() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      ExternalIdentity identity = new ExternalIdentity(ISSUER, "sub-" + round);
      List<Link> answers = Burst.run(THREADS, i -> store.link("user" + (i % 4), identity));
      String owner = store.usernameFor(identity).orElseThrow();
      int winner = Integer.parseInt(owner.substring("user".length()));
      assertThat(answers).as("round %d", round).filteredOn(a -> a == Link.LINKED).hasSize(1);
      for (int i = 0; i < THREADS; i++) {
        if (answers.get(i) != Link.LINKED) {
          assertThat(answers.get(i))
              .as("round %d, thread %d", round, i)
              .isEqualTo((i % 4 == winner) ? Link.ALREADY_LINKED : Link.LINKED_TO_ANOTHER_USER);
        }
      }
    }
  }
}
