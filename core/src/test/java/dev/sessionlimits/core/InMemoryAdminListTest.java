package dev.sessionlimits.core;

class InMemoryAdminListTest extends AdminListContract {

  @Override
  protected Stores createStores() {
    return new Stores(SessionStore.inMemory(), AuditLog.inMemory());
  }
}
