package dev.sessionlimits.core;

class InMemoryExternalIdentitiesTest extends ExternalIdentitiesContract {

  @Override
  protected ExternalIdentities createStore() {
    return ExternalIdentities.inMemory();
  }
}
