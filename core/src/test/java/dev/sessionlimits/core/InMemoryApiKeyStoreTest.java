package dev.sessionlimits.core;

class InMemoryApiKeyStoreTest extends ApiKeyStoreContract {

  @Override
  protected ApiKeyStore createStore() {
    return ApiKeyStore.inMemory();
  }
}
