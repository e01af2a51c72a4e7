package dev.sessionlimits.core;

class InMemorySessionStoreTest extends SessionStoreContract {

  @Override
  protected SessionStore createStore() {
    return SessionStore.inMemory();
  }

  @Override
  protected boolean answersLiveSessionsWithoutWaiting() {
    return true;
  }
}
