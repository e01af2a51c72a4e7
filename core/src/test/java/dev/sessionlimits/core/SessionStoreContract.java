package dev.sessionlimits.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The behaviour every {@link SessionStore} must have. A store's test class extends this and says
 * how to make a fresh, empty store; the store gets all of these tests, which its parts hold by
 * theme: {@link OpeningContract}, {@link LookupContract}, {@link EndingContract}, {@link
 * ConcurrencyContract}, {@link SigningInAgainContract} and {@link ChosenEndContract}. Times are
 * passed explicitly, so no test waits for a clock.
 */
public abstract class SessionStoreContract
    implements OpeningContract,
        LookupContract,
        EndingContract,
        ConcurrencyContract,
        SigningInAgainContract,
        ChosenEndContract {

  private SessionStore store;
  private final List<Session> announced = new CopyOnWriteArrayList<>();

  /** A new, empty store; it is closed after the test. */
  protected abstract SessionStore createStore() throws Exception;

  @Override
  public SessionStore store() {
    return store;
  }

  @Override
  public List<Session> announced() {
    return announced;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = createStore();
    store.subscribe(announced::add);
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }
}
