package dev.sessionlimits.core;

class InMemoryGroupStoreTest extends GroupStoreContract {

  @Override
  protected GroupStore createStore() {
    return GroupStore.inMemory();
  }
}
