package dev.sessionlimits.core;

class InMemoryUserStoreTest extends UserStoreContract {

  @Override
  protected UserStore createStore() {
    return UserStore.inMemory();
  }
}
