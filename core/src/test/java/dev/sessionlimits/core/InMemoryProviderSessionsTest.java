package dev.sessionlimits.core;

import java.util.UUID;

class InMemoryProviderSessionsTest extends ProviderSessionsContract {

  @Override
  protected ProviderSessions createStore() {
    return ProviderSessions.inMemory();
  }

  @Override
  protected String openSession(String user) {
    return UUID.randomUUID().toString();
  }
}
