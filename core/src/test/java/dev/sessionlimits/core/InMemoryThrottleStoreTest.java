package dev.sessionlimits.core;

class InMemoryThrottleStoreTest extends ThrottleStoreContract {

  @Override
  protected ThrottleStore createStore() {
    return ThrottleStore.inMemory();
  }
}
