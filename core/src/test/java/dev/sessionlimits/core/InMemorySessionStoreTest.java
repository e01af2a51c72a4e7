package dev.sessionlimits.core;

class InMemorySessionStoreTest extends SessionStoreContract {

  @Override
  protected SessionStore createStore() {
    return SessionStore.inMemory();
  }

  @Override
  public boolean answersLiveSessionsWithoutWaiting() {
    return true;
  }
}
