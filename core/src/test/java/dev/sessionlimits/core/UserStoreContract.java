package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link UserStore} must have around its administrators: the guarded changes
 * never leave the store without an enabled administrator, however many run at once. A store's test
 * class extends this and says how to make a fresh, empty store.
 */
public abstract class UserStoreContract {

  protected static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  private static final int ADMINISTRATORS = 6;
  private static final int ROUNDS = 10;

  protected UserStore store;

  /** A new, empty store; closed after the test if it is {@link AutoCloseable}. */
  protected abstract UserStore createStore() throws Exception;

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

  private static User user(String name, boolean admin, boolean disabled) {
    return new User(name, null, admin, disabled, null, T0, T0);
  }

  private List<String> enabledAdministrators() {
    return store.list().stream().filter(User::enabledAdministrator).map(User::username).toList();
  }

  @Test
  void pagesOfUsersVisitEveryMatchingUserOnceByNameEitherWay() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      names.add(String.format("%s%02d", (i % 2 == 0) ? "bob" : "carol", i));
      store.create(user(names.get(i), false, false));
    }
    store.create(user("x_y", false, false));
    for (boolean descending : List.of(false, true)) {
      List<String> seen = new ArrayList<>();
      UserQuery query = new UserQuery(4, descending, Optional.empty(), Optional.of("BoB"));
      for (int pages = 0; pages < 10; pages++) {
        UserQuery.Page page = store.page(query);
        page.users().forEach(u -> seen.add(u.username()));
        if (page.next().isEmpty()) {
          break;
        }
        query = query.from(page.next().get());
      }
      List<String> bobs = names.stream().filter(n -> n.startsWith("bob")).sorted().toList();
      List<String> expected = new ArrayList<>(bobs);
      if (descending) {
        Collections.reverse(expected);
      }
      assertThat(seen).as("descending " + descending).isEqualTo(expected);
    }
    // _ and % are text, not patterns.
    assertThat(store.page(new UserQuery(10, false, Optional.empty(), Optional.of("_"))).users())
        .extracting(User::username)
        .containsExactly("x_y");
  }

  @Test
  void theLastEnabledAdministratorCannotBeDemotedDisabledOrDeleted() {
    store.create(user("root", true, false));
    store.create(user("alice", false, false));
    store.create(user("retired", true, true));

    assertThat(store.updateKeepingAnAdministrator(user("root", false, false)))
        .isEqualTo(UserStore.Guarded.LAST_ADMINISTRATOR);
    assertThat(store.updateKeepingAnAdministrator(user("root", true, true)))
        .isEqualTo(UserStore.Guarded.LAST_ADMINISTRATOR);
    assertThat(store.deleteKeepingAnAdministrator("root"))
        .isEqualTo(UserStore.Guarded.LAST_ADMINISTRATOR);
    assertThat(store.find("root")).contains(user("root", true, false));
  }

  @Test
  void aChangeThatLeavesAnAdministratorIsMade() {
    store.create(user("root", true, false));
    store.create(user("second", true, false));
    User rootWithLimit = new User("root", "$argon2id$new", true, false, 3, T0, T0.plusSeconds(1));

    assertThat(store.updateKeepingAnAdministrator(rootWithLimit)).isEqualTo(UserStore.Guarded.DONE);
    assertThat(store.find("root")).contains(rootWithLimit);
    assertThat(store.updateKeepingAnAdministrator(user("second", false, false)))
        .isEqualTo(UserStore.Guarded.DONE);
    assertThat(enabledAdministrators()).containsExactly("root");
    assertThat(store.deleteKeepingAnAdministrator("second")).isEqualTo(UserStore.Guarded.DONE);
    assertThat(store.find("second")).isEmpty();
  }

  @Test
  void anUnknownUserIsNotFound() {
    assertThat(store.updateKeepingAnAdministrator(user("ghost", true, false)))
        .isEqualTo(UserStore.Guarded.NOT_FOUND);
    assertThat(store.deleteKeepingAnAdministrator("ghost")).isEqualTo(UserStore.Guarded.NOT_FOUND);
    assertThat(store.find("ghost")).isEmpty();
  }

  @Test
  void concurrentDemotionsDisablesAndDeletesOfEveryAdministratorLeaveExactlyOne() throws Exception {
    int next = 0;
    for (int round = 0; round < ROUNDS; round++) {
      while (enabledAdministrators().size() < ADMINISTRATORS) {
        assertThat(store.create(user("admin" + next++, true, false))).isTrue();
      }
      List<String> targets = new ArrayList<>(enabledAdministrators());
      List<UserStore.Guarded> outcomes =
          Burst.run(
              targets.size(),
              i -> {
                String name = targets.get(i);
                return switch (i % 3) {
                  case 0 -> store.updateKeepingAnAdministrator(user(name, false, false));
                  case 1 -> store.updateKeepingAnAdministrator(user(name, true, true));
                  default -> store.deleteKeepingAnAdministrator(name);
                };
              });
      assertThat(enabledAdministrators()).as("round %d: %s", round, outcomes).hasSize(1);
      assertThat(outcomes)
          .as("round %d", round)
          .containsOnly(UserStore.Guarded.DONE, UserStore.Guarded.LAST_ADMINISTRATOR)
          .filteredOn(o -> o == UserStore.Guarded.LAST_ADMINISTRATOR)
          .hasSize(1);
    }
  }
}
